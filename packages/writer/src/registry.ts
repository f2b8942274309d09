// The runtime API: metrics created by name while the program runs, as with prom-client, for code
// that cannot declare a stats class (libraries, plugins, code moving from prom-client). A registry
// is a stats object with the process fields; each metric adds its family (and, unlabelled, its
// record) to the live file (SPEC.md §14.5). Creating a metric may do work; writing to it is the
// same hot path as a class field.
import { encodeFile, MAX_APPENDED_LABEL_BYTES, recordSize, type FamilyMeta, type RecordLayout, type RecordSpec } from '@mmstats/format';
import { SchemaError } from './errors';
import { field } from './field';
import { Counter } from './fields/counter';
import { Family, overflowLabel } from './fields/family';
import type { Gauge } from './fields/gauge';
import { memoryOver, type Bound, type Memory } from './fields/memory';
import { livePartsOf, markDynamic, MmStats, type LiveParts, type MmStatsOptions } from './model';
import { gaugeClassOf, type CounterOptions, type FieldSpec, type GaugeOptions, type LabelledOptions } from './schema';

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
    const makeChild = (gaugeClass ? (memory: Memory, record: RecordLayout) => new gaugeClass(memory, record) : spec.create) as (memory: Memory, record: RecordLayout) => Bound;
    const metric = spec.labels === undefined ? this.single(label, spec, makeChild) : this.family(label, spec, makeChild);
    this.metrics.set(label, { kind, options: shown, metric });
    this.parts.adopt(metric);
    return metric as M;
  }

  private meta(label: string, spec: FieldSpec): FamilyMeta {
    return { name: label, ...spec.meta, ...(spec.labels && { labels: spec.labels }) };
  }

  private single(label: string, spec: FieldSpec, makeChild: (memory: Memory, record: RecordLayout) => Bound): Bound {
    const live = this.parts.live;
    const recordSpec: RecordSpec = { label, signature: spec.signature, buffered: true };
    // The record must fit after the entry: the entry is added only with room for it left over.
    const size = recordSize(utf8.encode(label).length, spec.signature.length, 8, true);
    if (live.addFamily(this.meta(label, spec), size + 2)) {
      const record = live.addRecord(recordSpec);
      if (record) return makeChild(live.memory, record);
    }
    this.noRoom(label);
    const { bytes, plan } = encodeFile([recordSpec]);
    return makeChild(memoryOver(bytes), plan.records[0]);
  }

  private family(label: string, spec: FieldSpec, makeChild: (memory: Memory, record: RecordLayout) => Bound): Bound {
    const live = this.parts.live;
    const overflowSize = recordSize(utf8.encode(overflowLabel(label)).length, spec.signature.length, 8, true);
    const added = live.addFamily(this.meta(label, spec));
    if (!added) this.noRoom(label);
    const declaration = { name: label, keys: spec.labels!, signature: spec.signature, makeChild, maxLabelSets: added ? spec.maxLabelSets! : 0 };
    return new Family(declaration, live, this.parts.refused, added && live.promise(overflowSize) ? overflowSize : 0);
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

