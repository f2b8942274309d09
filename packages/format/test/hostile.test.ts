// Readers open files written by other processes: any bytes at all. Every problem must surface as a
// DecodeError that says where it is, never as a RangeError, a hang or a huge message.
import { DecodeError, MmstatsError, decodeFile, encodeFile, readValue, toDataView, type RecordSpec } from '@mmstats/format';
import { expectDecodeError, mulberry32, rawFile, rawRecord, readFixture } from './util';

const PATH = 'run/app-1234.mmstats';

/**
 * Longest message any input may produce: a label and a signature are each shown as at most 40
 * characters, JSON-escaped (at most 6 characters each), plus fixed text and numbers.
 */
const MAX_MESSAGE = 700;

/** Bytes from a spaced hex string, to spell out small hostile files. */
function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

/** Decodes `bytes` expecting a DecodeError naming PATH, and checks what every such error promises. */
function decodeFails(bytes: Uint8Array): DecodeError {
  const error = expectDecodeError(() => decodeFile(bytes, { path: PATH }));
  expect(error).toBeInstanceOf(MmstatsError);
  expect(error.path).toBe(PATH);
  expect(error.message.startsWith(`${PATH}: `)).toBe(true);
  expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
  return error;
}

describe('the start of the file', () => {
  it('rejects an empty file', () => {
    const error = decodeFails(new Uint8Array(0));
    expect([error.offset, error.recordIndex]).toEqual([0, undefined]);
    expect(error.message).toBe(`${PATH}: at 0x0: empty file: not an mmstats file`);
  });

  it.each([
    [0x02, '0x02'],
    [0x00, '0x00'],
  ])('rejects version byte %d', (version, shown) => {
    const file = readFixture();
    file[0] = version;
    const error = decodeFails(file);
    expect([error.offset, error.recordIndex]).toEqual([0, undefined]);
    expect(error.reason).toBe(`unsupported version byte ${shown} (expected 0x01): not an mmstats v1 file`);
  });

  it('names no file when given no path', () => {
    const error = expectDecodeError(() => decodeFile(Uint8Array.of(2)));
    expect(error.path).toBeUndefined();
    expect(error.message).toBe('at 0x0: unsupported version byte 0x02 (expected 0x01): not an mmstats v1 file');
  });
});

describe('records that run past the end of the file', () => {
  it('rejects a label length pointing past the end', () => {
    const error = decodeFails(hex('01 1000 6162'));
    expect([error.offset, error.recordIndex]).toEqual([1, 0]);
    expect(error.reason).toBe('label length 16 runs past the end of the file (2 bytes left)');
  });

  it('rejects a 64 KiB label length in a one-page file', () => {
    const error = decodeFails(rawFile([hex('ffff')], { size: 4096 }));
    expect([error.offset, error.recordIndex]).toEqual([1, 0]);
    expect(error.reason).toBe('label length 65535 runs past the end of the file (4093 bytes left)');
  });

  it('reports the record index and offset of a bad record after good ones', () => {
    const file = readFixture();
    file.writeUInt16LE(0xffff, 0x5a); // where the end marker was
    const error = decodeFails(file);
    expect([error.offset, error.recordIndex]).toEqual([0x5a, 4]);
    expect(error.message).toMatch(/^run\/app-1234\.mmstats: record 4 at 0x5a: label length 65535 runs past/);
  });

  it('rejects a record cut off before its type signature length', () => {
    const error = decodeFails(hex('01 0200 6162 05'));
    expect([error.offset, error.recordIndex]).toEqual([5, 0]);
    expect(error.reason).toBe('record "ab" is cut off before its type signature length');
  });

  it('rejects a type signature length pointing past the end', () => {
    const error = decodeFails(hex('01 0200 6162 0500 51'));
    expect([error.offset, error.recordIndex]).toEqual([5, 0]);
    expect(error.reason).toBe('record "ab": type signature length 5 runs past the end of the file (1 bytes left)');
  });

  it('rejects a record cut off before its write-buffer byte', () => {
    const error = decodeFails(hex('01 0100 66 0100 51'));
    expect([error.offset, error.recordIndex]).toEqual([7, 0]);
    expect(error.reason).toBe('record "f" is cut off before its write-buffer byte');
  });

  it('rejects a buffered record truncated in its slots', () => {
    const error = decodeFails(rawFile([rawRecord({ label: 'f', signature: 'Q', writeIndex: 0, slots: Buffer.alloc(12) })]));
    expect([error.offset, error.recordIndex]).toEqual([8, 0]);
    expect(error.reason).toBe('record "f" is truncated: its two slots need 16 bytes, 12 left');
  });

  it('rejects an unbuffered record truncated in its slot', () => {
    const error = decodeFails(rawFile([rawRecord({ label: 'f', signature: '16s', writeIndex: 0xff, slots: Buffer.from('abc') })]));
    expect([error.offset, error.recordIndex]).toEqual([10, 0]);
    expect(error.reason).toBe('record "f" is truncated: its slot needs 16 bytes, 3 left');
  });

  it('accepts one trailing zero byte but rejects one trailing non-zero byte', () => {
    const file = readFixture().subarray(0, 0x5b); // the records, then one byte
    expect(decodeFile(file)).toHaveLength(4);
    file[0x5a] = 0x05;
    const error = decodeFails(file);
    expect([error.offset, error.recordIndex]).toEqual([0x5a, 4]);
    expect(error.reason).toBe('label length cut off by the end of the file (1 byte left)');
  });
});

describe('bad type signatures and write-buffer bytes', () => {
  const withSignature = (signature: string | Uint8Array, writeIndex = 0xff) =>
    rawFile([rawRecord({ label: 'f', signature, writeIndex, slots: Buffer.alloc(64) })], { size: 4096 });

  it.each(['x', '0s', '2I', 'Q\0', 'Q\x1c', '2147483648s'])('rejects unknown signature %j', (signature) => {
    const error = decodeFails(withSignature(signature));
    expect([error.offset, error.recordIndex]).toEqual([6, 0]);
    expect(error.reason).toBe(`record "f": unknown type signature ${JSON.stringify(signature)}`);
  });

  it.each([
    ['', 'no type code'],
    ['   ', 'no type code'],
    ['\t\n', 'no type code'],
    ['1 6s', 'whitespace is allowed only before and after the type code'],
    ['16 s', 'whitespace is allowed only before and after the type code'],
    ['Q Q', 'whitespace is allowed only before and after the type code'],
    ['<Q', 'no byte-order prefix: values are always little-endian'],
    ['< Q', 'no byte-order prefix: values are always little-endian'],
    [' <Q', 'no byte-order prefix: values are always little-endian'],
  ])('says why signature %j is unknown', (signature, why) => {
    const error = decodeFails(withSignature(signature));
    expect([error.offset, error.recordIndex]).toEqual([6, 0]);
    expect(error.reason).toBe(`record "f": unknown type signature ${JSON.stringify(signature)} (${why})`);
  });

  it('keeps the message short for a 1,000-character signature', () => {
    const error = decodeFails(withSignature('Q'.repeat(1000)));
    expect(error.offset).toBe(6);
    expect(error.message.length).toBeLessThan(200);
    expect(error.reason).toBe(`record "f": unknown type signature ${JSON.stringify('Q'.repeat(40))}… (1000 bytes)`);
  });

  it('treats the largest string size as known, then finds the record truncated', () => {
    const unbuffered = decodeFails(withSignature('2147483647s'));
    expect([unbuffered.offset, unbuffered.reason]).toEqual([18, 'record "f" is truncated: its slot needs 2147483647 bytes, 4078 left']);
    const buffered = decodeFails(withSignature('2147483647s', 0));
    expect(buffered.reason).toBe('record "f" is truncated: its two slots need 4294967294 bytes, 4078 left');
  });

  it('rejects write-buffer byte 0x07', () => {
    const error = decodeFails(withSignature('Q', 0x07));
    expect([error.offset, error.recordIndex]).toEqual([7, 0]);
    expect(error.reason).toBe('record "f": write-buffer byte is 0x07, expected 0x00, 0x01 or 0xff');
  });

  it('reports a bad signature in the second record at that signature', () => {
    const file = readFixture();
    file[0x23] = 0x78; // hits: 'Q' -> 'x'
    const error = decodeFails(file);
    expect([error.offset, error.recordIndex]).toEqual([0x23, 1]);
    expect(error.reason).toBe('record "hits": unknown type signature "x"');
  });

  it('quotes a hostile label in messages: escaped, and cut short', () => {
    const label = Buffer.alloc(60000, 0x41);
    label.write('\x1b[2J\n', 0, 'latin1');
    const error = decodeFails(rawFile([rawRecord({ label, signature: 'x', writeIndex: 0xff, slots: Buffer.alloc(8) })]));
    expect(error.message).not.toMatch(/[\x00-\x1f\x7f]/);
    expect(error.reason).toBe(`record ${JSON.stringify('\x1b[2J\n' + 'A'.repeat(35))}…: unknown type signature "x"`);
  });
});

describe('limits of the reader', () => {
  /** `count` records of 8 bytes each: label "a", signature "b", unbuffered, one slot. */
  const tinyRecords = (count: number) => rawFile(Array.from({ length: count }, () => hex('0100 61 0100 62 ff 00')));

  it('refuses more than 100,000 records by default, naming the record where it stopped', () => {
    expect(decodeFile(tinyRecords(100_000))).toHaveLength(100_000);
    const error = decodeFails(tinyRecords(100_001));
    expect([error.offset, error.recordIndex]).toEqual([1 + 100_000 * 8, 100_000]);
    expect(error.reason).toBe('more than 100000 records, the most this reader accepts');
  });

  it('takes another limit, or none, through maxRecords', () => {
    expect(() => decodeFile(tinyRecords(3), { maxRecords: 2 })).toThrow('record 2 at 0x11: more than 2 records, the most this reader accepts');
    expect(decodeFile(tinyRecords(100_001), { maxRecords: Infinity })).toHaveLength(100_001);
  });

  it('quotes DEL, C1 controls, line separators and bidi controls of a label as \\u escapes', () => {
    const label = 'a\u007f\u009b2J\u2028\u202e';
    const error = decodeFails(rawFile([rawRecord({ label, signature: 'x', writeIndex: 0xff, slots: Buffer.alloc(8) })]));
    expect(error.reason).toBe('record "a\\u007f\\u009b2J\\u2028\\u202e": unknown type signature "x"');
  });
});

// ---------------------------------------------------------------------------------------------
// Fuzzing: whatever the bytes, decodeFile returns records that lie inside them or throws DecodeError.

const FUZZ_SPECS: RecordSpec[] = [
  { label: 'load', signature: 'd', buffered: true, initial: 2.25 },
  { label: 'hits', signature: 'Q', buffered: true, initial: 5 },
  { label: 'name', signature: '16s', buffered: false, initial: 'hello' },
  { label: 'up', signature: '?', buffered: false, initial: true },
  { label: 'k'.repeat(256), signature: 'I', buffered: true, initial: 7 },
  { label: 'temp', signature: 'f', buffered: true, initial: 0.5 },
  { label: 'delta', signature: 'q', buffered: false, initial: -9 },
  { label: 'port', signature: 'H', buffered: false, initial: 8080 },
  { label: 'tiny', signature: 'b', buffered: true, initial: -1 },
  { label: 'text', signature: '255s', buffered: false, initial: 'Grüße' },
];

/** What is wrong with the outcome of decoding `bytes`, or undefined if it kept its promises. */
function problemWith(bytes: Uint8Array): { problem?: string; ok: boolean } {
  let records;
  try {
    records = decodeFile(bytes, { path: 'fuzz.mmstats' });
  } catch (error) {
    if (!(error instanceof DecodeError)) return { ok: false, problem: `threw ${String(error)}` };
    if (!(error.offset >= 0 && error.offset <= bytes.length)) return { ok: false, problem: `error offset ${error.offset} outside the bytes` };
    if (error.path !== 'fuzz.mmstats' || !error.message.startsWith('fuzz.mmstats: ')) return { ok: false, problem: 'error does not name the file' };
    if (error.message.length > MAX_MESSAGE) return { ok: false, problem: `message of ${error.message.length} characters` };
    return { ok: false };
  }
  const view = toDataView(bytes);
  let expectedOffset = 1;
  for (const [i, record] of records.entries()) {
    const l = record.layout;
    const slotsEnd = l.slotOffsets[1] + l.type.size;
    if (l.index !== i || l.offset !== expectedOffset) return { ok: true, problem: `record ${i} at ${l.offset}, expected ${expectedOffset}` };
    if (!(l.labelOffset + l.labelLength < l.writeIndexOffset && l.writeIndexOffset < l.slotOffsets[0])) {
      return { ok: true, problem: `record ${i}: parts out of order` };
    }
    if (slotsEnd !== l.end || l.end > bytes.length) return { ok: true, problem: `record ${i} ends at ${l.end}, beyond ${bytes.length}` };
    if (![0, 1, 0xff].includes(record.writeIndex)) return { ok: true, problem: `record ${i}: write index ${record.writeIndex}` };
    if (!Object.is(readValue(view, l), record.value)) return { ok: true, problem: `record ${i}: readValue disagrees with decodeFile` };
    expectedOffset = l.end;
  }
  return { ok: true };
}

describe('fuzzing', () => {
  const { bytes: valid, plan } = encodeFile(FUZZ_SPECS);
  const contentSize = plan.contentSize;

  it('decodes the valid file used below', () => {
    expect(decodeFile(valid).map((r) => r.label)).toEqual(FUZZ_SPECS.map((s) => s.label));
  });

  it('handles the valid file truncated at every length', () => {
    const problems: string[] = [];
    const decodedShort: number[] = [];
    for (let length = 0; length <= valid.length; length++) {
      const outcome = problemWith(valid.subarray(0, length));
      if (outcome.problem) problems.push(`length ${length}: ${outcome.problem}`);
      if (outcome.ok !== length >= contentSize && length >= contentSize) problems.push(`length ${length}: rejected after the records`);
      if (outcome.ok && length < contentSize) decodedShort.push(length);
    }
    expect(problems).toEqual([]);
    // Cut short, the file decodes only when the cut falls between records, or leaves a lone zero
    // byte (the first byte of the 256-byte label's length, 00 01) that reads as the end marker.
    const longLabel = plan.records.find((r) => r.labelLength === 256)!;
    const between = [1, ...plan.records.map((r) => r.end).filter((end) => end < contentSize)];
    expect(decodedShort).toEqual([...between, longLabel.offset + 1].sort((a, b) => a - b));
  });

  it('handles 20,000 random, mutated and truncated inputs (seeded, reproducible)', () => {
    const random = mulberry32(0x6d6d7374);
    const int = (n: number) => Math.floor(random() * n);
    const pick = <T>(items: readonly T[]): T => items[int(items.length)];
    const signatures = ['Q', 'd', '16s', '?', 'b', 'H', '1s', 'x', '0s', '2147483647s', '99999999999s', ''];

    function randomBytes(): Uint8Array {
      const bytes = new Uint8Array(int(300));
      for (let k = 0; k < bytes.length; k++) bytes[k] = int(256);
      if (bytes.length > 0 && random() < 0.9) bytes[0] = 1;
      return bytes;
    }

    function mutated(): Uint8Array {
      const bytes = valid.slice();
      const count = 1 + (random() < 0.2 ? int(3) : 0);
      for (let k = 0; k < count; k++) bytes[int(contentSize + 4)] = int(256);
      return random() < 0.3 ? bytes.subarray(0, int(contentSize + 8)) : bytes;
    }

    // Records assembled from plausible and implausible pieces, to reach every check.
    function assembled(): Uint8Array {
      const parts: Buffer[] = [];
      for (let n = int(4); n >= 0; n--) {
        const label = Buffer.from(Array.from({ length: int(6) }, () => int(256)));
        const signature = random() < 0.9 ? pick(signatures) : 'Q'.repeat(int(80));
        parts.push(
          rawRecord({
            label,
            labelLength: random() < 0.1 ? int(0x10000) : undefined,
            signature,
            signatureLength: random() < 0.1 ? int(0x10000) : undefined,
            writeIndex: pick([0, 1, 0xff, 0xff, int(256)]),
            slots: Buffer.alloc(int(40), int(256)),
          }),
        );
      }
      const file = rawFile(parts);
      return file.subarray(0, random() < 0.5 ? file.length : int(file.length + 1));
    }

    const problems: string[] = [];
    const outcomes = { decoded: 0, rejected: 0 };
    for (let i = 0; i < 20000; i++) {
      const bytes = i % 3 === 0 ? randomBytes() : i % 3 === 1 ? mutated() : assembled();
      const outcome = problemWith(bytes);
      if (outcome.problem && problems.length < 10) problems.push(`input ${i} (${Buffer.from(bytes).toString('hex').slice(0, 120)}): ${outcome.problem}`);
      outcomes[outcome.ok ? 'decoded' : 'rejected']++;
    }
    expect(problems).toEqual([]);
    // The inputs reach both outcomes often, so the checks above are exercised.
    expect(outcomes.decoded).toBeGreaterThan(1000);
    expect(outcomes.rejected).toBeGreaterThan(1000);
  });
});
