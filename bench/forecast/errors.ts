// The APIs under test here are landing while the bench runs against them: an error from one of them (intervals,
// impute) is recorded as that figure's result, printed and failed, instead of ending the whole run.

export const errorMessage = (e: unknown): string =>
  (e instanceof Error ? e.message : String(e)).split('\n')[0];
