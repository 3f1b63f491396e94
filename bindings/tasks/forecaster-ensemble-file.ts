// The forecaster's ensemble as a model file holds it, and its restoration, checked: a file is not trusted to
// hold what fit could have produced. Every member must rebuild (stats/candidates.ts checks its parameters),
// hold a state of exactly the size it reads, and forecast finite values from that state over the horizon — a
// state cut to one value (an ETS member reading past it) or an AR coefficient of 1e308 would otherwise load and
// forecast NaN or ±Inf only when used. All of it runs before the network is built, inside loadTask's check of
// the extras, which prefixes "model file: " and makes each DataError here a FormatError.

import { DataError, describe } from '../errors.ts';
import { restoreModel } from './stats/candidates.ts';
import type { IntervalModel } from './stats/intervals.ts';
import type { UnivariateModel, UnivariateModelJSON } from './stats/model.ts';
import type { Regression } from './stats/regression.ts';

export type MemberJSON = UnivariateModelJSON | { kind: 'network' };

export interface ColumnEnsembleJSON {
  members: MemberJSON[];
  /** Each statistical member's state at the end of the fitted series (empty for the network). */
  states: number[][];
  intervals?: IntervalModel;
  /** On inputs known in advance: the statistical members model what it leaves. */
  regression?: Regression;
}

export interface EnsembleJSON {
  columns: ColumnEnsembleJSON[];
  /** Columns known in advance (absent: none). */
  knownInputs?: number[];
}

export type Member = { kind: 'stat'; model: UnivariateModel } | { kind: 'network' };

export interface ColumnEnsemble {
  members: Member[];
  states: Float64Array[];
  intervals: IntervalModel | undefined;
  regression: Regression | undefined;
}

/** Bounds no fit produces past: members per column (fit keeps at most the 9 candidates), values per state. */
const LIMITS = { members: 100, state: 1e5 };

/**
 * The ensemble of a file: `targets` columns over a series of `columns` columns, each member checked to forecast
 * finite values for `steps` steps from its saved state. DataError naming the column and member otherwise.
 */
export function restoreEnsemble(
  json: EnsembleJSON,
  targets: number,
  columns: number,
  steps: number,
): { columns: ColumnEnsemble[]; knownInputs: number[] } {
  if (!json || !Array.isArray(json.columns) || json.columns.length !== targets) {
    refuse('', `${targets} columns`, json?.columns);
  }
  const known = json.knownInputs ?? [];
  if (!Array.isArray(known) || !known.every((k) => Number.isInteger(k) && k >= 0 && k < columns)) {
    refuse('knownInputs', `column indices below ${columns}`, known);
  }
  return {
    columns: json.columns.map((c, j) => restoreColumn(c, j, known.length, steps)),
    knownInputs: known,
  };
}

function restoreColumn(c: ColumnEnsembleJSON, j: number, known: number, steps: number): ColumnEnsemble {
  const at = `column ${j}`;
  const states = c?.states;
  if (
    !Array.isArray(c?.members) ||
    c.members.length === 0 ||
    c.members.length > LIMITS.members ||
    !Array.isArray(states) ||
    states.length !== c.members.length ||
    !states.every((s) => Array.isArray(s) && s.length <= LIMITS.state && s.every(Number.isFinite))
  ) {
    throw new DataError(`ensemble ${at} needs 1..${LIMITS.members} members and one finite state per member`);
  }
  if (c.members.filter((m) => m?.kind === 'network').length > 1) {
    refuse(`${at} members`, 'the network at most once', c.members);
  }
  checkIntervals(c.intervals, at);
  const reg = c.regression;
  if (
    reg !== undefined &&
    !(
      Array.isArray(reg.coefficients) &&
      reg.coefficients.length === known + 1 &&
      reg.coefficients.every(Number.isFinite)
    )
  ) {
    refuse(`${at} regression`, `an intercept and ${known} finite coefficients (one per known input)`, reg);
  }
  const members = c.members.map(
    (m): Member => (m.kind === 'network' ? m : { kind: 'stat', model: restoreModel(m) }),
  );
  const restored = states.map((s) => Float64Array.from(s));
  for (const [k, m] of members.entries()) checkState(m, restored[k], `${at} member ${k}`, steps);
  return { members, states: restored, intervals: c.intervals, regression: c.regression };
}

/** A member's saved state: exactly the values it reads, and a finite forecast from them. */
function checkState(m: Member, state: Float64Array, at: string, steps: number): void {
  const size = m.kind === 'network' ? 0 : m.model.stateSize;
  const name = m.kind === 'network' ? 'network' : m.model.name;
  if (state.length !== size) refuse(`${at} (${name}) state`, `${size} values`, [...state]);
  if (m.kind === 'network') return;
  const f = m.model.forecast(state, steps);
  const bad = f.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const why = `values it forecasts finite values from (its step ${bad + 1} is ${f[bad]})`;
    refuse(`${at} (${name}) state`, why, [...state]);
  }
}

function checkIntervals(iv: IntervalModel | undefined, at: string): void {
  if (iv === undefined) return;
  const ok =
    Array.isArray(iv.scale) &&
    iv.scale.length > 0 &&
    iv.scale.every((v) => Number.isFinite(v) && v >= 0) &&
    Array.isArray(iv.scores) &&
    iv.scores.length > 0 &&
    iv.scores.every((v, i) => Number.isFinite(v) && v >= 0 && (i === 0 || v >= iv.scores[i - 1])) &&
    (iv.relative === undefined || typeof iv.relative === 'boolean');
  if (!ok) {
    refuse(`${at} intervals`, 'finite non-negative scales and scores, the scores sorted ascending', iv);
  }
}

function refuse(field: string, expected: string, got: unknown): never {
  const what = field === '' ? 'the ensemble' : `the ensemble's ${field}`;
  throw new DataError(`${what} must hold ${expected} but holds ${describe(got)}`);
}
