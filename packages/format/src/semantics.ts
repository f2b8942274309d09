// The one semantic model of our readers (SPEC.md §14.3, §14.4): what a record means, from its
// label and the file's metadata. poll, slurp, web and the Prometheus exposition all ask here.
import { DecodeError } from './errors';
import type { RecordLayout } from './layout';
import type { Aggregate, FamilyMeta, FileMetadata, MetricKind } from './meta';
import { parseSeriesLabel, SeriesLabelError } from './series';

/** A part of a histogram series (SPEC.md §14.6); the same list as histogram.ts, kept here to avoid a cycle. */
type Part = 'bucket' | 'count' | 'sum';
const PARTS: readonly Part[] = ['bucket', 'count', 'sum'];

/** What one record means. */
export interface RecordMeaning {
  /** Its family's name; for a record without metadata, its label. */
  readonly family: string;
  /** The family's kind; undefined for a record without metadata (SPEC.md §14.3). */
  readonly kind: MetricKind | undefined;
  readonly help: string | undefined;
  readonly unit: string | undefined;
  /** How to combine the value across processes; undefined where the kind does not combine (histogram). */
  readonly aggregate: Aggregate | undefined;
  /** The series' labels, values unescaped; empty for an unlabelled record. */
  readonly labels: Readonly<Record<string, string>>;
  /** The family's metadata entry, if it has one. */
  readonly meta: FamilyMeta | undefined;
  /** For a record of a histogram family: which part of a series it is (SPEC.md §14.6). */
  readonly part?: 'bucket' | 'count' | 'sum';
}

const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * How values of `kind` and `unit` are combined across processes when the family says nothing
 * (SPEC.md §14.3); `undefined` kind means a record without metadata, which is summed.
 */
export function defaultAggregate(kind: MetricKind | undefined, unit?: string): Aggregate | undefined {
  switch (kind) {
    case undefined:
    case 'counter':
      return 'sum';
    case 'gauge':
      return unit === 'epoch_seconds' ? 'max' : 'sum';
    case 'average':
    case 'moving_average':
    case 'timer':
      return 'mean';
    case 'text':
    case 'constant':
      return 'last';
    case 'histogram':
      return undefined;
  }
}

function aggregateOf(meta: FamilyMeta): Aggregate | undefined {
  switch (meta.kind) {
    case 'counter':
      return 'sum';
    case 'text':
    case 'constant':
      return 'last';
    default:
      return meta.aggregate ?? defaultAggregate(meta.kind, meta.unit);
  }
}

function meaning(family: string, meta: FamilyMeta | undefined, labels: Readonly<Record<string, string>>, part?: Part): RecordMeaning {
  if (meta === undefined) return { family, kind: undefined, help: undefined, unit: undefined, aggregate: 'sum', labels, meta };
  const unit = meta.unit ?? (meta.kind === 'timer' ? 'seconds' : undefined);
  return { family, kind: meta.kind, help: meta.help, unit, aggregate: aggregateOf(meta), labels, meta, ...(part && { part }) };
}

/**
 * What a record named exactly as its family means, one frozen object per family entry: the files
 * of one program share their entries (`decodeMetadata`), so a reader of many of them makes one
 * meaning per family rather than one per record of every file.
 */
const exactMeanings = new WeakMap<FamilyMeta, RecordMeaning>();

function exactMeaning(meta: FamilyMeta): RecordMeaning {
  let known = exactMeanings.get(meta);
  if (known === undefined) exactMeanings.set(meta, (known = Object.freeze(meaning(meta.name, meta, NO_LABELS))));
  return known;
}

/** The histogram family and part a record's base name (its label before any `{`) names, if any. */
function histogramPartOf(base: string, metadata: FileMetadata): { family: FamilyMeta; part: Part } | undefined {
  for (const part of PARTS) {
    if (!base.endsWith('.' + part)) continue;
    const family = metadata.families.get(base.slice(0, -part.length - 1));
    if (family !== undefined && family.kind === 'histogram') return { family, part };
  }
  return undefined;
}

/**
 * What the record `layout` means, given its file's metadata (undefined for a file without).
 * Throws `DecodeError` (naming `path` and the record) for a series label of a known family that
 * does not follow SPEC.md §14.4.
 */
export function meaningOf(layout: RecordLayout, metadata: FileMetadata | undefined, path?: string): RecordMeaning {
  const label = layout.label;
  if (metadata === undefined) return meaning(label, undefined, NO_LABELS);
  const exact = metadata.families.get(label);
  if (exact !== undefined) return exactMeaning(exact);
  const open = label.indexOf('{');
  const base = open > 0 ? label.slice(0, open) : label;
  const family = open > 0 ? metadata.families.get(base) : undefined;
  // A record of a histogram series is named after its family and part: `name.bucket{…}` (SPEC.md §14.6).
  const histogram = family === undefined ? histogramPartOf(base, metadata) : undefined;
  if (family === undefined && histogram === undefined) return meaning(label, undefined, NO_LABELS);
  const meta = (family ?? histogram!.family) as FamilyMeta;
  if (open < 0) return meaning(meta.name, meta, NO_LABELS, histogram?.part);
  try {
    const parsed = parseSeriesLabel(label)!;
    return meaning(meta.name, meta, parsed.labels, histogram?.part);
  } catch (error) {
    if (!(error instanceof SeriesLabelError)) throw error;
    throw new DecodeError(error.message, { offset: layout.labelOffset, recordIndex: layout.index, path });
  }
}

/**
 * What the records of the family `meta` describes mean, before any of them exists: a labelled
 * family declared in the metadata has no record until its first series is added (SPEC.md §14.5),
 * yet a reader that shows it needs to know whether it is a counter, a gauge or a timer.
 */
export function familyMeaning(meta: FamilyMeta): RecordMeaning {
  return exactMeaning(meta);
}

/** `meaningOf` for every record of a layout, in order. */
export function meaningsOf(layout: readonly RecordLayout[], metadata: FileMetadata | undefined, path?: string): RecordMeaning[] {
  return layout.map((record) => meaningOf(record, metadata, path));
}
