// The conformance vectors (conformance/README.md): the committed files are what the generator
// writes, and every reader we have (the codec, the stable read protocol of our tools, the Python
// reader written from SPEC.md alone) produces exactly the JSON paired with each file.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DecodeError, decodeFile, decodeMetadata, histogramsOf, meaningsOf, readStableFile, type DecodedRecord, type FamilyMeta, type FileMetadata, type RecordLayout } from '@mmstats/format';
import { parseExact, type ExactJson } from './exact-json';
import { FIXTURE_PATH } from './util';

interface Vector {
  name: string;
  description: string;
  bytes: Uint8Array;
  expected: unknown;
}
interface Generator {
  buildVectors(): Vector[];
  expectedText(vector: Vector): string;
}

const CONFORMANCE = path.join(__dirname, '..', 'conformance');
const VECTORS = path.join(CONFORMANCE, 'vectors');
const SPEC_DECODER = path.join(__dirname, 'spec_decoder.py');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require(path.join(CONFORMANCE, 'generate.js')) as Generator;
const vectors = generator.buildVectors();
const names = vectors.map((v) => v.name);

/** What the paired `.json` file says a reader must produce, without its description. */
function expectedOf(name: string): ExactJson {
  const { description: _description, ...expected } = parseExact(fs.readFileSync(path.join(VECTORS, `${name}.json`), 'utf8')) as Record<string, ExactJson>;
  return expected;
}

/** A value as the vectors' JSON holds it: integers exact, non-finite floats as strings. */
function jsonValue(value: unknown): ExactJson {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return Number.isInteger(value) ? BigInt(value) : value;
  }
  return value as ExactJson;
}

function familyJson({ name: _name, ...family }: FamilyMeta): ExactJson {
  return family as unknown as ExactJson;
}

/** The outcome README.md defines, from what @mmstats/format decoded. */
function outcome(records: readonly DecodedRecord[], layout: readonly RecordLayout[], metadata: FileMetadata | undefined): ExactJson {
  const meanings = meaningsOf(layout, metadata);
  const { series } = histogramsOf(layout, metadata, records);
  return {
    histograms: series.map(({ family, labels, bounds, buckets, count, sum }) => ({
      family,
      labels: { ...labels },
      bounds: bounds.map(jsonValue),
      buckets: buckets.map(jsonValue),
      count: jsonValue(count),
      sum: jsonValue(sum),
    })),
    metadata:
      metadata === undefined
        ? null
        : {
            records_end: BigInt(metadata.recordsEnd),
            metadata_start: BigInt(metadata.metadataStart),
            families: Object.fromEntries([...metadata.families.values()].map((family) => [family.name, familyJson(family)])),
          },
    records: records.map((record, i) => ({
      label: record.label,
      type: record.signature,
      buffered: record.layout.buffered,
      write_index: BigInt(record.writeIndex),
      value: jsonValue(record.value),
      family: meanings[i].kind === undefined ? null : meanings[i].family,
      kind: meanings[i].kind ?? null,
      labels: { ...meanings[i].labels },
    })),
  };
}

// The error kinds of README.md, told apart by each DecodeError's reason. The quoted label that
// starts many reasons is taken off first, so a label's text cannot be mistaken for a reason.
const KINDS: ReadonlyArray<[RegExp, string]> = [
  [/^(empty file|unsupported version byte)/, 'not_v1'],
  [/^metadata trailer is inconsistent/, 'bad_trailer'],
  [/^: unknown type signature/, 'bad_signature'],
  [/^: write-buffer byte is/, 'bad_write_index'],
  [/^ runs past the records end/, 'past_records_end'],
  [/^( is cut off| is truncated|: type signature length \d+ runs past the end of the file|label length)/, 'truncated'],
  [/^metadata entry: (length \d+ does not fit|\d+ bytes left before the trailer)/, 'entry_length'],
  [/^metadata entry: not valid JSON/, 'entry_json'],
  [/^metadata entry: family "(?:[^"\\]|\\.)*" is described twice$/, 'duplicate_family'],
  [/^metadata entry: (not a JSON object|no name|family "(?:[^"\\]|\\.)*"( has no kind|: labels must be)|member \w+ must be a string)/, 'bad_entry'],
  [/^series label /, 'bad_series_label'],
  [/^histogram: /, 'bad_histogram'],
];

function errorKind(error: DecodeError): string {
  const reason = error.reason.replace(/^record "(?:[^"\\]|\\.)*"…?/, '');
  const found = KINDS.find(([pattern]) => pattern.test(reason));
  if (found === undefined) throw new Error(`no error kind for ${JSON.stringify(error.reason)}`);
  return found[1];
}

function orError(read: () => ExactJson): ExactJson {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    return { error: { offset: BigInt(error.offset), kind: errorKind(error) } };
  }
}

/** The codec on a snapshot: decodeFile (version, trailer, records), decodeMetadata (entries), meaningsOf (series labels). */
function decodedBySnapshot(bytes: Uint8Array): ExactJson {
  return orError(() => {
    const records = decodeFile(bytes);
    const metadata = decodeMetadata(bytes);
    return outcome(
      records,
      records.map((r) => r.layout),
      metadata,
    );
  });
}

/** The read path of our tools: the trailer, then copies of the file, values confirmed by two copies. */
function decodedByStableRead(bytes: Uint8Array): ExactJson {
  return orError(() => {
    const read = readStableFile((offset, length) => bytes.slice(offset, offset + length), bytes.length);
    expect(read.unstable).toEqual([]);
    return outcome(read.records, read.layout, read.metadata);
  });
}

describe('the conformance vectors', () => {
  it('are the files the generator writes, and nothing else', () => {
    const committed = fs.readdirSync(VECTORS).sort();
    expect(committed).toEqual(names.flatMap((name) => [`${name}.json`, `${name}.mmstats`]).sort());
    for (const vector of vectors) {
      expect([vector.name, Buffer.from(fs.readFileSync(path.join(VECTORS, `${vector.name}.mmstats`))).equals(Buffer.from(vector.bytes))]).toEqual([vector.name, true]);
      expect(fs.readFileSync(path.join(VECTORS, `${vector.name}.json`), 'utf8')).toBe(generator.expectedText(vector));
    }
  });

  it('include the file of the original mmstats 0.8.0 byte for byte', () => {
    expect(fs.readFileSync(path.join(VECTORS, 'basic-original.mmstats')).equals(fs.readFileSync(FIXTURE_PATH))).toBe(true);
  });

  it('cover every error kind of the README, and files that read', () => {
    const kinds = new Set(names.map((name) => (expectedOf(name) as { error?: { kind: string } }).error?.kind ?? 'none'));
    const readme = fs.readFileSync(path.join(CONFORMANCE, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Error kinds'), readme.indexOf('\n## ', readme.indexOf('## Error kinds') + 1));
    const documented = [...section.matchAll(/^\| `([a-z_0-9]+)` \|/gm)].map((m) => m[1]);
    expect([...kinds].sort()).toEqual(['none', ...documented].sort());
  });

  it.each(names)('%s: the codec produces the paired JSON', (name) => {
    expect(decodedBySnapshot(fs.readFileSync(path.join(VECTORS, `${name}.mmstats`)))).toEqual(expectedOf(name));
  });

  it.each(names)('%s: the stable read of our tools produces the paired JSON', (name) => {
    expect(decodedByStableRead(fs.readFileSync(path.join(VECTORS, `${name}.mmstats`)))).toEqual(expectedOf(name));
  });

  it('every vector: the Python reader written from SPEC.md alone produces the paired JSON', () => {
    const files = names.map((name) => path.join(VECTORS, `${name}.mmstats`));
    const out = parseExact(execFileSync('python3', [SPEC_DECODER, '--outcome', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 })) as {
      files: Array<Record<string, ExactJson>>;
    };
    const byName = Object.fromEntries(out.files.map(({ file, ...result }) => [path.basename(file as string, '.mmstats'), result]));
    expect(byName).toEqual(Object.fromEntries(names.map((name) => [name, expectedOf(name)])));
  });
});
