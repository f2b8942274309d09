// Labelled families: `stats.requests.labels({ route: '/a', status: '2xx' })` returns the series of
// that label set, adding its record to the live file the first time (SPEC.md §14.5).
import { EncodeError, MAX_APPENDED_LABEL_BYTES, OVERFLOW_LABELS, seriesLabel, type RecordLayout, type RecordSpec } from '@mmstats/format';
import { SchemaError } from '../errors';
import { recordsSize } from '../live-file';
import type { LiveFile } from '../live-file';
import type { FieldSpec, PartsContext } from '../schema';
import type { Counter } from './counter';
import { privateRecords, type Bound, type FieldFactory, type Memory } from './memory';

/** Label values a series may be asked for with: strings, or numbers and booleans (used as their text). */
export type LabelValues<Key extends string = string> = { readonly [K in Key]: string | number | boolean };

/** Default of `maxLabelSets`: series one family may hold before new label sets go to its overflow series. */
export const DEFAULT_MAX_LABEL_SETS = 1000;

/** How a family makes its series. */
export interface FamilyDeclaration<Child extends Bound> {
  /** The family name (prefix included): the part before `{` of its series' labels. */
  readonly name: string;
  readonly keys: readonly string[];
  /** The records of the series whose labels `keys` have `values`: one, or a group (a histogram's). */
  readonly records: (keys: readonly string[], values: readonly string[]) => RecordSpec[];
  /** Builds a series bound to its records. */
  readonly makeChild: (memory: Memory, records: readonly RecordLayout[]) => Child;
  readonly maxLabelSets: number;
}

/** The `records` of a family whose series are one record of `signature` each. */
export function oneRecordSeries(name: string, signature: string): FamilyDeclaration<Bound>['records'] {
  return (keys, values) => [{ label: seriesLabel(name, keys, values), signature, buffered: true }];
}

/**
 * How the labelled field `spec` named `name` makes its series: one record each, built by
 * `makeOne` (default: the field's own series factory), or the group of records of its parts.
 */
export function seriesDeclaration(name: string, spec: FieldSpec, context: PartsContext, makeOne: FieldFactory | undefined = spec.createSeries): FamilyDeclaration<Bound> {
  const common = { name, keys: spec.labels!, maxLabelSets: spec.maxLabelSets! };
  const parts = spec.parts;
  if (parts !== undefined) {
    return { ...common, records: (keys, values) => parts.records(name, keys, values, 'default'), makeChild: (memory, records) => parts.create(memory, records, context) };
  }
  return { ...common, records: oneRecordSeries(name, spec.signature), makeChild: (memory, records) => makeOne!(memory, records[0]) };
}

/** Bytes the overflow series of `declaration` takes: promised when the family is declared, so that it always fits. */
export function overflowSize(declaration: Pick<FamilyDeclaration<Bound>, 'name' | 'records'>): number {
  const specs = declaration.records(Object.keys(OVERFLOW_LABELS), Object.values(OVERFLOW_LABELS));
  // Checked when the family is declared: its overflow series must always be addable, on the hot path too.
  const long = specs.find((spec) => utf8.encode(spec.label).length > MAX_APPENDED_LABEL_BYTES);
  if (long) {
    throw new SchemaError(`family ${JSON.stringify(declaration.name)}: the record ${JSON.stringify(long.label)} of its overflow series would be longer than the ${MAX_APPENDED_LABEL_BYTES} bytes a record added to a live file may have; use a shorter name`);
  }
  return recordsSize(specs);
}

const utf8 = new TextEncoder();

// Nested maps, one level per label name, the last level holding series: looking a label set up
// allocates nothing (no key string is built), where joining the values into one key would.
type Level = Map<unknown, unknown>;

/**
 * A labelled family. `labels({…})` is compiled per family (see `lookupFunction`) so that the common
 * case, a label set seen before, is a few property loads and map lookups and allocates nothing.
 */
export class Family<Child extends Bound, Key extends string = string> {
  /**
   * The series of the label set `values`, created the first time. A label set that cannot get its
   * own series (too many series, a label of more than 255 bytes in all, a missing or undeclared
   * label, no room left in the file) gets the family's overflow series `{overflow="true"}`, and the
   * file's `sys.label_sets_refused` counts it. Never throws.
   */
  declare readonly labels: (values: LabelValues<Key>) => Child;

  private readonly root: Level = new Map();
  private readonly series: Child[] = [];
  private overflow: Child | undefined;
  private refusedCached = 0;
  private warned = false;

  constructor(
    private readonly declaration: FamilyDeclaration<Child>,
    private readonly file: LiveFile,
    private readonly refused: Counter | undefined,
    /** Bytes promised in `file` for the overflow series; 0 if none could be. */
    private readonly overflowPromise: number,
  ) {
    this.labels = lookupFunction(declaration.keys, this.root, (values) => this.slowLabels(values));
  }

  /** The family name, prefix included. */
  get name(): string {
    return this.declaration.name;
  }

  /** The label names, in the order they appear in series labels. */
  get labelNames(): readonly string[] {
    return this.declaration.keys;
  }

  /** How many series the family has, its overflow series not included. */
  get size(): number {
    return this.series.length;
  }

  /** @internal Moves every series to `memory` (after `remove()`). */
  rebind(memory: Memory): void {
    for (const child of this.series) child.rebind(memory);
    this.overflow?.rebind(memory);
  }

  private slowLabels(values: LabelValues<Key>): Child {
    const texts = this.labelTexts(values);
    if (texts === undefined) return this.refuse(undefined);
    // Find the series by the label texts: numbers and booleans were looked up as themselves.
    const level = this.lastLevel(texts);
    const last = texts[texts.length - 1];
    let child = level.get(last) as Child | undefined;
    if (child === undefined) {
      child = this.newSeries(texts);
      if (child === undefined) return this.refuse(texts);
      level.set(last, child);
    }
    this.alias(values, child);
    return child;
  }

  /** The label values as text in declared order, or undefined if one is missing, of a wrong type, or undeclared. */
  private labelTexts(values: LabelValues<Key>): string[] | undefined {
    if (values === null || typeof values !== 'object') return this.misuse(`labels() takes an object of label values, got ${values === null ? 'null' : typeof values}`);
    const keys = this.declaration.keys;
    const texts: string[] = [];
    for (const key of keys) {
      const value = (values as Record<string, unknown>)[key];
      if (typeof value === 'string') texts.push(value);
      else if (typeof value === 'number' || typeof value === 'boolean') texts.push(String(value));
      else return this.misuse(`label ${key} is ${value === undefined ? 'missing' : `a ${typeof value}, not a string or number`}`);
    }
    for (const key of Object.keys(values)) if (!keys.includes(key)) return this.misuse(`label ${key} is not declared (declared: ${keys.join(', ')})`);
    return texts;
  }

  /** Remembers the series under the raw values too, when they were numbers or booleans, so the fast path finds it. */
  private alias(values: LabelValues<Key>, child: Child): void {
    const raw = this.declaration.keys.map((key) => (values as Record<string, unknown>)[key]);
    if (raw.every((value) => typeof value === 'string')) return;
    this.lastLevel(raw).set(raw[raw.length - 1], child);
  }

  /** The map in which the last of `path`'s values (one per label, in order) is looked up; made as needed. */
  private lastLevel(path: readonly unknown[]): Level {
    let level = this.root;
    for (let i = 0; i < path.length - 1; i++) {
      let next = level.get(path[i]) as Level | undefined;
      if (next === undefined) level.set(path[i], (next = new Map()));
      level = next;
    }
    return level;
  }

  private newSeries(texts: readonly string[]): Child | undefined {
    const declaration = this.declaration;
    if (this.series.length >= declaration.maxLabelSets) return undefined;
    const specs = declaration.records(declaration.keys, texts);
    if (specs.some((spec) => utf8.encode(spec.label).length > MAX_APPENDED_LABEL_BYTES)) return undefined;
    const records = this.file.addRecords(specs);
    if (records === undefined) return undefined;
    const child = declaration.makeChild(this.file.memory, records);
    this.series.push(child);
    return child;
  }

  /** The overflow series for a refused label set, counted once per set while sets are remembered. */
  private refuse(texts: readonly string[] | undefined): Child {
    const overflow = (this.overflow ??= this.newOverflow());
    if (texts === undefined || this.refusedCached >= this.declaration.maxLabelSets) {
      this.refused?.inc();
      return overflow;
    }
    // Remember the refused set, so that the fast path returns the overflow series for it from now on.
    this.lastLevel(texts).set(texts[texts.length - 1], overflow);
    this.refusedCached++;
    this.refused?.inc();
    return overflow;
  }

  private newOverflow(): Child {
    const declaration = this.declaration;
    const specs: RecordSpec[] = declaration.records(Object.keys(OVERFLOW_LABELS), Object.values(OVERFLOW_LABELS));
    const records = this.overflowPromise > 0 ? this.file.addRecords(specs, this.overflowPromise) : undefined;
    if (records !== undefined) return declaration.makeChild(this.file.memory, records);
    // No room was left even for it: a series in private memory, never published, and said once.
    this.misuse('no room left in the stats file for the overflow series (raise the reserve option)');
    const unpublished = privateRecords(specs);
    return declaration.makeChild(unpublished.memory, unpublished.records);
  }

  private misuse(reason: string): undefined {
    if (!this.warned) {
      this.warned = true;
      process.emitWarning(`mmstats: family ${this.declaration.name}: ${reason}; such label sets go to its overflow series {overflow="true"}`, {
        code: 'MMSTATS_LABELS',
      });
    }
    return undefined;
  }
}

/** The record label of a family's overflow series. */
export function overflowLabel(name: string): string {
  return seriesLabel(name, Object.keys(OVERFLOW_LABELS), Object.values(OVERFLOW_LABELS));
}


/**
 * The `labels()` function of one family: its label names are written into the source as property
 * loads (`values.route`), so each family's lookup is its own compiled function with its own type
 * feedback, and a label set seen before costs one map lookup per label. Falls back to a generic
 * loop where code generation is disallowed.
 */
function lookupFunction<Child>(keys: readonly string[], root: Level, slow: (values: any) => Child): (values: any) => Child {
  if (keys.length === 0) throw new EncodeError('a labelled family needs at least one label name');
  let body = "if (values === null || typeof values !== 'object') return slow(values);\nlet level = root;\n";
  keys.forEach((key, i) => {
    // Label names match [a-zA-Z_][a-zA-Z0-9_]* (checked when declared): safe as property names in source.
    if (i < keys.length - 1) body += `level = level.get(values.${key});\nif (level === undefined) return slow(values);\n`;
    else body += `const child = level.get(values.${key});\nreturn child === undefined ? slow(values) : child;\n`;
  });
  try {
    return new Function('root', 'slow', `'use strict';\nreturn function labels(values) {\n${body}};`)(root, slow);
  } catch (error) {
    if (!(error instanceof EvalError)) throw error;
    return (values) => {
      if (values === null || typeof values !== 'object') return slow(values);
      let level: unknown = root;
      for (const key of keys) {
        level = (level as Level).get(values[key]);
        if (level === undefined) return slow(values);
      }
      return level as Child;
    };
  }
}
