// The metadata block of SPEC.md §14: a trailer at the end of the file, entries describing families
// below it, and the reserve where records and entries are added while the file is live.
import { DecodeError } from './errors';
import { bytesAsText, decodeUtf8 } from './types';

/** What the values of a family are (SPEC.md §14.3). */
export type MetricKind = 'counter' | 'gauge' | 'average' | 'moving_average' | 'timer' | 'histogram' | 'text' | 'constant';

/** How a value is combined across processes (SPEC.md §14.3). */
export type Aggregate = 'sum' | 'mean' | 'max' | 'min' | 'last';

/** Every kind, in SPEC.md's order. */
export const METRIC_KINDS: readonly MetricKind[] = ['counter', 'gauge', 'average', 'moving_average', 'timer', 'histogram', 'text', 'constant'];

/** Every aggregate, in SPEC.md's order. */
export const AGGREGATES: readonly Aggregate[] = ['sum', 'mean', 'max', 'min', 'last'];

/** The units readers give a meaning to; any other lower-case word is allowed and shown as is. */
export const KNOWN_UNITS: readonly string[] = ['seconds', 'bytes', 'ratio', 'epoch_seconds'];

const UNIT = /^[a-z0-9_]{1,64}$/;

/** One metadata entry: the meaning of one family of records. */
export interface FamilyMeta {
  /** The family name: its record's label, or the part before `{` of its series' labels. */
  readonly name: string;
  readonly kind: MetricKind;
  readonly help?: string;
  readonly unit?: string;
  /** Label names of a labelled family, in series-label order. */
  readonly labels?: readonly string[];
  readonly aggregate?: Aggregate;
}

/** Size of the trailer at the end of a file with metadata. */
export const TRAILER_SIZE = 16;

/** The last four bytes of a file with metadata: `mmx1`. */
export const METADATA_MAGIC: readonly number[] = [0x6d, 0x6d, 0x78, 0x31];

/** Offsets within the trailer (from `fileSize - TRAILER_SIZE`). */
export const TRAILER_RECORDS_END = 0;
export const TRAILER_METADATA_START = 4;

/** Appended record labels are at most this long: their length is published with a single byte store (SPEC.md §14.5). */
export const MAX_APPENDED_LABEL_BYTES = 255;

/** Where the records end and the metadata starts, read from a trailer. */
export interface Trailer {
  /** `R`: just past the last record counted by the trailer; the end marker lies there. */
  readonly recordsEnd: number;
  /** `M`: the first metadata entry. */
  readonly metadataStart: number;
}

/** The metadata of a file: its trailer and its families by name. */
export interface FileMetadata extends Trailer {
  readonly families: ReadonlyMap<string, FamilyMeta>;
}

/** Whether `bytes` (a whole file, or its end when `fileSize` is given) ends with the metadata magic. */
export function hasMetadataMagic(bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (n < 4) return false;
  for (let k = 0; k < 4; k++) if (bytes[n - 4 + k] !== METADATA_MAGIC[k]) return false;
  return true;
}

function u32At(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

/**
 * The trailer of `bytes` (a whole file of `fileSize` bytes, or the last `TRAILER_SIZE` bytes of
 * one), or undefined if the file has no metadata. Throws `DecodeError` for a trailer whose
 * offsets cannot be right (SPEC.md §14.2).
 */
export function decodeTrailer(bytes: Uint8Array, fileSize: number = bytes.length, path?: string): Trailer | undefined {
  if (fileSize < TRAILER_SIZE + 1 || bytes.length < TRAILER_SIZE || !hasMetadataMagic(bytes)) return undefined;
  const base = bytes.length - TRAILER_SIZE;
  const recordsEnd = u32At(bytes, base + TRAILER_RECORDS_END);
  const metadataStart = u32At(bytes, base + TRAILER_METADATA_START);
  const trailerAt = fileSize - TRAILER_SIZE;
  if (recordsEnd < 1 || metadataStart < recordsEnd + 2 || metadataStart > trailerAt) {
    throw new DecodeError(
      `metadata trailer is inconsistent: records end ${recordsEnd}, metadata start ${metadataStart}, trailer at ${trailerAt} (need 1 ≤ end, end + 2 ≤ start ≤ trailer)`,
      { offset: trailerAt, path },
    );
  }
  return { recordsEnd, metadataStart };
}

function entryError(reason: string, offset: number, path: string | undefined): never {
  throw new DecodeError(`metadata entry: ${reason}`, { offset, path });
}

function optionalString(object: Record<string, unknown>, key: string, offset: number, path: string | undefined): string | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') entryError(`member ${key} must be a string, got ${typeof value}`, offset, path);
  return value;
}

/**
 * Reads one entry's JSON text into a `FamilyMeta`, or undefined for an entry of a kind this reader
 * does not know (SPEC.md §14.3: ignored). Throws `DecodeError` (at `offset`) for a malformed one.
 */
export function parseFamilyMeta(text: string, offset: number, path?: string): FamilyMeta | undefined {
  const entry = parseEntry(text, offset, path);
  return METRIC_KINDS.includes(entry.kind as MetricKind) ? (entry as FamilyMeta) : undefined;
}

/** An entry checked as SPEC.md §14.3 requires of every entry, whatever its kind. */
type Entry = Omit<FamilyMeta, 'kind'> & { readonly kind: string };

function parseEntry(text: string, offset: number, path: string | undefined): Entry {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    entryError(`not valid JSON (${(error as Error).message})`, offset, path);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) entryError('not a JSON object', offset, path);
  const object = parsed as Record<string, unknown>;
  const name = optionalString(object, 'name', offset, path);
  const kind = optionalString(object, 'kind', offset, path);
  if (name === undefined || name.length === 0) entryError('no name', offset, path);
  if (kind === undefined) entryError(`family ${JSON.stringify(name)} has no kind`, offset, path);
  const help = optionalString(object, 'help', offset, path);
  const unit = optionalString(object, 'unit', offset, path);
  const aggregate = optionalString(object, 'aggregate', offset, path);
  const labels = object.labels;
  if (labels !== undefined && (!Array.isArray(labels) || labels.some((label) => typeof label !== 'string'))) {
    entryError(`family ${JSON.stringify(name)}: labels must be an array of strings`, offset, path);
  }
  // Members added one by one, not spread in: a file has an entry per record, and spreading made
  // a throw-away object for each member of each.
  const entry: { -readonly [K in keyof Entry]: Entry[K] } = { name, kind };
  if (help !== undefined) entry.help = help;
  if (unit !== undefined && UNIT.test(unit)) entry.unit = unit;
  if (labels !== undefined) entry.labels = labels as string[];
  if (aggregate !== undefined && AGGREGATES.includes(aggregate as Aggregate)) entry.aggregate = aggregate as Aggregate;
  return entry;
}

/**
 * Reads the metadata block of a whole file, or returns undefined if it has none (SPEC.md §14.2,
 * §14.3). `trailer` is one read earlier, if the caller has it (SPEC.md §14.5: a reader of copies
 * reads the trailer first), null for none; when undefined it is taken from `bytes`. Throws `DecodeError` naming the
 * offset for anything malformed.
 */
export function decodeMetadata(bytes: Uint8Array, path?: string, trailer?: Trailer | null): FileMetadata | undefined {
  if (trailer === undefined) trailer = decodeTrailer(bytes, bytes.length, path);
  if (trailer === undefined || trailer === null) return undefined;
  const end = bytes.length - TRAILER_SIZE;
  const start = trailer.metadataStart;
  const text = entriesText(bytes, start, end);
  const known = text !== undefined ? recentBlocks.get(text) : undefined;
  if (known !== undefined) return { ...trailer, families: known };
  const families = new Map<string, FamilyMeta>();
  // Names of entries of kinds this reader does not know (rare): names are unique among all entries.
  let unknownKinds: Set<string> | undefined;
  let at = start;
  while (at < end) {
    if (end - at < 4) entryError(`${end - at} bytes left before the trailer, too few for an entry's length`, at, path);
    const length = u32At(bytes, at);
    if (length < 2 || length > end - at - 4) entryError(`length ${length} does not fit between ${at + 4} and the trailer at ${end}`, at, path);
    const json = text !== undefined ? text.slice(at + 4 - start, at + 4 + length - start) : decodeUtf8(bytes.subarray(at + 4, at + 4 + length));
    const entry = parseEntry(json, at, path);
    if (families.has(entry.name) || unknownKinds?.has(entry.name)) entryError(`family ${JSON.stringify(entry.name)} is described twice`, at, path);
    if (METRIC_KINDS.includes(entry.kind as MetricKind)) families.set(entry.name, entry as FamilyMeta);
    else (unknownKinds ??= new Set()).add(entry.name);
    at += 4 + length;
  }
  if (text !== undefined) keepBlock(text, families);
  return { ...trailer, families };
}

/**
 * The families of the last few metadata blocks decoded, by their text (`entriesText`). The
 * processes of one program describe the same families with the same bytes, so a reader of many
 * of their files (slurp, poll, web) decodes the block once and then only compares text. The
 * entries depend on those bytes alone, and every file with them shares the same (read-only) map
 * of frozen entries.
 */
const recentBlocks = new Map<string, ReadonlyMap<string, FamilyMeta>>();
const MOST_RECENT_BLOCKS = 4;
// A real block is a few hundred bytes per family; a huge one is decoded every time rather than held.
const MAX_KEPT_BLOCK_BYTES = 1 << 20;

function keepBlock(text: string, families: ReadonlyMap<string, FamilyMeta>): void {
  if (text.length > MAX_KEPT_BLOCK_BYTES) return;
  for (const meta of families.values()) {
    if (meta.labels !== undefined) Object.freeze(meta.labels);
    Object.freeze(meta);
  }
  if (recentBlocks.size >= MOST_RECENT_BLOCKS) recentBlocks.delete(recentBlocks.keys().next().value!);
  recentBlocks.set(text, families);
}

/**
 * The bytes `[start, end)` as one string whose characters are the bytes, when they are all ASCII
 * (as JSON written by our writers is): each entry's text is then a slice of it, one decoding per
 * file instead of one per entry. Undefined when some byte is not ASCII: such entries are decoded
 * one by one as UTF-8.
 */
function entriesText(bytes: Uint8Array, start: number, end: number): string | undefined {
  if (end <= start) return undefined;
  const text = bytesAsText(bytes.subarray(start, end));
  return NOT_ASCII.test(text) ? undefined : text;
}

const NOT_ASCII = /[^\x00-\x7f]/;

const utf8 = new TextEncoder();

/** The bytes of one metadata entry (length and JSON text) describing `meta` (SPEC.md §14.3). */
export function encodeFamilyMeta(meta: FamilyMeta): Uint8Array {
  const object: Record<string, unknown> = { name: meta.name, kind: meta.kind };
  if (meta.help !== undefined) object.help = meta.help;
  if (meta.unit !== undefined) object.unit = meta.unit;
  if (meta.labels !== undefined) object.labels = meta.labels;
  if (meta.aggregate !== undefined) object.aggregate = meta.aggregate;
  const text = utf8.encode(JSON.stringify(object));
  const entry = new Uint8Array(4 + text.length);
  new DataView(entry.buffer).setUint32(0, text.length, true);
  entry.set(text, 4);
  return entry;
}

/** Why `unit` cannot be a unit, or undefined if it can. */
export function unitProblem(unit: unknown): string | undefined {
  if (typeof unit !== 'string' || !UNIT.test(unit)) return `unit must be a lower-case word of a-z, 0-9 and _ (such as ${KNOWN_UNITS.join(', ')}), got ${JSON.stringify(unit)}`;
  return undefined;
}
