// A histogram series (SPEC.md §14.6): one counter record per bucket, a count and a sum. observe()
// finds the value's bucket and publishes three values: the bucket's count, the sum and the count.
import { BOUND_LABEL, parseBound, parseSeriesLabel, readValue, type RecordLayout } from '@mmstats/format';
import type { Counter } from './counter';
import type { Bound, Memory } from './memory';

/** How a histogram finds the bucket of a value. */
export type BucketScheme =
  /** Any increasing bounds: a binary search. */
  | { readonly kind: 'search' }
  /**
   * Positive bounds at least 1/128 apart (relative), the log scale's and most explicit ones: a
   * table indexed by the exponent and top 8 mantissa bits of the value gives its bucket or the one
   * before, and one comparison decides. `cellBase` is the table's first index.
   */
  | { readonly kind: 'table'; readonly table: Int32Array; readonly cellBase: number };

// The bits of a double, read through a shared scratch word: a store and two loads, no allocation.
// Little-endian hosts (x86-64, ARM64): the high word, with sign, exponent and top mantissa bits, is [1].
const SCRATCH = new Float64Array(1);
const SCRATCH_WORDS = new Uint32Array(SCRATCH.buffer);

/** The cell of positive double `value`: its biased exponent and top 8 mantissa bits, `(high word) >>> 12`. */
function cellOf(value: number): number {
  SCRATCH[0] = value;
  return SCRATCH_WORDS[1] >>> 12;
}

const TWO_TO_MINUS_32 = 2 ** -32;
// Indexes into Histogram#totals.
const COUNT = 0;
const SUM = 1;

/** Most cells a table may have: 64 powers of two (a 64 KiB table). */
const MAX_TABLE_CELLS = 64 * 256;
const tables = new Map<string, BucketScheme>();

/**
 * The fastest scheme for the finite, increasing `bounds`. Tables are shared by the histograms
 * (and the series of a labelled one) with the same bounds.
 */
export function bucketScheme(bounds: readonly number[]): BucketScheme {
  const first = bounds[0];
  const last = bounds[bounds.length - 1];
  // At most one bound in any cell (cells are at most 1/256 of their value wide) and a small table.
  const spaced = first >= 2 ** -1000 && bounds.every((bound, i) => i === 0 || bound > bounds[i - 1] * (1 + 1 / 128));
  const cellBase = first > 0 ? cellOf(first) & ~0xff : 0;
  const cells = first > 0 ? (cellOf(last) | 0xff) + 1 - cellBase : Infinity;
  if (!spaced || cells > MAX_TABLE_CELLS) return { kind: 'search' };
  const key = bounds.join(',');
  const cached = tables.get(key);
  if (cached) return cached;
  const table = new Int32Array(cells);
  let i = 0;
  for (let cell = 0; cell < cells; cell++) {
    // The smallest value of the cell: the biased exponent and top mantissa bits, the rest zero.
    SCRATCH_WORDS[1] = (cellBase + cell) << 12;
    SCRATCH_WORDS[0] = 0;
    const low = SCRATCH[0];
    while (i < bounds.length && bounds[i] < low) i++;
    table[cell] = i;
  }
  const scheme: BucketScheme = { kind: 'table', table, cellBase };
  tables.set(key, scheme);
  return scheme;
}

function refusedValue(value: unknown, label: string): TypeError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return new TypeError(`histogram ${label}: observe(value) takes a number, got ${typeof value} ${shown}; nothing was observed`);
}

/**
 * One histogram series: `observe(v)` adds `v`, `startTimer()` times something and observes its
 * seconds. Buckets are stored as separate counts (not cumulative), so an observation costs three
 * publications whatever the number of buckets: no syscall, no allocation.
 *
 * Fields are `declare`d for the reason given in cells.ts.
 */
export class Histogram implements Bound {
  private declare view: DataView;
  private declare readonly label: string;
  /** Upper bounds of the buckets, the last one +Infinity. */
  private declare readonly upper: Float64Array;
  private declare readonly table: Int32Array;
  private declare readonly cellBase: number;
  private declare readonly byTable: boolean;
  // Per bucket: where slot 0 and the write index are, the next slot, and the count (shadowed, so
  // observe() never reads the mapping).
  private declare readonly slot0s: Int32Array;
  private declare readonly wbAts: Int32Array;
  private declare readonly wbs: Uint8Array;
  private declare readonly counts: Float64Array;
  private declare readonly countSlot0: number;
  private declare readonly countWbAt: number;
  private declare countWb: number;
  // The count and the sum, in a typed array: a double stored there never needs a heap number,
  // whatever the representation V8 has settled on for the object's properties.
  private declare readonly totals: Float64Array;
  private declare readonly sumSlot0: number;
  private declare readonly sumWbAt: number;
  private declare sumWb: number;
  private declare readonly refused: Counter | undefined;

  /**
   * @internal Built by the stats object or a family over a series' records (buckets by increasing
   * bound, then count, then sum: `histogramRecordSpecs`); `refused` counts NaNs.
   */
  constructor(memory: Memory, records: readonly RecordLayout[], scheme: BucketScheme, refused: Counter | undefined) {
    const buckets = records.slice(0, -2);
    const count = records[records.length - 2];
    const sum = records[records.length - 1];
    this.view = memory.view;
    this.label = count.label.replace(/\.count(\{.*)?$/, '');
    this.upper = Float64Array.from(buckets, (record) => parseBound(parseSeriesLabel(record.label)!.labels[BOUND_LABEL])!);
    this.byTable = scheme.kind === 'table';
    this.table = scheme.kind === 'table' ? scheme.table : new Int32Array(0);
    this.cellBase = scheme.kind === 'table' ? scheme.cellBase : 0;
    this.slot0s = Int32Array.from(buckets, (record) => record.slotOffsets[0]);
    this.wbAts = Int32Array.from(buckets, (record) => record.writeIndexOffset);
    this.wbs = Uint8Array.from(buckets, (record) => memory.bytes[record.writeIndexOffset]);
    this.counts = Float64Array.from(buckets, (record) => Number(readValue(memory.view, record)));
    this.countSlot0 = count.slotOffsets[0];
    this.countWbAt = count.writeIndexOffset;
    this.countWb = memory.bytes[count.writeIndexOffset];
    this.totals = new Float64Array(2);
    this.totals[COUNT] = Number(readValue(memory.view, count));
    this.sumSlot0 = sum.slotOffsets[0];
    this.sumWbAt = sum.writeIndexOffset;
    this.sumWb = memory.bytes[sum.writeIndexOffset];
    this.totals[SUM] = readValue(memory.view, sum) as number;
    this.refused = refused;
  }

  /**
   * Observes `value`: adds 1 to its bucket (the first bucket whose bound is at least `value`;
   * values above the last bound go to `+Inf`), `value` to the sum and 1 to the count. A NaN is
   * counted by the file's `sys.observations_refused` and changes nothing else; a value that is not
   * a number (such as the string "3") is a `TypeError` and is not observed.
   */
  observe(value: number): void {
    if (typeof value !== 'number') throw refusedValue(value, this.label);
    if (value !== value) {
      this.refuseNaN();
      return;
    }
    // observe() stays small enough to be inlined into any caller: a double handed to a call V8 does
    // not inline is boxed into a new heap number. So the value reaches the bucket search and the
    // stores through the scratch word, not as an argument.
    SCRATCH[0] = value;
    this.publish(this.byTable ? this.tableBucket() : this.searchBucket());
  }

  /** Publishes the observation of the value in `SCRATCH` into bucket `i`: the bucket, the sum, the count. */
  private publish(i: number): void {
    const value = SCRATCH[0];
    const c = this.counts[i] + 1;
    this.counts[i] = c;
    const totals = this.totals;
    const total = totals[COUNT] + 1;
    totals[COUNT] = total;
    const sum = totals[SUM] + value;
    totals[SUM] = sum;
    const wbs = this.wbs;
    const wb = wbs[i];
    wbs[i] = wb ^ 1;
    const sumWb = this.sumWb;
    this.sumWb = sumWb ^ 1;
    const countWb = this.countWb;
    this.countWb = countWb ^ 1;
    // The stores into the mapping come last, each value before its write index (SPEC.md §7.2):
    // the bucket, then the sum, then the count.
    // Counts are stored as two 32-bit halves (as storeUInt64 in cells.ts does), written out here:
    // observe() inlined into a busy loop may leave no inlining budget for a call, and a call would
    // box the count. Counts only grow, so below 2^32 the high half of both slots is zero already
    // (the other slot holds an older, smaller count) and only the low half is stored: each store
    // into the mapping costs V8 its map checks and length and pointer loads again.
    const view = this.view;
    const at = this.slot0s[i] + (wb << 3);
    const low = c >>> 0;
    view.setUint32(at, low, true);
    if (c !== low) view.setUint32(at + 4, (c - low) * TWO_TO_MINUS_32, true);
    view.setUint8(this.wbAts[i], wb ^ 1);
    // The sum goes in as the two 32-bit words of its bits: a setFloat64 call that V8 leaves to the
    // builtin takes the double boxed, which was measured allocating in loops over several histograms.
    SCRATCH[0] = sum;
    const sumAt = this.sumSlot0 + (sumWb << 3);
    view.setUint32(sumAt, SCRATCH_WORDS[0], true);
    view.setUint32(sumAt + 4, SCRATCH_WORDS[1], true);
    view.setUint8(this.sumWbAt, sumWb ^ 1);
    const countAt = this.countSlot0 + (countWb << 3);
    const totalLow = total >>> 0;
    view.setUint32(countAt, totalLow, true);
    if (total !== totalLow) view.setUint32(countAt + 4, (total - totalLow) * TWO_TO_MINUS_32, true);
    view.setUint8(this.countWbAt, countWb ^ 1);
  }

  private refuseNaN(): void {
    this.refused?.inc();
  }

  /** The first bucket whose bound is at least the value in `SCRATCH`: a binary search over the bounds. */
  private searchBucket(): number {
    const value = SCRATCH[0];
    const upper = this.upper;
    let low = 0;
    let high = upper.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (value <= upper[middle]) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  /**
   * The bucket of the value in `SCRATCH` by the table: the cell of the value (its exponent and top
   * mantissa bits) names the first bucket whose bound is at least the cell's smallest value; the
   * cell holds at most that one bound, so one comparison with it decides.
   */
  private tableBucket(): number {
    const value = SCRATCH[0];
    const upper = this.upper;
    const last = upper.length - 2;
    if (!(value > upper[0])) return 0;
    if (value > upper[last]) return last + 1;
    const i = this.table[(SCRATCH_WORDS[1] >>> 12) - this.cellBase];
    return value > upper[i] ? i + 1 : i;
  }

  /**
   * Starts timing; the function returned stops it, observes the elapsed seconds and returns them.
   * (The returned function is a new closure: keep `observe()` for allocation-free code.)
   */
  startTimer(): () => number {
    const startedAt = performance.now();
    return () => {
      const seconds = (performance.now() - startedAt) / 1000;
      this.observe(seconds);
      return seconds;
    };
  }

  /** Observations so far (NaNs not included). */
  get count(): number {
    return this.totals[COUNT];
  }

  /** Sum of the values observed so far. */
  get sum(): number {
    return this.totals[SUM];
  }

  /** The finite bucket bounds, increasing (the `+Inf` bucket follows the last). */
  get bounds(): number[] {
    return Array.from(this.upper.subarray(0, this.upper.length - 1));
  }

  /** Observations per bucket, the `+Inf` bucket last (a copy). */
  get buckets(): number[] {
    return Array.from(this.counts);
  }

  /** @internal */
  rebind(memory: Memory): void {
    this.view = memory.view;
  }
}
