import type { StatValue, ValueKind } from '@mmstats/format';


/** One file's value of a label, with how it is stored. */
export interface LabelValue {
  readonly value: StatValue;
  readonly kind: ValueKind;
}

/** How `aggr=` folds the values of a label (one per file) into one. */
export type Aggregation = 'sum' | 'avg' | 'min' | 'max' | 'one' | 'nonzero-min' | 'nonzero-avg';

/** Every `aggr=` the API accepts: the original mmash's set. */
export const AGGREGATIONS: readonly Aggregation[] = ['sum', 'avg', 'min', 'max', 'one', 'nonzero-min', 'nonzero-avg'];

/** Whether `name` is an aggregation the API accepts. */
export function isAggregation(name: string): name is Aggregation {
  return (AGGREGATIONS as readonly string[]).includes(name);
}

/**
 * Folds one label's values (in file order) into one. `one` takes the first value of any type;
 * the others need numbers, and count booleans as 0 and 1. Integers are summed exactly (a result
 * beyond 2^53 is a bigint); any float makes the sum a float. `avg` is always a float. The
 * `nonzero-` forms ignore zeros (and false) and give null when nothing is left. A label holding
 * text in any file gives null under every aggregation but `one` (text has no sum), so that one
 * string under a prefix does not spoil the answer for the numbers beside it.
 */
export function aggregate(values: readonly LabelValue[], how: Aggregation): StatValue | null {
  if (values.length === 0) return null;
  if (how === 'one') return values[0].value;
  if (values.some((entry) => typeof entry.value === 'string')) return null;
  const numbers = values.map(numeric);
  switch (how) {
    case 'sum':
      return sum(numbers);
    case 'avg':
      return Number(sum(numbers)) / numbers.length;
    case 'min':
      return plain(numbers.reduce(smaller));
    case 'max':
      return plain(numbers.reduce((a, b) => (b > a || Number.isNaN(b) ? b : a)));
    case 'nonzero-min': {
      const nonzero = numbers.filter(isNonzero);
      return nonzero.length === 0 ? null : plain(nonzero.reduce(smaller));
    }
    case 'nonzero-avg': {
      const nonzero = numbers.filter(isNonzero);
      return nonzero.length === 0 ? null : Number(sum(nonzero)) / nonzero.length;
    }
  }
}

/** Integers as bigint (exact), floats as number. */
type Numeric = number | bigint;

function numeric(entry: LabelValue): Numeric {
  const { value, kind } = entry;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (kind === 'float') return Number(value);
  return BigInt(value as number | bigint);
}

// NaN wins, as it does in a float sum: a broken value should show, not vanish.
function smaller(a: Numeric, b: Numeric): Numeric {
  return b < a || Number.isNaN(b) ? b : a;
}

function isNonzero(n: Numeric): boolean {
  return typeof n === 'bigint' ? n !== 0n : n !== 0;
}

/** A bigint as a number while it is exact, as `@mmstats/format` decodes 64-bit integers. */
function plain(n: Numeric): Numeric {
  return typeof n === 'bigint' && n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

function sum(numbers: readonly Numeric[]): Numeric {
  if (numbers.every((n) => typeof n === 'bigint')) return plain((numbers as bigint[]).reduce((a, b) => a + b, 0n));
  return numbers.reduce<number>((a, b) => a + Number(b), 0);
}
