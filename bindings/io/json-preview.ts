// A short, bounded rendering of a JSON value for error messages. A hostile file can hold a shape nested 100,000
// arrays deep or a million entries long: JSON.stringify of that overflows the stack (a RangeError, not our
// FormatError) or builds a message as large as the file. This stops at `max` characters and a fixed depth.

const MAX_DEPTH = 8;

/** At most about `max` characters of `value` as JSON, with "…" where it was cut. */
export function jsonPreview(value: unknown, max = 60): string {
  const out: string[] = [];
  let length = 0;
  const emit = (s: string): boolean => {
    out.push(s);
    length += s.length;
    return length < max;
  };
  const walk = (v: unknown, depth: number): boolean => {
    if (v === null || typeof v !== 'object') {
      return emit(typeof v === 'string' ? JSON.stringify(v.slice(0, max)) : String(v));
    }
    if (depth >= MAX_DEPTH) return emit('…');
    const array = Array.isArray(v);
    if (!emit(array ? '[' : '{')) return false;
    let first = true;
    // Indexed and for-in loops stop at the budget, where Object.entries would first copy a million entries.
    const item = (key: string | undefined, x: unknown): boolean =>
      (first || emit(',')) &&
      (key === undefined || emit(`${JSON.stringify(key.slice(0, max))}:`)) &&
      walk(x, depth + 1);
    if (array) {
      for (let i = 0; i < v.length; i++, first = false) if (!item(undefined, v[i])) return false;
    } else {
      for (const key in v) {
        if (!Object.hasOwn(v, key)) continue;
        if (!item(key, (v as Record<string, unknown>)[key])) return false;
        first = false;
      }
    }
    return emit(array ? ']' : '}');
  };
  const complete = walk(value, 0);
  const text = out.join('');
  return complete && text.length <= max ? text : `${text.slice(0, max)}…`;
}
