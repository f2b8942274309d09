import type { RecordLayout } from '@mmstats/format';
import { BufferedCell, DoubleCell, FloatCell, Int16Cell, Int32Cell, UInt64Cell } from './cells';
import type { Bound, Memory } from './memory';

/**
 * What every gauge handle offers, as prom-client's gauges do: `set(v)`, `inc(n)`, `dec(n)` and
 * `value`. The handle is the cell itself (one class per way of storing, as in cells.ts), with the
 * last value kept on the JS side so that `inc`/`dec` never read the mapping.
 */
export interface Gauge {
  /** Publishes `value`. */
  set(value: number): void;
  /** Adds `n` (default 1) to the value and publishes it. */
  inc(n?: number): void;
  /** Subtracts `n` (default 1) from the value and publishes it. */
  dec(n?: number): void;
  /** The value last set (as the program knows it, before any rounding to the slot's type). */
  readonly value: number;
}

// The constructor type TypeScript requires of a mixin's base: (memory, record) in practice.
type NumberCell = new (...args: any[]) => BufferedCell & { set(value: number): void };

/** A gauge handle class: built by the family or registry, bound to one record. */
export type GaugeClass = new (memory: Memory, record: RecordLayout) => Gauge & Bound;

/**
 * The gauge handle class over cell class `Base`: one subclass per cell class, so each call site
 * that writes a gauge of one type sees one hidden class.
 */
function gaugeOver<Base extends NumberCell>(Base: Base) {
  class GaugeCell extends Base implements Gauge {
    // Declared for the reason given in cells.ts: the first store fixes it as an unboxed double.
    private declare current: number;

    constructor(...args: any[]) {
      super(args[0] as Memory, args[1] as RecordLayout);
      this.current = Number(this.get());
    }

    override set(value: number): void {
      this.current = value;
      super.set(value);
    }

    inc(n: number = 1): void {
      this.set(this.current + n);
    }

    dec(n: number = 1): void {
      this.set(this.current - n);
    }

    get value(): number {
      return this.current;
    }
  }
  return GaugeCell as unknown as GaugeClass;
}

/** A `d` gauge: the default of `registry.gauge()` and of labelled `field.double()`. */
export const DoubleGauge: GaugeClass = gaugeOver(DoubleCell);
/** A `f` gauge. */
export const FloatGauge: GaugeClass = gaugeOver(FloatCell);
/** An `I` or `i` gauge. */
export const Int32Gauge: GaugeClass = gaugeOver(Int32Cell);
/** An `H` or `h` gauge. */
export const Int16Gauge: GaugeClass = gaugeOver(Int16Cell);
/** A `Q` gauge (numbers; exact to 2^53). */
export const UInt64Gauge: GaugeClass = gaugeOver(UInt64Cell);
