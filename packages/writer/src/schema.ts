// The one representation of a declared field. `field.*()` builds it; it serves both as a value in
// a plain-JS `static fields` map and as a standard accessor decorator in TypeScript.
import {
  DEFAULT_STRING_SIZE,
  MAX_LABEL_BYTES,
  MAX_STRING_SIZE,
  STATIC_TEXT_SIZE,
  stringSignature,
  type RecordLayout,
  type StatValue,
} from '@mmstats/format';
import { SchemaError } from './errors';
import { Average, MovingAverage } from './fields/average';
import { BoolCell, ByteCell, DoubleCell, FloatCell, Int16Cell, Int32Cell, StaticCell, UInt64Cell } from './fields/cells';
import { BufferedStringCell, StringCell } from './fields/strings';
import { Counter } from './fields/counter';
import type { Bound, FieldFactory, Memory } from './fields/memory';
import { Timer } from './fields/timer';

/** How a field shows on a stats object. */
export type FieldAccess =
  /** `stats.x = v` writes, `stats.x` reads. */
  | 'value'
  /** `stats.x` is an object with methods (`inc`, `add`, `time`); assigning to `stats.x` throws. */
  | 'object'
  /** `stats.x` reads a value fixed at creation; assigning throws. */
  | 'static';

/** A field's declaration, resolved and validated when `field.*()` is called. */
export interface FieldSpec<A extends FieldAccess = FieldAccess> {
  /** The `field` factory that made it: `counter`, `double`, `staticText`, … */
  readonly kind: string;
  /** Label given in the options; the property name is used when absent. */
  readonly label: string | undefined;
  readonly signature: string;
  readonly buffered: boolean;
  readonly access: A;
  /** Static fields: the value, or a function called once per stats object. */
  readonly value?: StatValue | (() => StatValue);
  /** Builds the object that serves the field for one stats object. */
  readonly create: FieldFactory;
}

/** Options every field takes. */
export interface FieldOptions {
  /** Label in the file. Defaults to the property name; the stats object's `labelPrefix` is prepended. */
  readonly label?: string;
}

/** Options of `field.string`. */
export interface StringFieldOptions extends FieldOptions {
  /** Bytes reserved for the UTF-8 text (longer text is cut on a character boundary). Defaults to 255. */
  readonly size?: number;
  /**
   * Two slots and a write index instead of one slot written in place: readers never see a mix of
   * two strings, for twice the bytes. Defaults to false, the original's layout (SPEC.md §7.3).
   */
  readonly buffered?: boolean;
}

/** Options of `field.movingAverage`. */
export interface MovingAverageOptions extends FieldOptions {
  /** How many of the latest values the mean covers. Defaults to 100. */
  readonly size?: number;
}

/** Options of the static fields. */
export interface StaticFieldOptions<V> extends FieldOptions {
  /** The value, or a function evaluated once for each stats object when it is created. */
  readonly value: V | (() => V);
}

/**
 * What `field.*()` returns: the field's declaration, usable both as a value in `static fields`
 * and as a decorator on an `accessor` of a stats class, with standard decorators or with
 * `experimentalDecorators: true`. `V` is the property's type; `A` says how the property is used
 * (a value to assign, an object with methods, a fixed value).
 */
export interface FieldDefinition<V, A extends FieldAccess = FieldAccess> {
  /** Standard (TC39) decorator on an auto-accessor. */
  <This extends object>(
    target: ClassAccessorDecoratorTarget<This, V>,
    context: ClassAccessorDecoratorContext<This, V>,
  ): ClassAccessorDecoratorResult<This, V>;
  /**
   * `experimentalDecorators` decorator on an auto-accessor. TypeScript types it as a property
   * decorator, so the property's type is checked through the prototype's type.
   */
  <K extends string>(prototype: { readonly [P in K]?: V }, key: K, descriptor?: PropertyDescriptor): void;
  /** The declaration itself. */
  readonly spec: FieldSpec<A>;
}

/** Builds a `FieldDefinition` from a spec; the decorator half lives in decorators.ts. */
export type DefinitionMaker = <V, A extends FieldAccess>(spec: FieldSpec<A>) => FieldDefinition<V, A>;

const utf8 = new TextEncoder();
// With the u flag, a surrogate only matches when unpaired: it would be written as U+FFFD.
const LONE_SURROGATE = /\p{Surrogate}/u;

function checkLabel(kind: string, options: FieldOptions | undefined): string | undefined {
  const label = options?.label;
  if (label === undefined) return undefined;
  if (typeof label !== 'string' || label.length === 0) {
    throw new SchemaError(`field.${kind}(): label must be a non-empty string, got ${JSON.stringify(label)}`);
  }
  if (LONE_SURROGATE.test(label)) throw new SchemaError(`field.${kind}(): label ${JSON.stringify(label)} is not valid Unicode (lone surrogate)`);
  const bytes = utf8.encode(label).length;
  if (bytes > MAX_LABEL_BYTES) {
    throw new SchemaError(`field.${kind}(): label is ${bytes} bytes of UTF-8; at most ${MAX_LABEL_BYTES} fit`);
  }
  return label;
}

function checkSize(kind: string, size: unknown, fallback: number, max: number): number {
  if (size === undefined) return fallback;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > max) {
    throw new SchemaError(`field.${kind}(): size must be a whole number from 1 to ${max}, got ${String(size)}`);
  }
  return size;
}

function checkStaticValue(kind: string, options: StaticFieldOptions<unknown> | undefined): StatValue | (() => StatValue) {
  const value = options?.value;
  if (value === undefined || value === null) {
    throw new SchemaError(`field.${kind}(): a static field needs a value (or a function returning one) in { value }`);
  }
  return value as StatValue | (() => StatValue);
}

type CellClass = new (memory: Memory, record: RecordLayout) => Bound;

function cell(Class: CellClass): FieldFactory {
  return (memory, record) => new Class(memory, record);
}

/** Builds the `field` namespace around a maker that attaches the decorator behaviour. */
export function makeFieldFactories(define: DefinitionMaker) {
  const value = <V>(kind: string, signature: string, buffered: boolean, Class: CellClass, options?: FieldOptions) =>
    define<V, 'value'>({ kind, label: checkLabel(kind, options), signature, buffered, access: 'value', create: cell(Class) });

  const fixed = <V>(kind: string, signature: string, options: StaticFieldOptions<V>) =>
    define<V, 'static'>({
      kind,
      label: checkLabel(kind, options),
      signature,
      buffered: false,
      access: 'static',
      value: checkStaticValue(kind, options as StaticFieldOptions<unknown>),
      create: cell(StaticCell),
    });

  return {
    /** A count with `inc(n = 1)` and a settable `value` (`Q`). */
    counter: (options?: FieldOptions) =>
      define<Counter, 'object'>({
        kind: 'counter',
        label: checkLabel('counter', options),
        signature: 'Q',
        buffered: true,
        access: 'object',
        create: (memory, record) => new Counter(memory, record),
      }),
    /** An unsigned 64-bit integer (`Q`): numbers exact to 2^53, bigints exact to 2^64. */
    uint64: <V extends number | bigint = number>(options?: FieldOptions) => value<V>('uint64', 'Q', true, UInt64Cell, options),
    /** An unsigned 32-bit integer (`I`); wraps modulo 2^32. */
    uint: (options?: FieldOptions) => value<number>('uint', 'I', true, Int32Cell, options),
    /** A signed 32-bit integer (`i`); wraps modulo 2^32. */
    int: (options?: FieldOptions) => value<number>('int', 'i', true, Int32Cell, options),
    /** A signed 16-bit integer (`h`); wraps modulo 2^16. */
    short: (options?: FieldOptions) => value<number>('short', 'h', true, Int16Cell, options),
    /** An unsigned 16-bit integer (`H`); wraps modulo 2^16. */
    ushort: (options?: FieldOptions) => value<number>('ushort', 'H', true, Int16Cell, options),
    /** A signed 8-bit integer (`b`, unbuffered); wraps modulo 2^8. */
    byte: (options?: FieldOptions) => value<number>('byte', 'b', false, ByteCell, options),
    /** A boolean (`?`, unbuffered). */
    bool: (options?: FieldOptions) => value<boolean>('bool', '?', false, BoolCell, options),
    /** A 32-bit float (`f`). */
    float: (options?: FieldOptions) => value<number>('float', 'f', true, FloatCell, options),
    /** A 64-bit float (`d`). */
    double: (options?: FieldOptions) => value<number>('double', 'd', true, DoubleCell, options),
    /** UTF-8 text of at most `size` bytes (`<size>s`, default size 255), in place or, with `buffered`, double-buffered. */
    string: (options?: StringFieldOptions) => {
      const signature = stringSignature(checkSize('string', options?.size, DEFAULT_STRING_SIZE, MAX_STRING_SIZE));
      const buffered = options?.buffered ?? false;
      if (typeof buffered !== 'boolean') throw new SchemaError(`field.string(): buffered must be true or false, got ${String(buffered)}`);
      return value<string>('string', signature, buffered, buffered ? BufferedStringCell : StringCell, options);
    },
    /** A fixed unsigned 32-bit integer (`I`). */
    staticUInt: (options: StaticFieldOptions<number>) => fixed<number>('staticUInt', 'I', options),
    /** A fixed signed 64-bit integer (`q`). */
    staticInt64: <V extends number | bigint = number>(options: StaticFieldOptions<V>) => fixed<V>('staticInt64', 'q', options),
    /** A fixed unsigned 64-bit integer (`Q`). */
    staticUInt64: <V extends number | bigint = number>(options: StaticFieldOptions<V>) => fixed<V>('staticUInt64', 'Q', options),
    /** A fixed 32-bit float (`f`). */
    staticFloat: (options: StaticFieldOptions<number>) => fixed<number>('staticFloat', 'f', options),
    /** A fixed 64-bit float (`d`). */
    staticDouble: (options: StaticFieldOptions<number>) => fixed<number>('staticDouble', 'd', options),
    /** Fixed UTF-8 text of at most 256 bytes (`256s`). */
    staticText: (options: StaticFieldOptions<string>) => fixed<string>('staticText', stringSignature(STATIC_TEXT_SIZE), options),
    /** The running mean of all values added with `add(v)` (`d`). */
    average: (options?: FieldOptions) =>
      define<Average, 'object'>({
        kind: 'average',
        label: checkLabel('average', options),
        signature: 'd',
        buffered: true,
        access: 'object',
        create: (memory, record) => new Average(memory, record),
      }),
    /** The mean of the last `size` values added with `add(v)` (`d`, default size 100). */
    movingAverage: (options?: MovingAverageOptions) => {
      const size = checkSize('movingAverage', options?.size, 100, 1 << 24);
      return define<MovingAverage, 'object'>({
        kind: 'movingAverage',
        label: checkLabel('movingAverage', options),
        signature: 'd',
        buffered: true,
        access: 'object',
        create: (memory, record) => new MovingAverage(memory, record, size),
      });
    },
    /** The duration of the last `start()`/`stop()` or `time(fn)`, in seconds (`d`). */
    timer: (options?: FieldOptions) =>
      define<Timer, 'object'>({
        kind: 'timer',
        label: checkLabel('timer', options),
        signature: 'd',
        buffered: true,
        access: 'object',
        create: (memory, record) => new Timer(memory, record),
      }),
  };
}
