// Values shown in their unit (SPEC.md §14.3): a time since the epoch as an age, a duration in
// s, ms or µs, bytes in binary multiples, a ratio as a percentage. Any other unit follows the number.
import type { StatValue } from '@mmstats/format';

/** A number shown with at most `digits` significant digits, without float noise (`0.30000000000000004` → `0.3`). */
export function shortNumber(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  return String(Number(value.toPrecision(digits)));
}

/** A duration in seconds, as `1.5 s`, `42.1 ms` or `830 µs`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return `${seconds} s`;
  const size = Math.abs(seconds);
  if (size !== 0 && size < 1e-3) return `${shortNumber(seconds * 1e6, 3)} µs`;
  if (size !== 0 && size < 1) return `${shortNumber(seconds * 1e3, 3)} ms`;
  return `${shortNumber(seconds, 4)} s`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** A size in bytes, as `512 B`, `1.5 KiB`, `20.3 MiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return `${bytes} B`;
  let size = bytes;
  let unit = 0;
  while (Math.abs(size) >= 1024 && unit < BYTE_UNITS.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${unit === 0 ? shortNumber(size) : shortNumber(size, 3)} ${BYTE_UNITS[unit]}`;
}

/** How long ago `time` (seconds since the epoch) was at `now`: `3 s ago`, `5 min ago`, `in 2 s`, `never` for 0. */
export function formatAge(time: number, now: number): string {
  if (time === 0) return 'never';
  if (!Number.isFinite(time)) return String(time);
  const ago = now - time;
  const size = Math.abs(ago);
  const amount = size < 60 ? `${Math.floor(size)} s` : size < 3600 ? `${Math.floor(size / 60)} min` : size < 86400 ? `${Math.floor(size / 3600)} h` : `${Math.floor(size / 86400)} d`;
  return ago >= 0 ? `${amount} ago` : `in ${amount}`;
}

/**
 * `value` as a person reads it in `unit` at time `now` (seconds since the epoch, for ages). Text
 * stays as it is; booleans read true and false; numbers without a unit as `shortNumber` with more
 * digits for large integers.
 */
export function formatInUnit(value: StatValue, unit: string | undefined, now: number): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return unit === undefined ? value.toString() : `${value} ${unit}`;
  switch (unit) {
    case undefined:
      return shortNumber(value, 7);
    case 'epoch_seconds':
      return formatAge(value, now);
    case 'seconds':
      return formatDuration(value);
    case 'bytes':
      return formatBytes(value);
    case 'ratio':
      return `${shortNumber(value * 100, 3)} %`;
    default:
      return `${shortNumber(value, 7)} ${unit}`;
  }
}
