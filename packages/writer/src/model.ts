import { dirname } from 'node:path';
import { EncodeError, layoutRecords, type FamilyMeta, type RecordSpec, type StatValue } from '@mmstats/format';
import { FIELDS, fieldHolderMaker, installAccessor, type FieldHolder, type FieldHolderMaker } from './accessors';
import { decoratedFields, type DeclaredField } from './decorators';
import { SchemaError } from './errors';
import { DEFAULT_COPY_INTERVAL_MS } from './copy-mode';
import { warnIfDefaultDirectoryOnDisk } from './disk-warning';
import { createMappedFile, removeMappedFile, syncMappedFile, type FileStorage, type MappedFile } from './file';
import { Counter } from './fields/counter';
import { Family, overflowSize, seriesDeclaration } from './fields/family';
import { memoryOver, type Bound } from './fields/memory';
import { LiveFile } from './live-file';
import { hasMmapBinding, missingBindingError, pageSize } from './mmap';
import { resolveStatsPath } from './naming';
import { threadIdentity } from './identity';
import type { FieldDefinition, FieldSpec, PartsContext } from './schema';
import { field } from './field';

/** Options of a stats object. */
export interface MmStatsOptions {
  /** Directory of the file. Defaults to `$MMSTATS_PATH`, else the OS temp directory. */
  readonly path?: string;
  /**
   * File name; `{CMD}`, `{PID}`, `{TID}` (kernel thread id) and `{NSID}` (PID namespace and boot)
   * are replaced (also `%PID%`, `%TID%`). Defaults to `$MMSTATS_FILES`, else
   * `{CMD}-{PID}-{TID}-{NSID}.mmstats`. An absolute name ignores `path`.
   */
  readonly filename?: string;
  /** Prepended to every label, inherited ones included. Defaults to none. */
  readonly labelPrefix?: string;
  /** Permission bits of the file. Defaults to 0o644; use 0o600 for values others must not read. */
  readonly mode?: number;
  /**
   * What to do when the native mmap binding is not built (install scripts were blocked):
   * `'throw'` a `BindingError` naming the fix, or `'copy'`: keep the values in process memory and
   * write the whole file with pwrite every `copyInterval` ms and at exit. Copy mode is not
   * syscall-free (one write per interval, never on the write path itself) and readers see values
   * up to one interval old. Ignored when the binding is built. Defaults to `$MMSTATS_FALLBACK`,
   * else `'throw'`.
   */
  readonly fallback?: 'throw' | 'copy';
  /** Copy mode only: milliseconds between two writes of the file. Defaults to 1000. */
  readonly copyInterval?: number;
  /**
   * `'original'` writes exactly the bytes the original mmstats wrote: no metadata block (kinds,
   * help, units), so no labelled fields. Defaults to `'default'`: the records, then a metadata
   * block the original tools skip (SPEC.md §14).
   */
  readonly layout?: 'default' | 'original';
  /**
   * Bytes kept free in the file for series of labelled fields added while it is live (SPEC.md
   * §14.5). Defaults to 64 KiB when the class has a labelled field, plus room for 15 series of
   * each labelled histogram, else 0.
   */
  readonly reserve?: number;
}

/** Default of `MmStatsOptions.reserve` for files with labelled families. */
export const DEFAULT_RESERVE = 64 * 1024;

/** Series of each labelled histogram (besides its overflow series) the default reserve makes room for. */
export const HISTOGRAM_SERIES_RESERVED = 15;

/** Options of `flush()`. */
export interface FlushOptions {
  /** Return at once with a promise instead of blocking until the data is on disk. Defaults to false. */
  readonly async?: boolean;
}

/** A field of a class, with its resolved label (before any per-instance prefix). */
interface SchemaField extends DeclaredField {
  readonly label: string;
}

const STATE = Symbol('mmstats.state');

interface State {
  file: MappedFile | undefined;
  readonly path: string;
  readonly size: number;
  readonly fields: readonly Bound[];
  readonly live: LiveFile;
  /** The counter of refused label sets, in files with labelled families or added to at run time. */
  readonly refused: Counter | undefined;
  /** What fields built over several records need: the counter of refused observations. */
  readonly context: PartsContext;
  readonly prefix: string;
  /** Field objects added at run time (a registry's metrics), rebound with the others by `remove()`. */
  readonly extra: Bound[];
}

const schemas = new WeakMap<Function, readonly SchemaField[]>();
// One holder class per stats class (not per field count): see FieldHolder in accessors.ts.
const holderMakers = new WeakMap<Function, FieldHolderMaker>();

function holderMakerOf(cls: Function, count: number): FieldHolderMaker {
  let make = holderMakers.get(cls);
  if (!make) {
    make = fieldHolderMaker(count);
    holderMakers.set(cls, make);
  }
  return make;
}

function ownFields(cls: Function & { fields?: unknown }): DeclaredField[] {
  const own: DeclaredField[] = [...decoratedFields(cls)];
  if (Object.hasOwn(cls, 'fields') && cls.fields !== undefined) {
    const map = cls.fields;
    if (map === null || typeof map !== 'object') throw new SchemaError(`${cls.name}.fields must be an object of field.*() definitions`);
    for (const [key, definition] of Object.entries(map)) {
      const spec = (definition as Partial<FieldDefinition<unknown>> | undefined)?.spec;
      if (typeof definition !== 'function' || !spec) {
        throw new SchemaError(`${cls.name}.fields.${key} must be a field definition such as field.counter(), got ${typeof definition}`);
      }
      if (Object.hasOwn(cls.prototype as object, key)) {
        throw new SchemaError(`${cls.name}.fields.${key}: the class already has a member named ${key}`);
      }
      own.push({ key, spec });
    }
  }
  return own;
}

/**
 * The fields of a stats class, inherited ones first, each in declaration order. Cached per class.
 * The first call for a class also installs its own fields' accessors: a field's index in the
 * schema names its object in every instance's `[FIELDS]` (`f<index>`), for the class and all its subclasses.
 */
function schemaOf(cls: Function): readonly SchemaField[] {
  const cached = schemas.get(cls);
  if (cached) return cached;
  if (cls === BaseMmStats) return [];
  const inherited = schemaOf(Object.getPrototypeOf(cls));
  const fields = [...inherited];
  const keys = new Set(inherited.map((f) => f.key));
  const labels = new Map(inherited.map((f) => [f.label, f.key]));
  for (const { key, spec } of ownFields(cls)) {
    if (key in BaseMmStats.prototype) throw new SchemaError(`${cls.name}: a field cannot be named ${key}: BaseMmStats uses that name`);
    if (keys.has(key)) throw new SchemaError(`${cls.name}: field ${key} is declared twice (or also by a parent class)`);
    const label = spec.label ?? key;
    const other = labels.get(label);
    if (other !== undefined) throw new SchemaError(`${cls.name}: fields ${other} and ${key} both use the label ${JSON.stringify(label)}`);
    keys.add(key);
    labels.set(label, key);
    fields.push({ key, spec, label });
  }
  for (let index = inherited.length; index < fields.length; index++) {
    installAccessor(cls.prototype as object, fields[index].key, fields[index].spec, index);
  }
  schemas.set(cls, fields);
  return fields;
}

function staticValue(cls: Function, field: SchemaField): StatValue {
  const value = field.spec.value!;
  if (typeof value !== 'function') return value;
  try {
    return value();
  } catch (error) {
    throw new SchemaError(`${cls.name}.${field.key}: the value function of static field ${JSON.stringify(field.label)} threw`, { cause: error });
  }
}

const dynamicClasses = new WeakSet<Function>();

/**
 * @internal Marks a stats class whose files get families added at run time (the registry's): they
 * always have the refused-label-sets counter and the default reserve.
 */
export function markDynamic(cls: Function): void {
  dynamicClasses.add(cls);
}

/** @internal What a registry needs of its stats object to add metrics to the live file. */
export interface LiveParts {
  readonly live: LiveFile;
  readonly refused: Counter | undefined;
  readonly context: PartsContext;
  readonly prefix: string;
  /** Keeps `object` for `remove()` to rebind. */
  adopt(object: Bound): void;
  /** Labels of the records and families the file had at creation. */
  readonly declared: ReadonlySet<string>;
}

/** @internal The live-file parts of `stats`. */
export function livePartsOf(stats: BaseMmStats): LiveParts {
  const state = stats[STATE];
  return {
    live: state.live,
    refused: state.refused,
    context: state.context,
    prefix: state.prefix,
    adopt: (object) => state.extra.push(object),
    declared: new Set(schemaOf(stats.constructor).map((f) => state.prefix + f.label).concat(state.prefix + REFUSED_LABEL, state.prefix + OBSERVATIONS_REFUSED_LABEL)),
  };
}

const FALLBACKS = ['throw', 'copy'];

/** A shared mapping when the binding is built; else copy mode if the options allow it, else a `BindingError`. */
function chooseStorage(options: MmStatsOptions): FileStorage {
  const fallback = options.fallback ?? (process.env.MMSTATS_FALLBACK || 'throw');
  if (!FALLBACKS.includes(fallback)) {
    const origin = options.fallback === undefined ? 'MMSTATS_FALLBACK' : 'fallback';
    throw new SchemaError(`${origin} must be 'throw' or 'copy', got ${JSON.stringify(fallback)}`);
  }
  const intervalMs = options.copyInterval ?? DEFAULT_COPY_INTERVAL_MS;
  if (typeof intervalMs !== 'number' || !(intervalMs >= 1 && intervalMs <= 2 ** 31 - 1)) {
    throw new SchemaError(`copyInterval must be a number of milliseconds from 1 to 2147483647, got ${String(intervalMs)}`);
  }
  if (hasMmapBinding()) return { kind: 'mapped' };
  if (fallback === 'copy') return { kind: 'copy', intervalMs };
  throw missingBindingError();
}

/** Label of the counter of label sets refused by the labelled fields of a file (SPEC.md §14.7). */
export const REFUSED_LABEL = 'sys.label_sets_refused';
const REFUSED_HELP = 'Label sets given to the overflow series of their family: too many series, a label too long, or no room left in the file';

/** Label of the counter of values histograms of a file refused: NaNs (SPEC.md §14.6). */
export const OBSERVATIONS_REFUSED_LABEL = 'sys.observations_refused';
const OBSERVATIONS_REFUSED_HELP = 'Values given to the histograms of this file that were not observed: NaNs';

/** The metadata entries of field `spec` whose family name (prefix included) is `name`: its own, and those of its parts. */
export function familyMetas(name: string, spec: FieldSpec): FamilyMeta[] {
  return [{ name, ...spec.meta, ...(spec.labels && { labels: spec.labels }) }, ...(spec.parts?.families(name) ?? [])];
}

/** The records of unlabelled field `spec` named `name` in a file of `layout`. */
function fieldRecords(name: string, spec: FieldSpec, layout: 'default' | 'original', value: () => StatValue | undefined): RecordSpec[] {
  if (spec.parts) return spec.parts.records(name, [], [], layout);
  return [{ label: name, signature: spec.signature, buffered: spec.buffered, initial: value() }];
}

/** The layout option, checked against the class: the original layout has no room for labelled fields. */
function checkLayoutOptions(cls: Function, schema: readonly SchemaField[], options: MmStatsOptions): 'default' | 'original' {
  const layout = options.layout ?? 'default';
  if (layout !== 'default' && layout !== 'original') throw new SchemaError(`layout must be 'default' or 'original', got ${JSON.stringify(layout)}`);
  if (layout === 'original') {
    const labelled = schema.find((f) => f.spec.labels !== undefined);
    if (labelled) throw new SchemaError(`${cls.name}.${labelled.key}: a labelled field needs the default layout (layout 'original' has no metadata block)`);
    if (options.reserve !== undefined && options.reserve !== 0) throw new SchemaError(`reserve needs the default layout (layout 'original' cannot add records)`);
  }
  if (options.reserve !== undefined && (!Number.isSafeInteger(options.reserve) || options.reserve < 0)) {
    throw new SchemaError(`reserve must be a whole number of bytes, got ${String(options.reserve)}`);
  }
  return layout;
}


/**
 * Base class of stats objects, with no fields of its own. Declare fields with decorators
 * (`@field.counter() accessor hits!: Counter`) or a `static fields = { hits: field.counter() }`
 * map; each instance creates one file and maps it. After construction, writes to fields are plain
 * memory stores: no syscall, no allocation.
 */
export class BaseMmStats {
  /** Plain-JS declaration of fields: property name → `field.*()` definition. */
  declare static fields?: Readonly<Record<string, FieldDefinition<any>>>;

  // Declared, not defined: a defined field starts as undefined, and the accessors would then check
  // on every write that `[FIELDS]` is still a holder (see fields/cells.ts).
  private declare readonly [STATE]: State;
  /** @internal Field objects in schema order, read by the accessors. */
  declare readonly [FIELDS]: FieldHolder;

  /**
   * Creates the stats file and maps it. Throws `SchemaError` for a bad declaration, `MapError`
   * when the file cannot be created (naming the file and the reason; no partial file is left) and
   * `BindingError` when the native binding is not built and `fallback` is not `'copy'`.
   */
  constructor(options: MmStatsOptions = {}) {
    const cls = new.target;
    const storage = chooseStorage(options);
    const schema = schemaOf(cls);
    const prefix = options.labelPrefix ?? '';
    if (typeof prefix !== 'string') throw new SchemaError(`labelPrefix must be a string, got ${typeof prefix}`);
    const layout = checkLayoutOptions(cls, schema, options);
    const recordFields = schema.filter((f) => f.spec.labels === undefined);
    const familyFields = schema.filter((f) => f.spec.labels !== undefined);
    // Each unlabelled field's records, in schema order: one, or several (histograms, timers).
    const fieldSpecs = recordFields.map((f) => fieldRecords(prefix + f.label, f.spec, layout, () => (f.spec.access === 'static' ? staticValue(cls, f) : undefined)));
    const specs: RecordSpec[] = fieldSpecs.flat();
    const metadata: FamilyMeta[] = schema.flatMap((f) => familyMetas(prefix + f.label, f.spec));
    const refusedLabel = prefix + REFUSED_LABEL;
    const observationsRefusedLabel = prefix + OBSERVATIONS_REFUSED_LABEL;
    // Registries add families later: their files get the counters and the reserve from the start.
    const dynamic = dynamicClasses.has(cls) || familyFields.length > 0;
    if (dynamic) {
      specs.push({ label: refusedLabel, signature: 'Q', buffered: true });
      metadata.push({ name: refusedLabel, kind: 'counter', help: REFUSED_HELP });
    }
    const observes = dynamicClasses.has(cls) || schema.some((f) => f.spec.parts?.observes);
    if (observes) {
      specs.push({ label: observationsRefusedLabel, signature: 'Q', buffered: true });
      if (layout !== 'original') metadata.push({ name: observationsRefusedLabel, kind: 'counter', help: OBSERVATIONS_REFUSED_HELP });
    }
    // Room for every family's overflow series is set aside up front: it must always fit.
    // Filled in once the file is mapped; the fields read it only when they are built.
    const context: { observationsRefused: Counter | undefined } = { observationsRefused: undefined };
    const declarations = familyFields.map((f) => seriesDeclaration(prefix + f.label, f.spec, context));
    const overflowSizes = declarations.map((declaration) => overflowSize(declaration));
    let plan;
    try {
      if (layout === 'original') {
        plan = layoutRecords(specs, { pageSize: pageSize() });
      } else {
        for (const family of metadata) if (family.name.includes('{')) throw new EncodeError(`label ${JSON.stringify(family.name)}: { is kept for the labels of series (SPEC.md §14.4)`);
        // A histogram series takes hundreds of records: by default, room for 15 of each labelled one too.
        const histogramRoom = familyFields.reduce((sum, f, i) => sum + (f.spec.parts ? HISTOGRAM_SERIES_RESERVED * overflowSizes[i] : 0), 0);
        const reserve = (options.reserve ?? (dynamic ? DEFAULT_RESERVE + histogramRoom : 0)) + overflowSizes.reduce((a, b) => a + b, 0);
        plan = layoutRecords(specs, { pageSize: pageSize(), metadata, reserve });
      }
    } catch (error) {
      if (error instanceof EncodeError) throw new SchemaError(`${cls.name}: ${error.message}`, { cause: error });
      throw error;
    }
    const path = resolveStatsPath(options);
    const file = createMappedFile(path, plan, specs, options.mode ?? 0o644, storage);
    warnIfDefaultDirectoryOnDisk(dirname(path), options);
    const memory = memoryOver(new Uint8Array(file.mapping.buffer, file.mapping.byteOffset, file.mapping.length));
    const live = new LiveFile(memory, specs.length, layout !== 'original');
    const byLabel = new Map(plan.records.map((record) => [record.label, record]));
    const refusedRecord = byLabel.get(refusedLabel);
    const refused = dynamic && refusedRecord ? new Counter(memory, refusedRecord) : undefined;
    const observationsRefusedRecord = byLabel.get(observationsRefusedLabel);
    context.observationsRefused = observes && observationsRefusedRecord ? new Counter(memory, observationsRefusedRecord) : undefined;
    let recordField = 0;
    let familyField = 0;
    const fields = schema.map((f) => {
      if (f.spec.labels === undefined) {
        const records = fieldSpecs[recordField++].map((spec) => byLabel.get(spec.label)!);
        return f.spec.parts ? f.spec.parts.create(memory, records, context) : f.spec.create(memory, records[0]);
      }
      const index = familyField++;
      return new Family(declarations[index], live, refused, live.promise(overflowSizes[index]) ? overflowSizes[index] : 0);
    });
    this[FIELDS] = holderMakerOf(cls, fields.length)(fields);
    // The name used: another one when `path` was held by a live writer (see createMappedFile).
    const counters = [refused, context.observationsRefused].filter((counter) => counter !== undefined);
    this[STATE] = { file, path: file.path, size: plan.fileSize, fields: [...fields, ...counters], live, refused, context, prefix, extra: [] };
  }

  /** Absolute path of the stats file. */
  get filename(): string {
    return this[STATE].path;
  }

  /** Size of the stats file in bytes (whole pages). */
  get fileSize(): number {
    return this[STATE].size;
  }

  /** Whether `remove()` has been called. */
  get isRemoved(): boolean {
    return this[STATE].file === undefined;
  }

  /**
   * Writes the current values to disk, so they survive a machine crash (a process crash loses
   * nothing: the file is the page cache). Blocks until done; with `{ async: true }` it returns at
   * once with a promise that settles when the data is on disk. Does nothing after `remove()`.
   * A failure is a `MapError`.
   */
  flush(): void;
  flush(options: FlushOptions & { readonly async: true }): Promise<void>;
  flush(options?: FlushOptions): Promise<void> | void;
  flush(options: FlushOptions = {}): Promise<void> | void {
    const file = this[STATE].file;
    if (file) return syncMappedFile(file, options.async === true);
    return options.async === true ? Promise.resolve() : undefined;
  }

  /**
   * Deletes the file (unless another one has replaced it at that path) and lets the mapping go.
   * Later writes land in a private copy and are harmless; calling it again does nothing.
   */
  remove(): void {
    const state = this[STATE];
    const file = state.file;
    if (!file) return;
    const copy = new Uint8Array(file.mapping.length);
    copy.set(file.mapping);
    const memory = memoryOver(copy);
    for (const object of state.fields) object.rebind(memory);
    for (const object of state.extra) object.rebind(memory);
    state.live.rebind(memory);
    state.file = undefined;
    removeMappedFile(file);
  }
}

/**
 * A stats class with the process fields of the original mmstats, evaluated for each instance:
 * `sys.pid`, `sys.tid` (the kernel's thread id), `sys.uid`, `sys.gid`, `org.nodejs.version` and
 * `sys.created` (Unix time in seconds); then what `mmstats clean` needs to tell, without trusting
 * the wall clock, whether the writing thread still runs: `sys.boot_id`, `sys.ns.pid` (the PID
 * namespace's inode) and `sys.start_ticks` (the thread's start in clock ticks after boot).
 */
export class MmStats extends BaseMmStats {
  // Typed as any schema, not as these six fields: a TypeScript subclass may then declare its own
  // `static fields` (they add to these) without a static-side type error.
  static override fields: Readonly<Record<string, FieldDefinition<any>>> = {
    pid: field.staticUInt({ label: 'sys.pid', help: 'Process id of the writer', value: () => process.pid }),
    tid: field.staticInt64({ label: 'sys.tid', help: 'Kernel thread id of the writer', value: () => threadIdentity().tid }),
    uid: field.staticUInt64({ label: 'sys.uid', help: 'User id of the writer', value: () => process.getuid?.() ?? 0 }),
    gid: field.staticUInt64({ label: 'sys.gid', help: 'Group id of the writer', value: () => process.getgid?.() ?? 0 }),
    nodeVersion: field.staticText({ label: 'org.nodejs.version', help: 'Runtime of the writer', value: () => `node ${process.version}` }),
    created: field.staticDouble({ label: 'sys.created', help: 'When the stats object was created', unit: 'epoch_seconds', value: () => Date.now() / 1000 }),
    bootId: field.staticText({ label: 'sys.boot_id', help: 'Boot id of the kernel the writer runs on', value: () => threadIdentity().bootId }),
    pidNamespace: field.staticUInt64({ label: 'sys.ns.pid', help: 'Inode of the PID namespace of the writer', value: () => threadIdentity().pidNamespace }),
    startTicks: field.staticUInt64({ label: 'sys.start_ticks', help: 'Start time of the writer thread, in clock ticks since boot', value: () => threadIdentity().startTicks }),
  };
}

export interface MmStats {
  /** `sys.pid`: the process id. */
  readonly pid: number;
  /** `sys.tid`: the kernel's id of the writing thread (the pid on the main thread). */
  readonly tid: number;
  /** `sys.uid`: the user id. */
  readonly uid: number;
  /** `sys.gid`: the group id. */
  readonly gid: number;
  /** `org.nodejs.version`: the runtime, e.g. `node v20.20.2`. */
  readonly nodeVersion: string;
  /** `sys.created`: when the stats object was created, Unix time in seconds. */
  readonly created: number;
  /** `sys.boot_id`: the kernel's boot id ('' where /proc is missing). */
  readonly bootId: string;
  /** `sys.ns.pid`: the inode of the process's PID namespace (0 where /proc is missing). */
  readonly pidNamespace: number;
  /** `sys.start_ticks`: when the writing thread started, in clock ticks after boot (0 where /proc is missing). */
  readonly startTicks: number;
}
