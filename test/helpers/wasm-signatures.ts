// The exported functions of a WebAssembly binary with their parameter and result types, read from the bytes
// (type, import, function and export sections), so a module can be checked without compiling it: the relaxed
// builds need a flag on Node 20, and the threads builds a shared memory.

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

export interface WasmSignature {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

const VAL_TYPES: Record<number, ValType> = {
  127: 'i32',
  126: 'i64',
  125: 'f32',
  124: 'f64',
  123: 'v128',
  112: 'funcref',
  111: 'externref',
};

class Reader {
  readonly bytes: Uint8Array;
  at = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  byte(): number {
    return this.bytes[this.at++];
  }

  u32(): number {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
  }

  name(): string {
    const n = this.u32();
    const s = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + n));
    this.at += n;
    return s;
  }

  valType(): ValType {
    const code = this.byte();
    const type = VAL_TYPES[code];
    if (type === undefined)
      throw new Error(`unknown value type 0x${code.toString(16)} at byte ${this.at - 1}`);
    return type;
  }

  /** Skips a table type or memory type's limits. */
  limits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}

/** Every exported function of `bytes`, by export name. */
export function exportedFunctions(bytes: Uint8Array): Map<string, WasmSignature> {
  const r = new Reader(bytes);
  r.at = 8; // magic and version
  const types: WasmSignature[] = [];
  const functions: number[] = []; // type index of every function, imported ones first
  const exports = new Map<string, WasmSignature>();
  while (r.at < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.at + size;
    if (id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        if (r.byte() !== 0x60) throw new Error('a type that is not a function type');
        const params = Array.from({ length: r.u32() }, () => r.valType());
        const results = Array.from({ length: r.u32() }, () => r.valType());
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        r.name();
        r.name();
        const kind = r.byte();
        if (kind === 0) functions.push(r.u32());
        else if (kind === 1) {
          r.byte();
          r.limits();
        } else if (kind === 2) r.limits();
        else if (kind === 3) {
          r.valType();
          r.byte();
        } else throw new Error(`unknown import kind ${kind}`);
      }
    } else if (id === 3) {
      for (let n = r.u32(); n > 0; n--) functions.push(r.u32());
    } else if (id === 7) {
      for (let n = r.u32(); n > 0; n--) {
        const name = r.name();
        const kind = r.byte();
        const index = r.u32();
        if (kind === 0) exports.set(name, types[functions[index]]);
      }
    }
    r.at = end;
  }
  return exports;
}
