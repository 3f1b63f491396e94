// The split the command line fits with. The library's default fits on every row (no test rows), which is right
// for a forecast of the future but leaves nothing to score; `wasm-rnn train` prints a held-out score and
// `wasm-rnn evaluate` rescores the same rows later (the split is saved in the model file), so the last 20 %
// stay out of fitting, as before the library changed its default.

export const HELD_OUT_SPLIT = { train: 0.7, validation: 0.1, test: 0.2 } as const;
