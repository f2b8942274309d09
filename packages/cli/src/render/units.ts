// Values in their units (SPEC.md §14.3), for people: durations in ns, µs, ms, s, minutes and
// hours, byte counts in KiB, MiB, …, ratios in percent, and times since the epoch as an age.
// Each text has at most three significant digits, so it stays narrow enough for a table column.
import type { StatValue } from '@mmstats/format';

import { formatFloat } from './number';

/** Significant digits of a value shown in its unit. */
const DIGITS = 3;

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** Widest text `formatInUnit` gives for each unit it knows (an age before the sign and `ago`). */
const UNIT_WIDTHS: Readonly<Record<string, number>> = { seconds: 6, bytes: 8, ratio: 5, epoch_seconds: 10 };

/** `value` with `DIGITS` significant digits, in plain notation (`12.3`, `0.500`, `100`). */
function significant(value: number): string {
  const text = value.toPrecision(DIGITS);
  // toPrecision switches to exponent notation only at or past 10^DIGITS, which callers avoid.
  return text.includes('e') ? String(Math.round(value)) : text;
}

/** `value` scaled by `step` until below it, with the name of the step reached. */
function scaled(value: number, step: number, names: readonly string[]): string {
  let magnitude = Math.abs(value);
  let i = 0;
  // Three digits show at most 999: past that (1023.9 KiB included, once rounded), the next step.
  while (i < names.length - 1 && Number(magnitude.toPrecision(DIGITS)) >= 1000) {
    magnitude /= step;
    i++;
  }
  return (value < 0 ? '-' : '') + significant(magnitude) + names[i];
}

/**
 * A number of bytes: `512B`, `1.50KiB`, `23.4MiB` (powers of 1024). Whole numbers below 1,024 are
 * shown in full; others with three significant digits.
 */
export function formatBytes(bytes: number | bigint): string {
  const value = Number(bytes);
  if (!Number.isFinite(value)) return formatFloat(value);
  if (Number.isInteger(value) && Math.abs(value) < 1024) return `${value}B`;
  return scaled(value, 1024, BYTE_UNITS);
}

/**
 * A duration given in seconds: `0s`, `512ns`, `991µs`, `3.45ms`, `1.50s`, `59.9s`, `4m05s`,
 * `3h04m`, `2d03h`: three significant digits below a minute, whole units above.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return formatFloat(seconds);
  if (seconds === 0) return '0s';
  const sign = seconds < 0 ? '-' : '';
  const s = Math.abs(seconds);
  if (Number(s.toPrecision(DIGITS)) < 60) {
    if (s < 1e-6 && Number((s * 1e9).toPrecision(DIGITS)) < 1000) return `${sign}${significant(s * 1e9)}ns`;
    if (s < 1e-3 && Number((s * 1e6).toPrecision(DIGITS)) < 1000) return `${sign}${significant(s * 1e6)}µs`;
    if (s < 1 && Number((s * 1e3).toPrecision(DIGITS)) < 1000) return `${sign}${significant(s * 1e3)}ms`;
    return `${sign}${significant(s)}s`;
  }
  const whole = Math.round(s);
  const two = (n: number) => String(n).padStart(2, '0');
  if (whole < 3600) return `${sign}${Math.floor(whole / 60)}m${two(whole % 60)}s`;
  if (whole < 86400) return `${sign}${Math.floor(whole / 3600)}h${two(Math.floor(whole / 60) % 60)}m`;
  return `${sign}${Math.floor(whole / 86400)}d${two(Math.floor(whole / 3600) % 24)}h`;
}

/** A ratio as a percentage: `0%`, `5.00%`, `45.2%`, `100%`. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return formatFloat(ratio);
  if (ratio === 0) return '0%';
  const percent = ratio * 100;
  return `${Math.abs(percent) >= 1000 ? Math.round(percent) : significant(percent)}%`;
}

/**
 * A time in seconds since the epoch as its age at `nowMs` (milliseconds since the epoch):
 * `12.3s ago`, `4m05s ago`, `in 1.20s` for a time ahead of the clock, and `never` for 0 (a
 * timestamp never set).
 */
export function formatAge(epochSeconds: number, nowMs: number): string {
  if (!Number.isFinite(epochSeconds)) return formatFloat(epochSeconds);
  if (epochSeconds === 0) return 'never';
  const age = nowMs / 1000 - epochSeconds;
  return age < 0 ? `in ${formatDuration(-age)}` : `${formatDuration(age)} ago`;
}

/**
 * `value` shown in `unit`: `seconds` as a duration, `bytes` humanised, `ratio` in percent,
 * `epoch_seconds` as an age at `nowMs`. Undefined for another unit, or none: the caller shows
 * the number as it is.
 */
export function formatInUnit(value: number | bigint, unit: string | undefined, nowMs: number): string | undefined {
  switch (unit) {
    case 'seconds':
      return formatDuration(Number(value));
    case 'bytes':
      return formatBytes(value);
    case 'ratio':
      return formatRatio(Number(value));
    case 'epoch_seconds':
      return formatAge(Number(value), nowMs);
    default:
      return undefined;
  }
}

/**
 * A per-second rate in `unit`: `1.50KiB/s`, `3.45ms/s`; undefined for a unit without a form
 * of its own (the caller shows the number). An age has no rate.
 */
export function formatRateInUnit(perSecond: number, unit: string | undefined): string | undefined {
  switch (unit) {
    case 'seconds':
      return `${formatDuration(perSecond)}/s`;
    case 'bytes':
      return `${formatBytes(perSecond)}/s`;
    default:
      return undefined;
  }
}

/** Whether `formatInUnit` has a form of its own for values in `unit`. */
export function showsInUnit(unit: string | undefined): boolean {
  return unit !== undefined && unit in UNIT_WIDTHS;
}

/** The widest text `formatInUnit` usually gives for `unit` (0 for a unit it does not know). */
export function unitWidth(unit: string | undefined): number {
  return unit === undefined ? 0 : (UNIT_WIDTHS[unit] ?? 0);
}

/** A number without float noise (`0.30000000000000004` → `0.3`): at most 7 significant digits, integers in full. */
function plainNumber(value: number): string {
  if (!Number.isFinite(value)) return formatFloat(value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(7)));
}

/**
 * Any value as a person reads it: numbers through `formatInUnit`, or as a plain number followed
 * by a unit that has no form of its own (`3 requests`); text as it is; booleans as true and false.
 */
export function formatValueInUnit(value: StatValue, unit: string | undefined, nowMs: number): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const inUnit = formatInUnit(value, unit, nowMs);
  if (inUnit !== undefined) return inUnit;
  const number = typeof value === 'bigint' ? value.toString() : plainNumber(value);
  return unit === undefined ? number : `${number} ${unit}`;
}
