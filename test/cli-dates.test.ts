// The dates that label forecast steps (bin/cli/forecast-dates.ts): each time-column format of the bundled series
// steps on in its own format, by the difference of its last two dates, and anything unknown gives no labels.

import { describe, expect, it } from 'vitest';
import { nextDates } from '../bin/cli/forecast-dates.ts';

describe('nextDates', () => {
  it('steps monthly and quarterly dates across the year', () => {
    expect(nextDates(['1960-11', '1960-12'], 3)).toEqual(['1961-01', '1961-02', '1961-03']);
    expect(nextDates(['1960-01', '1960-04'], 2)).toEqual(['1960-07', '1960-10']);
    expect(nextDates(['1980Q3', '1980Q4'], 3)).toEqual(['1981Q1', '1981Q2', '1981Q3']);
    expect(nextDates(['1980 Q4'], 1)).toEqual(['1981 Q1']);
  });

  it('steps years and other whole numbers by their difference', () => {
    expect(nextDates(['1971', '1972'], 2)).toEqual(['1973', '1974']);
    expect(nextDates(['1990', '1995'], 2)).toEqual(['2000', '2005']);
    expect(nextDates(['149', '150'], 2)).toEqual(['151', '152']);
    expect(nextDates(['-6000', '-5999'], 1)).toEqual(['-5998']);
  });

  it('steps ISO and compact dates in days, or in months when the day of the month repeats', () => {
    expect(nextDates(['2001-12-22', '2001-12-29'], 2)).toEqual(['2002-01-05', '2002-01-12']);
    expect(nextDates(['20011222', '20011229'], 2)).toEqual(['20020105', '20020112']);
    expect(nextDates(['2024-02-28', '2024-02-29'], 2)).toEqual(['2024-03-01', '2024-03-02']);
    expect(nextDates(['2001-01-15', '2001-02-15'], 2)).toEqual(['2001-03-15', '2001-04-15']);
    expect(nextDates(['2001-12-01', '2002-03-01'], 1)).toEqual(['2002-06-01']);
  });

  it('gives no labels for unknown, mixed, decreasing or empty time columns', () => {
    expect(nextDates([], 3)).toBeUndefined();
    expect(nextDates(['1969.0000', '1969.0833'], 3)).toBeUndefined();
    expect(nextDates(['Jan', 'Feb'], 1)).toBeUndefined();
    expect(nextDates(['1960-12', '1961Q1'], 1)).toBeUndefined();
    expect(nextDates(['1960-12', '1960-11'], 1)).toBeUndefined();
    expect(nextDates(['1960-12', ''], 1)).toBeUndefined();
    expect(nextDates(['2001-02-30'], 1)).toBeUndefined();
  });
});
