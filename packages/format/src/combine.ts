// How readers combine one record's values across processes and between two reads (SPEC.md §14.3):
// the rules poll, web and the Prometheus exposition share, so that none of them derives its own.
import type { Aggregate } from './meta';
import type { RecordMeaning } from './semantics';
import type { StatValue, ValueKind } from './types';

/**
 * Combines the values of one record read from several files by `aggregate`. Integers are summed
 * exactly (as a bigint once past 2^53); `mean`, `max` and `min` compare numbers; `last` takes the
 * last value given. Returns undefined for no values. Booleans count as 0 and 1; strings only
 * combine by `last`, and any other aggregate of strings also gives the last one.
 */
export function combineValues(aggregate: Aggregate, values: readonly StatValue[]): StatValue | undefined {
  if (values.length === 0) return undefined;
  if (aggregate === 'last' || values.some((value) => typeof value === 'string')) return values[values.length - 1];
  switch (aggregate) {
    case 'sum':
      return sum(values);
    case 'mean':
      return values.reduce<number>((total, value) => total + Number(value), 0) / values.length;
    case 'max':
      return values.reduce((best, value) => (Number(value) > Number(best) ? value : best));
    case 'min':
      return values.reduce((best, value) => (Number(value) < Number(best) ? value : best));
  }
}

function sum(values: readonly StatValue[]): StatValue {
  if (values.every((value) => typeof value === 'number' && Number.isInteger(value)) || values.some((value) => typeof value === 'bigint')) {
    let exact = 0n;
    let fractional = 0;
    for (const value of values) {
      if (typeof value === 'bigint') exact += value;
      else if (typeof value === 'boolean') exact += value ? 1n : 0n;
      else if (Number.isInteger(value)) exact += BigInt(value);
      else fractional += value as number;
    }
    if (fractional !== 0) return Number(exact) + fractional;
    return exact <= BigInt(Number.MAX_SAFE_INTEGER) && exact >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(exact) : exact;
  }
  return values.reduce<number>((total, value) => total + Number(value), 0);
}

/**
 * Whether a reader shows how much the record grew between two reads, rather than its value:
 * counters do; so do the integers of records without metadata, as our tools always did for
 * files without it (SPEC.md §14.3).
 */
export function showsGrowth(meaning: RecordMeaning, valueKind: ValueKind): boolean {
  if (meaning.kind === 'counter') return true;
  return meaning.kind === undefined && (valueKind === 'uint' || valueKind === 'int');
}

const TWO_TO_64 = 2n ** 64n;

function isInteger(value: StatValue): value is number | bigint | boolean {
  return typeof value === 'bigint' || typeof value === 'boolean' || Number.isInteger(value);
}

/**
 * How much a record grew from the value `before` to the value `now` of a later read, for records
 * that show growth (`showsGrowth`): exactly, as a bigint, when both are integers (bools count as
 * 0 and 1), else as a number. A counter only grows and wraps at 2^64 (SPEC.md §14.3): a counter
 * found smaller than before wrapped, and grew by `now + 2^64 − before`. Undefined for text.
 */
export function growthBetween(meaning: RecordMeaning, before: StatValue, now: StatValue): bigint | number | undefined {
  if (typeof before === 'string' || typeof now === 'string') return undefined;
  if (!isInteger(before) || !isInteger(now)) return Number(now) - Number(before);
  const growth = BigInt(now) - BigInt(before);
  return growth < 0n && meaning.kind === 'counter' ? growth + TWO_TO_64 : growth;
}

/**
 * Whether adding the record's values across processes gives a meaningful total: counters, gauges
 * whose aggregate is `sum`, and the numbers of records without metadata. Process facts (constants
 * such as `sys.pid`), text, averages, timers and timestamps are not summable.
 */
export function isSummable(meaning: RecordMeaning): boolean {
  switch (meaning.kind) {
    case 'counter':
      return true;
    case 'gauge':
    case undefined:
      return meaning.aggregate === 'sum';
    default:
      return false;
  }
}
