// The metadata block and records added at run time (SPEC.md §14). Expected trailer and entry bytes
// are built with Buffer methods, not with the codec.
import {
  DecodeError,
  EncodeError,
  TRAILER_SIZE,
  appendFamily,
  appendRecord,
  decodeFile,
  decodeLayout,
  decodeMetadata,
  decodeTrailer,
  encodeFile,
  meaningOf,
  readStableFile,
  reserveLeft,
  seriesLabel,
  type FamilyMeta,
  type RecordSpec,
} from '@mmstats/format';
import { FIXTURE_SPECS, readFixture } from './util';

const SPECS: RecordSpec[] = [
  { label: 'hits', signature: 'Q', buffered: true },
  { label: 'sys.pid', signature: 'I', buffered: false, initial: 42 },
];
const FAMILIES: FamilyMeta[] = [
  { name: 'hits', kind: 'counter', help: 'Requests answered' },
  { name: 'sys.pid', kind: 'constant' },
  { name: 'http.requests', kind: 'counter', labels: ['route', 'status'], help: 'By route' },
];

/** The records as a reader following only §3–§6 and §13 sees them: it stops at the first zero label length. */
function originalWalk(bytes: Uint8Array): string[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const labels: string[] = [];
  let pos = 1;
  for (;;) {
    const labelLength = buffer.readUInt16LE(pos);
    if (labelLength === 0) return labels;
    labels.push(buffer.toString('utf8', pos + 2, pos + 2 + labelLength));
    const signatureLength = buffer.readUInt16LE(pos + 2 + labelLength);
    const signature = buffer.toString('latin1', pos + 4 + labelLength, pos + 4 + labelLength + signatureLength);
    const size = signature.endsWith('s') ? Number(signature.slice(0, -1)) : { Q: 8, I: 4, d: 8 }[signature]!;
    const writeIndex = buffer[pos + 4 + labelLength + signatureLength];
    pos += 5 + labelLength + signatureLength + size * (writeIndex === 0xff ? 1 : 2);
  }
}

function withMetadata(reserve = 0) {
  return encodeFile(SPECS, { metadata: FAMILIES, reserve }).bytes;
}

describe('a file with metadata', () => {
  it('ends with a trailer giving the records end, the metadata start and the magic', () => {
    const { bytes, plan } = encodeFile(SPECS, { metadata: FAMILIES, reserve: 100 });
    const file = Buffer.from(bytes);
    const base = file.length - TRAILER_SIZE;
    expect(file.length % 4096).toBe(0);
    expect(file.readUInt32LE(base)).toBe(plan.contentSize);
    expect(file.readUInt32LE(base + 4)).toBe(plan.metadataStart);
    expect(file.subarray(base + 12).toString('latin1')).toBe('mmx1');
    // The entries: a u32 length and JSON text each, filling the block up to the trailer.
    let at = plan.metadataStart!;
    const names: string[] = [];
    while (at < base) {
      const length = file.readUInt32LE(at);
      names.push(JSON.parse(file.toString('utf8', at + 4, at + 4 + length)).name);
      at += 4 + length;
    }
    expect(at).toBe(base);
    expect(names).toEqual(['hits', 'sys.pid', 'http.requests']);
    expect(plan.metadataStart! - plan.contentSize).toBeGreaterThanOrEqual(2 + 100);
  });

  it('decodes its families, and its records as a file without metadata would', () => {
    const bytes = withMetadata();
    expect(decodeFile(bytes).map((r) => [r.label, r.value])).toEqual([
      ['hits', 0],
      ['sys.pid', 42],
    ]);
    const metadata = decodeMetadata(bytes)!;
    expect([...metadata.families.values()]).toEqual(FAMILIES);
  });

  it('decodes the block of a file once for every file with the same bytes there, however far apart they lie', () => {
    // The processes of one program: the same families, their blocks at other offsets (other records).
    const one = encodeFile(SPECS, { metadata: FAMILIES }).bytes;
    const other = encodeFile([...SPECS, { label: 'more', signature: 'd', buffered: true }], { metadata: FAMILIES, pageSize: 8192 }).bytes;
    const first = decodeMetadata(one)!;
    const second = decodeMetadata(other)!;
    expect(second.metadataStart).not.toBe(first.metadataStart);
    expect(second.families).toBe(first.families);
    // Shared between files, so no reader may change them.
    expect(Object.isFrozen(first.families.get('http.requests'))).toBe(true);
    expect(Object.isFrozen(first.families.get('http.requests')!.labels)).toBe(true);
    // One byte different: decoded on its own.
    const changed = encodeFile(SPECS, { metadata: [{ ...FAMILIES[0], help: 'Requests answerec' }, ...FAMILIES.slice(1)] }).bytes;
    expect(decodeMetadata(changed)!.families.get('hits')!.help).toBe('Requests answerec');
    expect(decodeMetadata(one)!.families.get('hits')!.help).toBe('Requests answered');
  });

  it('reads as plain v1 for a reader that knows nothing of metadata', () => {
    expect(originalWalk(withMetadata())).toEqual(['hits', 'sys.pid']);
  });

  it('is not written unless asked for: the original model still gives the original bytes', () => {
    const { bytes } = encodeFile(FIXTURE_SPECS);
    expect(decodeTrailer(bytes)).toBeUndefined();
    expect(decodeTrailer(readFixture())).toBeUndefined();
    expect(() => encodeFile(FIXTURE_SPECS, { reserve: 10 })).toThrow(EncodeError);
  });

  it('refuses two entries for one family', () => {
    expect(() => encodeFile(SPECS, { metadata: [FAMILIES[0], FAMILIES[0]] })).toThrow(/described twice/);
  });
});

describe('adding to a live file', () => {
  it('adds a record after the last one, visible to every reader, the original walk included', () => {
    const bytes = withMetadata(1000);
    const label = seriesLabel('http.requests', ['route', 'status'], ['/a', '2xx']);
    const record = appendRecord(bytes, { label, signature: 'Q', buffered: true }, 2)!;
    expect(record.index).toBe(2);
    expect(originalWalk(bytes)).toEqual(['hits', 'sys.pid', label]);
    expect(decodeLayout(bytes).map((r) => r.label)).toEqual(['hits', 'sys.pid', label]);
    expect(decodeTrailer(bytes)!.recordsEnd).toBe(record.end);
    expect(meaningOf(record, decodeMetadata(bytes))).toMatchObject({ family: 'http.requests', kind: 'counter', labels: { route: '/a', status: '2xx' } });
  });

  it('adds a family below the others', () => {
    const bytes = withMetadata(1000);
    const before = reserveLeft(bytes);
    expect(appendFamily(bytes, { name: 'jobs', kind: 'gauge', unit: 'seconds', aggregate: 'max' })).toBe(true);
    expect(decodeMetadata(bytes)!.families.get('jobs')).toEqual({ name: 'jobs', kind: 'gauge', unit: 'seconds', aggregate: 'max' });
    expect(reserveLeft(bytes)).toBeLessThan(before);
  });

  it('adds nothing when the reserve is full, and keeps what it was told to keep free', () => {
    const bytes = withMetadata(0);
    const spec = (i: number): RecordSpec => ({ label: `r${i}`, signature: 'Q', buffered: true });
    let added = 0;
    while (appendRecord(bytes, spec(added), 2 + added, 64) !== undefined) added++;
    expect(added).toBeGreaterThan(10);
    expect(reserveLeft(bytes)).toBeGreaterThanOrEqual(64);
    expect(decodeLayout(bytes)).toHaveLength(2 + added);
    expect(appendFamily(bytes, { name: 'x'.repeat(200), kind: 'gauge' }, 64)).toBe(false);
  });

  it('refuses a label longer than 255 bytes: its length could not be published in one store', () => {
    const bytes = withMetadata(1000);
    expect(() => appendRecord(bytes, { label: 'x'.repeat(256), signature: 'Q', buffered: true }, 2)).toThrow(/at most 255/);
    expect(appendRecord(bytes, { label: 'x'.repeat(255), signature: 'Q', buffered: true }, 2)).toBeDefined();
  });

  it('refuses a file without metadata', () => {
    const { bytes } = encodeFile(SPECS);
    expect(() => appendRecord(bytes, { label: 'x', signature: 'Q', buffered: true }, 2)).toThrow(/no metadata block/);
  });

  it('stops a reader at the records end of a trailer read before the copy', () => {
    const bytes = withMetadata(1000);
    const trailer = decodeTrailer(bytes)!;
    appendRecord(bytes, { label: 'later', signature: 'Q', buffered: true }, 2);
    expect(decodeLayout(bytes, { trailer }).map((r) => r.label)).toEqual(['hits', 'sys.pid']);
  });

  it('is read by the stable protocol with its metadata', () => {
    const bytes = withMetadata(1000);
    appendRecord(bytes, { label: 'http.requests{route="/",status="2xx"}', signature: 'Q', buffered: true }, 2);
    const read = readStableFile((offset, length) => bytes.slice(offset, offset + length), bytes.length);
    expect(read.layout).toHaveLength(3);
    expect(read.metadata!.families.size).toBe(3);
  });
});

describe('hostile metadata', () => {
  function patched(edit: (file: Buffer, base: number, metadataStart: number) => void): Buffer {
    const file = Buffer.from(withMetadata(100));
    const base = file.length - TRAILER_SIZE;
    edit(file, base, file.readUInt32LE(base + 4));
    return file;
  }

  it.each([
    ['a records end of 0', (f: Buffer, base: number) => f.writeUInt32LE(0, base)],
    ['a metadata start inside the records', (f: Buffer, base: number) => f.writeUInt32LE(10, base + 4)],
    ['a metadata start past the trailer', (f: Buffer, base: number) => f.writeUInt32LE(base + 1, base + 4)],
  ])('reports %s at the trailer', (_name, edit) => {
    const file = patched(edit);
    let error: unknown;
    try {
      decodeMetadata(file, 'x.mmstats');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).offset).toBe(file.length - TRAILER_SIZE);
    expect((error as DecodeError).message).toMatch(/^x\.mmstats: .*metadata trailer is inconsistent/);
  });

  it.each([
    ['an entry length past the trailer', (f: Buffer, _b: number, m: number) => f.writeUInt32LE(1 << 30, m), /does not fit/],
    ['an entry that is not JSON', (f: Buffer, _b: number, m: number) => f.write('}', m + 4), /not valid JSON/],
    ['an entry that is not an object', (f: Buffer, _b: number, m: number) => f.write('[', m + 4), /not valid JSON|not a JSON object/],
  ])('reports %s at the entry', (_name, edit, message) => {
    const file = patched(edit);
    expect(() => decodeMetadata(file)).toThrow(message);
  });

  it('reports a record that runs past the records end', () => {
    const file = Buffer.from(withMetadata(100));
    file.writeUInt32LE(5, file.length - TRAILER_SIZE); // inside the first record
    expect(() => decodeLayout(file)).toThrow(/runs past the records end 5/);
  });

  it('ignores a family of an unknown kind and members it does not know', () => {
    const { bytes } = encodeFile(SPECS, { metadata: [FAMILIES[0]] });
    const file = Buffer.from(bytes);
    const start = file.readUInt32LE(file.length - TRAILER_SIZE + 4);
    const text = JSON.stringify({ name: 'hits', kind: 'summary', colour: 'red' }).padEnd(file.readUInt32LE(start), ' ');
    file.write(text, start + 4);
    expect(decodeMetadata(file)!.families.size).toBe(0);
    expect(meaningOf(decodeLayout(file)[0], decodeMetadata(file)).kind).toBeUndefined();
  });

  it('reports an entry of an unknown kind that repeats the name of another entry', () => {
    const bytes = withMetadata(1000);
    const start = Buffer.from(bytes).readUInt32LE(bytes.length - TRAILER_SIZE + 4);
    const text = Buffer.from(JSON.stringify({ name: 'hits', kind: 'summary' }));
    const entry = Buffer.concat([Buffer.alloc(4), text]);
    entry.writeUInt32LE(text.length, 0);
    const file = Buffer.from(bytes);
    entry.copy(file, start - entry.length);
    file.writeUInt32LE(start - entry.length, file.length - TRAILER_SIZE + 4);
    // Walking up from M, the repeated name is met at the first entry of the original block.
    expect(() => decodeMetadata(file, 'f.mmstats')).toThrow(`f.mmstats: at 0x${start.toString(16)}: metadata entry: family "hits" is described twice`);
  });

  it('reports a series label of a known family that does not parse, naming the record', () => {
    const bytes = withMetadata(1000);
    const record = appendRecord(bytes, { label: 'http.requests{route=/a}', signature: 'Q', buffered: true }, 2)!;
    expect(() => meaningOf(record, decodeMetadata(bytes), 'f.mmstats')).toThrow(/^f\.mmstats: record 2 at .*expected " to open the value/);
  });
});
