// The statistical members of the forecaster's ensemble, fitted on one column: naive, seasonal naive, AR(L) by
// least squares (on log values too when the series is positive and its seasonal swing grows with its level, and
// at the order AICc picks), ARIMA(p,1,0) without a season, Theta, and the exponential-smoothing form with the
// lowest AICc. Each is cheap (milliseconds for hundreds of points).

import { DataError, describe } from '../../errors.ts';
import { autoregressiveModel, chooseLagsByAicc, fitAutoregressive } from './autoregressive.ts';
import { differencedModel, differences } from './differenced.ts';
import { chooseEts, etsModel, fitEts } from './exponential-smoothing.ts';
import type { UnivariateModel, UnivariateModelJSON } from './model.ts';
import { naiveModel } from './naive.ts';
import { fitTheta, thetaModel } from './theta.ts';

export interface CandidateOptions {
  /** Rows per season (1: none). */
  season: number;
  /** The AR model's lag count (the forecaster's lookback, at most). */
  lags: number;
}

export function fitCandidates(y: Float64Array, options: CandidateOptions): UnivariateModel[] {
  const { season } = options;
  const out: UnivariateModel[] = [naiveModel(1)];
  if (season > 1 && y.length > season) out.push(naiveModel(season));
  const lags = Math.min(options.lags, Math.floor((y.length - 2) / 3));
  if (lags >= 1) {
    const ar = fitAutoregressive(y, lags);
    if (ar) out.push(ar);
    if (y.every((v) => v > 0) && season > 1) {
      const logAr = fitAutoregressive(y, lags, true);
      if (logAr) out.push(logAr);
    }
    const p = chooseLagsByAicc(y, lags);
    if (p !== lags) {
      const short = fitAutoregressive(y, p);
      if (short) out.push(short);
    }
  }
  // ARIMA(p,1,0) with drift, p by AICc, for series without a season that wander (a random walk's best forecast
  // is its last value). With a season, differences at lag 1 leave the season to a long AR of differences, which
  // won validation and lost the test on the development series (air passengers, UK drivers).
  if (season === 1) {
    const d = differences(y, 1);
    const dLags = chooseLagsByAicc(d, Math.max(1, Math.min(lags, Math.floor((d.length - 2) / 3))));
    const dAr = d.length > 8 ? fitAutoregressive(d, dLags) : undefined;
    if (dAr) out.push(differencedModel(1, dAr));
  }
  const theta = fitTheta(y, season);
  if (theta) out.push(theta);
  const ets = chooseEts(y, season);
  if (ets) out.push(ets.model);
  return out;
}

/** Refits a member of the same form on more data (the chosen members are refitted on train + validation). */
export function refit(model: UnivariateModel, y: Float64Array): UnivariateModel {
  const json = model.toJSON();
  if (json.kind === 'naive') return model;
  if (json.kind === 'ar') return fitAutoregressive(y, json.lags, json.log) ?? model;
  if (json.kind === 'theta') return fitTheta(y, json.seasonal.length || 1) ?? model;
  if (json.kind === 'diff') {
    const inner = json.inner;
    if (inner.kind !== 'ar') return model;
    const ar = fitAutoregressive(differences(y, json.lag), inner.lags, inner.log);
    return ar ? differencedModel(json.lag, ar) : model;
  }
  return fitEts(y, { trend: json.trend, season: json.season, period: json.period })?.model ?? model;
}

/** A member from its JSON (a model file's), checked: a file is not trusted to hold what it says. */
export function restoreModel(json: UnivariateModelJSON): UnivariateModel {
  const bad = (what: string) => new DataError(`ensemble member ${what} but got ${describe(json)}`);
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const count = (v: unknown, max: number) =>
    Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max;
  if (json?.kind === 'naive') {
    if (!count(json.season, 1e6)) throw bad('naive needs a season in 1..1e6');
    return naiveModel(json.season);
  }
  if (json?.kind === 'ar') {
    const c = json.coefficients;
    if (!count(json.lags, 1e4) || !Array.isArray(c) || c.length !== json.lags + 1 || !c.every(finite)) {
      throw bad('ar needs lags in 1..1e4 and lags + 1 finite coefficients');
    }
    return autoregressiveModel(json.lags, Float64Array.from(c), json.log === true);
  }
  if (json?.kind === 'ets') {
    const m = json.season === 'N' ? 1 : json.period;
    const ok =
      ['N', 'A', 'Ad'].includes(json.trend) &&
      ['N', 'A', 'M'].includes(json.season) &&
      count(json.period, 1e4) &&
      [json.alpha, json.beta, json.gamma, json.phi].every((v) => finite(v) && v >= 0 && v <= 1) &&
      Array.isArray(json.initial) &&
      json.initial.length === 2 + m &&
      json.initial.every(finite);
    if (!ok)
      throw bad('ets needs trend N/A/Ad, season N/A/M, parameters in [0, 1] and 2 + period initial states');
    return etsModel(
      { trend: json.trend, season: json.season, period: json.period },
      {
        alpha: json.alpha,
        beta: json.beta,
        gamma: json.gamma,
        phi: json.phi,
        initial: Float64Array.from(json.initial),
      },
    );
  }
  if (json?.kind === 'theta') {
    const ok =
      finite(json.alpha) &&
      json.alpha > 0 &&
      json.alpha <= 1 &&
      finite(json.drift) &&
      Array.isArray(json.seasonal) &&
      json.seasonal.length <= 1e4 &&
      json.seasonal.every(finite) &&
      typeof json.multiplicative === 'boolean';
    if (!ok) throw bad('theta needs alpha in (0, 1], a finite drift and finite seasonal indices');
    return thetaModel({
      alpha: json.alpha,
      drift: json.drift,
      seasonal: json.seasonal,
      multiplicative: json.multiplicative,
    });
  }
  if (json?.kind === 'diff' && json.inner?.kind !== 'diff') {
    if (!count(json.lag, 1e4)) throw bad('diff needs a lag in 1..1e4');
    return differencedModel(json.lag, restoreModel(json.inner));
  }
  throw bad("kind must be 'naive', 'ar', 'diff', 'theta' or 'ets'");
}
