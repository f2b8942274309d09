// The runtime API: metrics created by name while the program runs, as with prom-client, for code
// that cannot declare a stats class (libraries, plugins, code moving from prom-client). A registry
// is a stats object with the process fields; each metric adds its family (and, unlabelled, its
// record) to the live file (SPEC.md §14.5). Creating a metric may do work; writing to it is the
// same hot path as a class field.
import { MAX_APPENDED_LABEL_BYTES, type RecordLayout, type RecordSpec } from '@mmstats/format';
import { SchemaError } from './errors';
import { field } from './field';
import { Counter } from './fields/counter';
import { Family, overflowSize, seriesDeclaration } from './fields/family';
import type { Gauge } from './fields/gauge';
import type { Histogram } from './fields/histogram';
import { privateRecords, type Bound, type Memory } from './fields/memory';
import { recordsSize } from './live-file';
import { familyMetas, livePartsOf, markDynamic, MmStats, type LiveParts, type MmStatsOptions } from './model';
import { gaugeClassOf, type CounterOptions, type FieldSpec, type GaugeOptions, type HistogramOptions, type LabelledOptions } from './schema';

/** Options of a registry: those of a stats object, but always the default layout (it needs the metadata block). */
export type RegistryOptions = Omit<MmStatsOptions, 'layout'>;

/** The number types a registry gauge can have; `double` by default. */
export type GaugeType = 'double' | 'float' | 'int' | 'uint' | 'short' | 'ushort' | 'uint64';

/** Options of `registry.gauge()`. */
export interface RegistryGaugeOptions extends GaugeOptions {
  /** How the value is stored. Defaults to `double`. */
  readonly type?: GaugeType;
}

/** A gauge handle: `set(v)`, `inc(n)`, `dec(n)`, `value`. */
export type GaugeMetric = Gauge & Bound;

class RegistryStats extends MmStats {}
markDynamic(RegistryStats);

const utf8 = new TextEncoder();

// A name leaves room in the 255 bytes of an appended label for the shortest series labels.
const MAX_NAME_BYTES = MAX_APPENDED_LABEL_BYTES - 32;

interface Entry {
  readonly kind: string;
  readonly options: string;
  readonly metric: unknown;
}

/**
 * Writes one stats file, like a stats object, whose metrics are created at run time:
 * `registry.counter('http.requests', { labels: ['route'] })`. A metric of a name already created
 * with the same options is returned again; other options for the same name are a `SchemaError`.
 * When the file has no room left for a new metric, the metric still works but is not published,
 * and a warning says so once: a metrics library does not stop its program.
 */
export class Registry {
  private readonly stats: RegistryStats;
  private readonly parts: LiveParts;
  private readonly metrics = new Map<string, Entry>();
  private warned = false;

  /** Creates and maps the file, with the process fields of `MmStats`; throws as a stats object does. */
  constructor(options: RegistryOptions = {}) {
    this.stats = new RegistryStats({ ...options, layout: 'default' });
    this.parts = livePartsOf(this.stats);
  }

  /** A counter (`inc(n)`, `value`), or with `labels` a family of them (`labels({…}).inc()`). */
  counter(name: string, options?: CounterOptions & { readonly labels?: undefined }): Counter;
  counter<Key extends string>(name: string, options: CounterOptions & LabelledOptions<Key>): Family<Counter, Key>;
  counter(name: string, options: CounterOptions = {}): Counter | Family<Counter> {
    return this.metric(name, 'counter', options, (field.counter as (options: CounterOptions) => { spec: FieldSpec })(options).spec);
  }

  /** A gauge (`set(v)`, `inc(n)`, `dec(n)`, `value`), or with `labels` a family of them. */
  gauge(name: string, options?: RegistryGaugeOptions & { readonly labels?: undefined }): GaugeMetric;
  gauge<Key extends string>(name: string, options: RegistryGaugeOptions & LabelledOptions<Key>): Family<GaugeMetric, Key>;
  gauge(name: string, options: RegistryGaugeOptions = {}): GaugeMetric | Family<GaugeMetric> {
    const { type = 'double', ...rest } = options;
    const factory = field[type as GaugeType] as ((options: GaugeOptions) => { spec: FieldSpec }) | undefined;
    if (typeof factory !== 'function' || !['double', 'float', 'int', 'uint', 'short', 'ushort', 'uint64'].includes(type)) {
      throw new SchemaError(`registry.gauge(${JSON.stringify(name)}): type must be double, float, int, uint, short, ushort or uint64, got ${JSON.stringify(type)}`);
    }
    const spec = factory(rest).spec;
    return this.metric(name, `gauge:${type}`, options, spec, gaugeClassOf(spec.signature));
  }

  /**
   * A histogram (`observe(v)`, `startTimer()`), or with `labels` a family of them. Explicit
   * `buckets` (prom-client's default works as it is), or log-scale buckets over `min`…`max`.
   */
  histogram(name: string, options?: HistogramOptions & { readonly labels?: undefined }): Histogram;
  histogram<Key extends string>(name: string, options: HistogramOptions & LabelledOptions<Key>): Family<Histogram, Key>;
  histogram(name: string, options: HistogramOptions = {}): Histogram | Family<Histogram> {
    return this.metric(name, 'histogram', options, (field.histogram as (options: HistogramOptions) => { spec: FieldSpec })(options).spec);
  }

  /** Absolute path of the file. */
  get filename(): string {
    return this.stats.filename;
  }

  /** Size of the file in bytes. */
  get fileSize(): number {
    return this.stats.fileSize;
  }

  /** Writes the values to disk; as `BaseMmStats#flush`. */
  flush(): void;
  flush(options: { readonly async: true }): Promise<void>;
  flush(options?: { readonly async?: boolean }): Promise<void> | void {
    return this.stats.flush(options as { async: true });
  }

  /** Deletes the file; metrics keep working on a private copy. As `BaseMmStats#remove`. */
  remove(): void {
    this.stats.remove();
  }

  private metric<M>(name: string, kind: string, options: object, spec: FieldSpec, gaugeClass?: new (memory: Memory, record: RecordLayout) => Bound): M {
    const label = this.parts.prefix + checkName(name);
    if (utf8.encode(label).length > MAX_NAME_BYTES) {
      throw new SchemaError(`metric name ${JSON.stringify(label.slice(0, 40))}… is too long: with its prefix, a metric added at run time has at most ${MAX_NAME_BYTES} bytes`);
    }
    const shown = JSON.stringify(options, (key, value) => (key === 'label' ? undefined : value));
    const existing = this.metrics.get(label);
    if (existing) {
      if (existing.kind !== kind || existing.options !== shown) {
        throw new SchemaError(`metric ${JSON.stringify(label)} exists already as a ${existing.kind} with options ${existing.options}`);
      }
      return existing.metric as M;
    }
    if (this.parts.declared.has(label)) throw new SchemaError(`metric ${JSON.stringify(label)}: the registry's own field uses that name`);
    const makeOne = gaugeClass ? (memory: Memory, record: RecordLayout) => new gaugeClass(memory, record) : spec.create;
    const metric = spec.labels === undefined ? this.single(label, spec, makeOne) : this.family(label, spec, makeOne);
    this.metrics.set(label, { kind, options: shown, metric });
    this.parts.adopt(metric);
    return metric as M;
  }

  private single(label: string, spec: FieldSpec, makeOne: (memory: Memory, record: RecordLayout) => Bound): Bound {
    const live = this.parts.live;
    const specs: RecordSpec[] = spec.parts ? spec.parts.records(label, [], [], 'default') : [{ label, signature: spec.signature, buffered: true }];
    const long = specs.find((record) => utf8.encode(record.label).length > MAX_APPENDED_LABEL_BYTES);
    if (long) throw new SchemaError(`metric ${JSON.stringify(label)}: its record ${JSON.stringify(long.label)} is longer than the ${MAX_APPENDED_LABEL_BYTES} bytes a record added at run time may have`);
    const make = (memory: Memory, records: readonly RecordLayout[]) => (spec.parts ? spec.parts.create(memory, records, this.parts.context) : makeOne(memory, records[0]));
    // The records must fit after the entries: the entries are added only with room for them left over.
    const metas = familyMetas(label, spec);
    const size = recordsSize(specs);
    if (metas.every((meta, i) => live.addFamily(meta, i === metas.length - 1 ? size + 2 : 0))) {
      const records = live.addRecords(specs);
      if (records) return make(live.memory, records);
    }
    this.noRoom(label);
    const unpublished = privateRecords(specs);
    return make(unpublished.memory, unpublished.records);
  }

  private family(label: string, spec: FieldSpec, makeOne: (memory: Memory, record: RecordLayout) => Bound): Bound {
    const live = this.parts.live;
    const declaration = seriesDeclaration(label, spec, this.parts.context, makeOne);
    const overflow = overflowSize(declaration);
    const added = familyMetas(label, spec).every((meta) => live.addFamily(meta));
    if (!added) this.noRoom(label);
    return new Family({ ...declaration, maxLabelSets: added ? spec.maxLabelSets! : 0 }, live, this.parts.refused, added && live.promise(overflow) ? overflow : 0);
  }

  private noRoom(label: string): void {
    if (this.warned) return;
    this.warned = true;
    process.emitWarning(
      `mmstats: no room left in ${this.filename} for metric ${JSON.stringify(label)}; it works but is not published (raise the registry's reserve option)`,
      { code: 'MMSTATS_FULL' },
    );
  }
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) throw new SchemaError(`a metric name must be a non-empty string, got ${JSON.stringify(name)}`);
  if (name.includes('{')) throw new SchemaError(`metric name ${JSON.stringify(name)}: { is kept for the labels of series`);
  return name;
}

