// The parameters of a recurrent layer in a ParamSlab: pointers per direction and layer, initialisation, and
// whole-record get/set under PyTorch's names.

import { describe, ShapeError, ValueError } from '../errors.ts';
import { Random } from '../random.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { fillOrthogonal, fillUniform, fillXavier } from './initializers.ts';
import { checkWeightValues } from './layer-params.ts';
import { type Config, inputWidth, specsOf, suffix } from './recurrent-config.ts';
import { ParamSlab, prefixed } from './slab.ts';

/** Byte pointers of one direction of one layer: parameters and their gradients. */
export interface UnitParams {
  readonly k: number;
  readonly d: number;
  readonly index: number;
  readonly inSize: number;
  readonly wih: number;
  readonly whh: number;
  readonly bih: number;
  readonly bhh: number;
  readonly gwih: number;
  readonly gwhh: number;
  readonly gbih: number;
  readonly gbhh: number;
}

/** The layer's slab: the caller's (checked to hold every tensor with the right shape) or a new one. */
export function openSlab(rt: Runtime, c: Config, shared: ParamSlab | undefined): ParamSlab {
  const specs = prefixed(specsOf(c), c.prefix);
  if (shared === undefined) return new ParamSlab(rt, specs);
  if (!(shared instanceof ParamSlab))
    throw new ValueError(`slab must be a ParamSlab but got ${describe(shared)}`);
  if (shared.rt !== rt) throw new ValueError('slab belongs to another runtime');
  for (const s of specs) {
    const e = shared.entry(s.name);
    if (e.shape.join() !== s.shape.join()) {
      throw new ShapeError(`slab: ${s.name} must be [${s.shape.join(', ')}] but is [${e.shape.join(', ')}]`);
    }
  }
  return shared;
}

export function unitParams(c: Config, slab: ParamSlab): UnitParams[] {
  const units: UnitParams[] = [];
  for (let k = 0; k < c.L; k++) {
    for (let d = 0; d < c.D; d++) {
      const s = suffix(k, d);
      const p = (n: string) => slab.paramPtr(`${c.prefix}${n}_${s}`);
      const g = (n: string) => slab.gradPtr(`${c.prefix}${n}_${s}`);
      units.push({
        k,
        d,
        index: k * c.D + d,
        inSize: inputWidth(c, k),
        wih: p('weight_ih'),
        whh: p('weight_hh'),
        bih: p('bias_ih'),
        bhh: p('bias_hh'),
        gwih: g('weight_ih'),
        gwhh: g('weight_hh'),
        gbih: g('bias_ih'),
        gbhh: g('bias_hh'),
      });
    }
  }
  return units;
}

/** Draws every tensor in PyTorch's order from one PRNG seeded with c.seed. */
export function initialise(c: Config, slab: ParamSlab): void {
  const rng = new Random(c.seed);
  const bound = 1 / Math.sqrt(c.H);
  for (const spec of specsOf(c)) {
    const values = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
    if (spec.name.startsWith('weight_ih') && c.init.input === 'xavier') {
      fillXavier(rng, values, spec.shape[0], spec.shape[1]);
    } else if (spec.name.startsWith('weight_hh') && c.init.recurrent === 'orthogonal') {
      fillOrthogonal(rng, values, c.G, c.H);
    } else fillUniform(rng, values, bound);
    if (c.init.forgetBias !== undefined && spec.name.startsWith('bias_')) {
      // Gate order i, f, g, o: the forget slice is [H, 2H). The two biases sum to forgetBias.
      values.fill(spec.name.startsWith('bias_ih') ? c.init.forgetBias : 0, c.H, 2 * c.H);
    }
    slab.write(c.prefix + spec.name, values);
  }
}

/** Validates the whole record (names, none missing or extra, lengths, finiteness) before writing any tensor. */
export function setRecord(c: Config, slab: ParamSlab, record: Record<string, ArrayLike<number>>): void {
  if (record === null || typeof record !== 'object') {
    throw new ValueError(`setWeights: expected a record of Float32Arrays but got ${describe(record)}`);
  }
  const specs = specsOf(c);
  const names = new Set(specs.map((s) => s.name));
  const extra = Object.keys(record).filter((n) => !names.has(n));
  if (extra.length > 0) {
    throw new ValueError(
      `setWeights: unknown parameter ${extra.join(', ')}; expected ${[...names].join(', ')}`,
    );
  }
  for (const spec of specs) checkWeightValues(spec, record[spec.name]);
  for (const spec of specs) slab.write(c.prefix + spec.name, record[spec.name]);
}

export function getRecord(c: Config, slab: ParamSlab, grads: boolean): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const spec of specsOf(c)) {
    const name = c.prefix + spec.name;
    out[spec.name] = grads ? slab.readGrad(name) : slab.read(name);
  }
  return out;
}
