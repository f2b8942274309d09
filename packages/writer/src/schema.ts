// The one representation of a declared field. `field.*()` builds it; it serves both as a value in
// a plain-JS `static fields` map and as a standard accessor decorator in TypeScript.
import {
  AGGREGATES,
  DEFAULT_LOG_RANGE,
  DEFAULT_STRING_SIZE,
  boundsProblem,
  histogramRecordSpecs,
  logRangeProblem,
  logScaleBounds,
  labelNameProblem,
  MAX_LABEL_BYTES,
  MAX_STRING_SIZE,
  STATIC_TEXT_SIZE,
  stringSignature,
  unitProblem,
  type Aggregate,
  type FamilyMeta,
  type MetricKind,
  type RecordLayout,
  type RecordSpec,
  type StatValue,
} from '@mmstats/format';
import { SchemaError } from './errors';
import { Average, MovingAverage } from './fields/average';
import { BoolCell, ByteCell, DoubleCell, FloatCell, Int16Cell, Int32Cell, StaticCell, UInt64Cell } from './fields/cells';
import { BufferedStringCell, StringCell } from './fields/strings';
import { Counter } from './fields/counter';
import { DEFAULT_MAX_LABEL_SETS, type Family } from './fields/family';
import { DoubleGauge, FloatGauge, Int16Gauge, Int32Gauge, UInt64Gauge, type Gauge, type GaugeClass } from './fields/gauge';
import type { Bound, FieldFactory, Memory } from './fields/memory';
import { bucketScheme, Histogram, type BucketScheme } from './fields/histogram';
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
  /** Builds the object that serves the field for one stats object (unlabelled fields). */
  readonly create: FieldFactory;
  /** What the values mean, written into the file's metadata block (SPEC.md §14.3). */
  readonly meta: FieldMeta;
  /** Label names of a labelled field: the field is then a family of series added at run time. */
  readonly labels?: readonly string[];
  /** Most series of a labelled field (`maxLabelSets`). */
  readonly maxLabelSets?: number;
  /** Builds one series of a labelled field, bound to its record. */
  readonly createSeries?: FieldFactory;
  /** Fields stored in more than one record (histograms, timers): their records and how to build them. */
  readonly parts?: FieldParts;
}

/** What a field built over its records may need of its file. */
export interface PartsContext {
  /** The file's `sys.observations_refused` counter, where NaNs given to histograms are counted. */
  readonly observationsRefused: Counter | undefined;
}

/** The records of a field stored in more than one record, and how its object is built over them. */
export interface FieldParts {
  /**
   * The records of the series of the field named `name` whose labels `keys` have `values` (none for
   * an unlabelled field), in file order, for a file of `layout`.
   */
  records(name: string, keys: readonly string[], values: readonly string[], layout: 'default' | 'original'): RecordSpec[];
  /** Families the field describes besides its own entry (a timer's latest duration, its histogram). */
  families(name: string): FamilyMeta[];
  /** Builds the field object, or one series, over its records (in the order of `records`). */
  create(memory: Memory, records: readonly RecordLayout[], context: PartsContext): Bound;
  /** Whether the field observes values into histograms: its file then counts the refused ones. */
  readonly observes: boolean;
}

/** The meaning of a field: its metric kind, and the help, unit and aggregate options. */
export interface FieldMeta {
  readonly kind: MetricKind;
  readonly help?: string;
  readonly unit?: string;
  readonly aggregate?: Aggregate;
}

/** Options every field takes. */
export interface FieldOptions {
  /** Label in the file. Defaults to the property name; the stats object's `labelPrefix` is prepended. */
  readonly label?: string;
  /** What the values mean, for people: shown by `mmstats web` and as `# HELP` in `/metrics`. */
  readonly help?: string;
  /**
   * The unit of the values: `seconds`, `bytes`, `ratio`, `epoch_seconds` (a time in seconds since
   * 1970), or another lower-case word. Readers show values in their unit.
   */
  readonly unit?: string;
}

/** Options of labelled fields. */
export interface LabelledOptions<Key extends string> {
  /**
   * Label names: the field becomes a family, and `stats.x.labels({ … })` returns the series of one
   * label set, adding it to the file the first time. Names match `[a-zA-Z_][a-zA-Z0-9_]*`.
   */
  readonly labels: readonly Key[];
  /** Most series of the family; further label sets go to its overflow series. Defaults to 1,000. */
  readonly maxLabelSets?: number;
}

/** Options of counters. */
export interface CounterOptions extends FieldOptions {
  readonly labels?: readonly string[];
  readonly maxLabelSets?: number;
}

/** Options of number fields, the gauges. */
export interface GaugeOptions extends FieldOptions {
  /**
   * How readers combine the values of several processes: `sum` (the default), `mean`, `max`, `min`
   * or `last` (`max` by default for unit `epoch_seconds`).
   */
  readonly aggregate?: Aggregate;
  readonly labels?: readonly string[];
  readonly maxLabelSets?: number;
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

/** Options of `field.histogram` and of a timer's histogram. */
export interface HistogramOptions extends FieldOptions {
  /**
   * Explicit bucket bounds, increasing (prom-client's `[0.005, 0.01, …, 10]` works as it is). When
   * absent, log-scale buckets over `min`…`max`, each at most 4.6 % wide (SPEC.md §14.6).
   */
  readonly buckets?: readonly number[];
  /** Start of the log scale: values up to it land in the first (underflow) bucket. Defaults to 0.001. */
  readonly min?: number;
  /** End of the log scale: values above it land in the `+Inf` (overflow) bucket. Defaults to 100. */
  readonly max?: number;
  readonly labels?: readonly string[];
  readonly maxLabelSets?: number;
}

/** Options of `field.timer`. */
export interface TimerOptions extends FieldOptions {
  /** How many of the latest durations `value`, the moving mean, covers. Defaults to 100. */
  readonly size?: number;
  /** How readers combine the mean across processes. Defaults to `mean`. */
  readonly aggregate?: Aggregate;
  /**
   * Also observe every duration into a histogram named `<label>.histogram` (seconds): `true` for
   * the log-scale default, or its bucket options.
   */
  readonly histogram?: boolean | Pick<HistogramOptions, 'buckets' | 'min' | 'max' | 'help'>;
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

function checkSize(kind: string, size: unknown, fallback: number, max: number, name = 'size'): number {
  if (size === undefined) return fallback;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > max) {
    throw new SchemaError(`field.${kind}(): ${name} must be a whole number from 1 to ${max}, got ${String(size)}`);
  }
  return size;
}

function checkText(kind: string, name: string, value: unknown, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new SchemaError(`field.${kind}(): ${name} must be a string, got ${typeof value}`);
  if (utf8.encode(value).length > max) throw new SchemaError(`field.${kind}(): ${name} is longer than ${max} bytes of UTF-8`);
  return value;
}

/** Longest help text: it travels in every file, and readers show it on one line. */
const MAX_HELP_BYTES = 1024;

/** The meaning of a field of metric kind `metricKind`, from the options of `field.${kind}()`. */
function checkMeta(kind: string, metricKind: MetricKind, options: (FieldOptions & { aggregate?: unknown }) | undefined): FieldMeta {
  const help = checkText(kind, 'help', options?.help, MAX_HELP_BYTES);
  const unit = options?.unit;
  if (unit !== undefined) {
    const problem = unitProblem(unit);
    if (problem) throw new SchemaError(`field.${kind}(): ${problem}`);
  }
  const aggregate = options?.aggregate;
  if (aggregate !== undefined && !AGGREGATES.includes(aggregate as Aggregate)) {
    throw new SchemaError(`field.${kind}(): aggregate must be one of ${AGGREGATES.join(', ')}, got ${JSON.stringify(aggregate)}`);
  }
  return {
    kind: metricKind,
    ...(help !== undefined && { help }),
    ...(unit !== undefined && { unit: unit as string }),
    ...(aggregate !== undefined && { aggregate: aggregate as Aggregate }),
  };
}

/** The label names and series limit of a labelled field, or undefined for an unlabelled one. */
function checkLabels(kind: string, options: { labels?: unknown; maxLabelSets?: unknown } | undefined): Pick<FieldSpec, 'labels' | 'maxLabelSets'> | undefined {
  const labels = options?.labels;
  if (labels === undefined) {
    if (options?.maxLabelSets !== undefined) throw new SchemaError(`field.${kind}(): maxLabelSets needs labels`);
    return undefined;
  }
  if (!Array.isArray(labels) || labels.length === 0) throw new SchemaError(`field.${kind}(): labels must be a non-empty array of label names`);
  for (const name of labels) {
    const problem = labelNameProblem(name);
    if (problem) throw new SchemaError(`field.${kind}(): ${problem}`);
  }
  if (new Set(labels).size !== labels.length) throw new SchemaError(`field.${kind}(): label names must differ, got ${labels.join(', ')}`);
  const maxLabelSets = checkSize(kind, options?.maxLabelSets, DEFAULT_MAX_LABEL_SETS, 1 << 20, 'maxLabelSets');
  return { labels: Object.freeze([...labels] as string[]), maxLabelSets };
}

/** The bounds and bucket scheme of a histogram's options: explicit `buckets`, or the log scale over `min`…`max`. */
function checkBuckets(kind: string, options: Pick<HistogramOptions, 'buckets' | 'min' | 'max'>): { bounds: number[]; scheme: BucketScheme } {
  if (options.buckets !== undefined) {
    if (options.min !== undefined || options.max !== undefined) throw new SchemaError(`field.${kind}(): give either buckets or min/max (the log scale), not both`);
    const problem = boundsProblem(options.buckets);
    if (problem) throw new SchemaError(`field.${kind}(): ${problem}`);
    const bounds = options.buckets.filter((bound) => bound !== Infinity);
    return { bounds, scheme: bucketScheme(bounds) };
  }
  const min = options.min ?? DEFAULT_LOG_RANGE[0];
  const max = options.max ?? DEFAULT_LOG_RANGE[1];
  const problem = logRangeProblem(min, max);
  if (problem) throw new SchemaError(`field.${kind}(): ${problem}`);
  const bounds = logScaleBounds(min, max);
  return { bounds, scheme: bucketScheme(bounds) };
}

/** The `create` of a field built from its parts only: never called. */
function unsupported(kind: string): FieldFactory {
  return () => {
    throw new SchemaError(`field.${kind}() is built over its records (FieldSpec.parts)`);
  };
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

/** A number field of one signature: its cell when unlabelled, its gauge handle class as a series. */
interface NumberType {
  readonly signature: string;
  readonly cell: CellClass;
  readonly gauge: GaugeClass;
}

const NUMBER_TYPES = {
  uint64: { signature: 'Q', cell: UInt64Cell, gauge: UInt64Gauge },
  uint: { signature: 'I', cell: Int32Cell, gauge: Int32Gauge },
  int: { signature: 'i', cell: Int32Cell, gauge: Int32Gauge },
  short: { signature: 'h', cell: Int16Cell, gauge: Int16Gauge },
  ushort: { signature: 'H', cell: Int16Cell, gauge: Int16Gauge },
  float: { signature: 'f', cell: FloatCell, gauge: FloatGauge },
  double: { signature: 'd', cell: DoubleCell, gauge: DoubleGauge },
} as const satisfies Record<string, NumberType>;

/** The gauge handle class a labelled number field of `signature` uses for its series (registry gauges too). */
export function gaugeClassOf(signature: string): GaugeClass {
  const type = Object.values(NUMBER_TYPES).find((t) => t.signature === signature);
  if (!type) throw new SchemaError(`no gauge for type signature ${signature}`);
  return type.gauge;
}

/** A number field declaration: `stats.x = v` when unlabelled; a family of gauge handles with `labels`. */
export interface NumberFieldFactory<V> {
  (options?: GaugeOptions & { readonly labels?: undefined }): FieldDefinition<V, 'value'>;
  <Key extends string>(options: GaugeOptions & LabelledOptions<Key>): FieldDefinition<Family<GaugeHandle, Key>, 'object'>;
}

/** `field.uint64()`: as `NumberFieldFactory`, with the property's type (`number` or `bigint`) to choose. */
export interface UInt64FieldFactory {
  <V extends number | bigint = number>(options?: GaugeOptions & { readonly labels?: undefined }): FieldDefinition<V, 'value'>;
  <Key extends string>(options: GaugeOptions & LabelledOptions<Key>): FieldDefinition<Family<GaugeHandle, Key>, 'object'>;
}

/** What a series of a labelled number field is: a gauge handle (`set`, `inc`, `dec`, `value`). */
export type GaugeHandle = Gauge & Bound;

/** Builds the `field` namespace around a maker that attaches the decorator behaviour. */
export function makeFieldFactories(define: DefinitionMaker) {
  const number = <V>(kind: keyof typeof NUMBER_TYPES, options?: GaugeOptions) => {
    const type: NumberType = NUMBER_TYPES[kind];
    const labelled = checkLabels(kind, options);
    return define<V, FieldAccess>({
      kind,
      label: checkLabel(kind, options),
      signature: type.signature,
      buffered: true,
      access: labelled ? 'object' : 'value',
      create: cell(type.cell),
      meta: checkMeta(kind, 'gauge', options),
      ...labelled,
      ...(labelled && { createSeries: cell(type.gauge) }),
    });
  };

  const value = <V>(kind: string, signature: string, buffered: boolean, Class: CellClass, metricKind: MetricKind, options?: GaugeOptions) =>
    define<V, 'value'>({
      kind,
      label: checkLabel(kind, options),
      signature,
      buffered,
      access: 'value',
      create: cell(Class),
      meta: checkMeta(kind, metricKind, options),
    });

  const fixed = <V>(kind: string, signature: string, options: StaticFieldOptions<V>) =>
    define<V, 'static'>({
      kind,
      label: checkLabel(kind, options),
      signature,
      buffered: false,
      access: 'static',
      value: checkStaticValue(kind, options as StaticFieldOptions<unknown>),
      create: cell(StaticCell),
      meta: checkMeta(kind, 'constant', options),
    });

  const object = <V>(kind: string, metricKind: MetricKind, create: FieldFactory, options?: GaugeOptions) =>
    define<V, 'object'>({ kind, label: checkLabel(kind, options), signature: 'd', buffered: true, access: 'object', create, meta: checkMeta(kind, metricKind, options) });

  function histogram(options?: HistogramOptions & { readonly labels?: undefined }): FieldDefinition<Histogram, 'object'>;
  function histogram<Key extends string>(options: HistogramOptions & LabelledOptions<Key>): FieldDefinition<Family<Histogram, Key>, 'object'>;
  function histogram(options?: HistogramOptions): FieldDefinition<any, 'object'> {
    const labelled = checkLabels('histogram', options);
    const { bounds, scheme } = checkBuckets('histogram', options ?? {});
    const parts: FieldParts = {
      records: (name, keys, values) => histogramRecordSpecs(name, bounds, keys, values),
      families: () => [],
      create: (memory, records, context) => new Histogram(memory, records, scheme, context.observationsRefused),
      observes: true,
    };
    return define<unknown, 'object'>({
      kind: 'histogram',
      label: checkLabel('histogram', options),
      signature: 'Q',
      buffered: true,
      access: 'object',
      create: unsupported('histogram'),
      meta: checkMeta('histogram', 'histogram', options),
      parts,
      ...labelled,
    });
  }

  function counter(options?: CounterOptions & { readonly labels?: undefined }): FieldDefinition<Counter, 'object'>;
  function counter<Key extends string>(options: CounterOptions & LabelledOptions<Key>): FieldDefinition<Family<Counter, Key>, 'object'>;
  function counter(options?: CounterOptions): FieldDefinition<any, 'object'> {
    const labelled = checkLabels('counter', options);
    const create: FieldFactory = (memory, record) => new Counter(memory, record);
    return define<unknown, 'object'>({
      kind: 'counter',
      label: checkLabel('counter', options),
      signature: 'Q',
      buffered: true,
      access: 'object',
      create,
      meta: checkMeta('counter', 'counter', options),
      ...labelled,
      ...(labelled && { createSeries: create }),
    });
  }

  return {
    /** A count with `inc(n = 1)` and a settable `value` (`Q`); with `labels`, a family of counters. */
    counter,
    /** An unsigned 64-bit integer (`Q`): numbers exact to 2^53, bigints exact to 2^64. */
    uint64: ((options?: GaugeOptions) => number('uint64', options)) as UInt64FieldFactory,
    /** An unsigned 32-bit integer (`I`); wraps modulo 2^32. */
    uint: ((options?: GaugeOptions) => number('uint', options)) as NumberFieldFactory<number>,
    /** A signed 32-bit integer (`i`); wraps modulo 2^32. */
    int: ((options?: GaugeOptions) => number('int', options)) as NumberFieldFactory<number>,
    /** A signed 16-bit integer (`h`); wraps modulo 2^16. */
    short: ((options?: GaugeOptions) => number('short', options)) as NumberFieldFactory<number>,
    /** An unsigned 16-bit integer (`H`); wraps modulo 2^16. */
    ushort: ((options?: GaugeOptions) => number('ushort', options)) as NumberFieldFactory<number>,
    /** A signed 8-bit integer (`b`, unbuffered); wraps modulo 2^8. */
    byte: (options?: GaugeOptions) => value<number>('byte', 'b', false, ByteCell, 'gauge', options),
    /** A boolean (`?`, unbuffered); a gauge of 0 and 1 for readers. */
    bool: (options?: GaugeOptions) => value<boolean>('bool', '?', false, BoolCell, 'gauge', options),
    /** A 32-bit float (`f`). */
    float: ((options?: GaugeOptions) => number('float', options)) as NumberFieldFactory<number>,
    /** A 64-bit float (`d`). */
    double: ((options?: GaugeOptions) => number('double', options)) as NumberFieldFactory<number>,
    /** UTF-8 text of at most `size` bytes (`<size>s`, default size 255), in place or, with `buffered`, double-buffered. */
    string: (options?: StringFieldOptions) => {
      const signature = stringSignature(checkSize('string', options?.size, DEFAULT_STRING_SIZE, MAX_STRING_SIZE));
      const buffered = options?.buffered ?? false;
      if (typeof buffered !== 'boolean') throw new SchemaError(`field.string(): buffered must be true or false, got ${String(buffered)}`);
      return value<string>('string', signature, buffered, buffered ? BufferedStringCell : StringCell, 'text', options);
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
    average: (options?: GaugeOptions) => object<Average>('average', 'average', (memory, record) => new Average(memory, record), options),
    /** The mean of the last `size` values added with `add(v)` (`d`, default size 100). */
    movingAverage: (options?: MovingAverageOptions & Pick<GaugeOptions, 'aggregate'>) => {
      const size = checkSize('movingAverage', options?.size, 100, 1 << 24);
      return object<MovingAverage>('movingAverage', 'moving_average', (memory, record) => new MovingAverage(memory, record, size), options);
    },
    /**
     * Durations in seconds, as the original TimerField: `value` is the mean of the last `size`
     * (default 100), `last` the latest; `start()`/`stop()` and `time(fn)`. Records `label` (the
     * mean, `d`) and `label.last` (`d`; not with layout 'original', whose files hold only the mean);
     * with `histogram`, also the histogram `label.histogram`.
     */
    timer: (options?: TimerOptions) => {
      const size = checkSize('timer', options?.size, 100, 1 << 24);
      const meta = checkMeta('timer', 'timer', options);
      const histogram = options?.histogram;
      if (histogram !== undefined && typeof histogram !== 'boolean' && (histogram === null || typeof histogram !== 'object')) {
        throw new SchemaError(`field.timer(): histogram must be true, false or the histogram's options, got ${String(histogram)}`);
      }
      const buckets = histogram ? checkBuckets('timer', histogram === true ? {} : histogram) : undefined;
      const histogramHelp = histogram && histogram !== true ? checkText('timer', 'histogram help', histogram.help, MAX_HELP_BYTES) : undefined;
      const parts: FieldParts = {
        records: (name, _keys, _values, layout) => [
          { label: name, signature: 'd', buffered: true },
          ...(layout === 'original' ? [] : [{ label: `${name}.last`, signature: 'd', buffered: true }]),
          ...(buckets ? histogramRecordSpecs(`${name}.histogram`, buckets.bounds) : []),
        ],
        families: (name) => [
          { name: `${name}.last`, kind: 'timer', help: `Latest duration${meta.help ? `: ${meta.help}` : ''}`, unit: meta.unit ?? 'seconds' },
          ...(buckets ? [{ name: `${name}.histogram`, kind: 'histogram' as const, unit: meta.unit ?? 'seconds', help: histogramHelp ?? `Durations${meta.help ? `: ${meta.help}` : ''}` }] : []),
        ],
        create: (memory, records, context) => {
          const last = records[1]?.label === `${records[0].label}.last` ? records[1] : undefined;
          const histogramRecords = buckets ? records.slice(last ? 2 : 1) : undefined;
          return new Timer(memory, records[0], size, last, histogramRecords && new Histogram(memory, histogramRecords, buckets!.scheme, context.observationsRefused));
        },
        observes: buckets !== undefined,
      };
      return define<Timer, 'object'>({ kind: 'timer', label: checkLabel('timer', options), signature: 'd', buffered: true, access: 'object', create: unsupported('timer'), meta, parts });
    },
    histogram,
  };
}
