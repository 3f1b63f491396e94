// Unknown keys in the chronological split's arguments are refused with a near miss named, as every other
// options object of the library is: a misspelt `validation` would otherwise silently become test rows.

import { describe, expect, it } from 'vitest';
import { chronologicalSplit, splitRanges, ValueError } from '../bindings/index.ts';

const series = Float32Array.from({ length: 20 }, (_, i) => i);

describe('split option keys', () => {
  it('refuses a misspelt fraction with the key it meant', () => {
    expect(() => splitRanges(20, { train: 0.7, valdation: 0.1 } as never)).toThrow(ValueError);
    expect(() => splitRanges(20, { train: 0.7, valdation: 0.1 } as never)).toThrow(
      'fractions ({ train, validation, test }): unknown option "valdation"; did you mean validation?',
    );
  });

  it('refuses a misspelt row count, and a key far from every known one with the list', () => {
    expect(() => splitRanges(20, { trainRows: 10, testRow: 5 } as never)).toThrow(
      'unknown option "testRow"; did you mean testRows?',
    );
    expect(() => splitRanges(20, { trainRows: 10, horizon: 5 } as never)).toThrow(
      'unknown option "horizon"; it takes trainRows, validationRows, testRows',
    );
  });

  it('refuses an unknown chronologicalSplit option', () => {
    expect(() => chronologicalSplit(series, { train: 0.5 }, { contxt: 2 } as never)).toThrow(
      'chronologicalSplit options: unknown option "contxt"; did you mean context?',
    );
  });

  it('still splits with every known key', () => {
    const s = chronologicalSplit(series, { train: 0.5, validation: 0.25, test: 0.25 }, { context: 2 });
    expect(s.ranges).toEqual({ train: [0, 10], validation: [10, 15], test: [15, 20] });
    expect(Array.from(s.validation)).toEqual([8, 9, 10, 11, 12, 13, 14]);
    expect(splitRanges(20, { trainRows: 12, validationRows: 3, testRows: 5 }).test).toEqual([15, 20]);
  });
});
