import {
  DecodeError,
  MmstatsError,
  UNBUFFERED,
  checkVersion,
  decodeFile,
  decodeLayout,
  layoutRecords,
  parseTypeSignature,
  readSlot,
  readValue,
  toDataView,
} from '@mmstats/format';
import { FIXTURE_PATH, FIXTURE_SPECS, expectDecodeError, le, rawFile, rawRecord, readFixture, stringBytes } from './util';

describe('decodeFile on the file written by the original mmstats', () => {
  it('gives every record with its value, write index and slots', () => {
    const records = decodeFile(readFixture());
    expect(records.map(({ label, signature, writeIndex, slots, value }) => ({ label, signature, writeIndex, slots, value }))).toEqual([
      { label: 'load', signature: 'd', writeIndex: 0, slots: [0.5, 2.25], value: 2.25 },
      { label: 'hits', signature: 'Q', writeIndex: 1, slots: [5, 2], value: 5 },
      { label: 'name', signature: '16s', writeIndex: 0xff, slots: ['hi'], value: 'hi' },
      { label: 'up', signature: '?', writeIndex: 0xff, slots: [true], value: true },
    ]);
  });

  it('finds each record where the original put it', () => {
    const layouts = decodeFile(readFixture()).map((r) => r.layout);
    expect(layouts.map((l) => [l.index, l.offset, l.writeIndexOffset, l.slotOffsets, l.end, l.buffered])).toEqual([
      [0, 0x01, 0x0a, [0x0b, 0x13], 0x1b, true],
      [1, 0x1b, 0x24, [0x25, 0x2d], 0x35, true],
      [2, 0x35, 0x40, [0x41, 0x41], 0x51, false],
      [3, 0x51, 0x58, [0x59, 0x59], 0x5a, false],
    ]);
  });

  it('agrees with the layout a writer plans for the same fields', () => {
    expect(decodeLayout(readFixture())).toEqual(layoutRecords(FIXTURE_SPECS).records);
  });

  it('leaves the stale bytes after the NUL in the file but out of the value', () => {
    const file = readFixture();
    const [, , name] = decodeFile(file);
    const slot = file.subarray(name.layout.slotOffsets[0], name.layout.slotOffsets[0] + 16);
    expect(slot.toString('latin1')).toBe('hi\0lo world\0\0\0\0\0');
    expect(name.value).toBe('hi');
  });

  it('stops at the zero label length and ignores whatever follows it', () => {
    const file = readFixture();
    file.fill(0x5a, 0x100, 0x200); // garbage after the end marker at 0x5a
    expect(decodeFile(file).map((r) => r.label)).toEqual(['load', 'hits', 'name', 'up']);
  });

  it('decodes bytes that start part-way into a larger buffer (such as a pooled Buffer)', () => {
    const fixture = readFixture();
    const backing = Buffer.alloc(fixture.length + 37, 0xa5);
    fixture.copy(backing, 37);
    const bytes = backing.subarray(37);
    expect(bytes.byteOffset).toBe(37);
    expect(decodeFile(bytes).map((r) => r.value)).toEqual([2.25, 5, 'hi', true]);
  });

  it('decodes a file that is only a version byte, or a version byte and an end marker', () => {
    expect(decodeFile(Uint8Array.of(1))).toEqual([]);
    expect(decodeFile(Uint8Array.of(1, 0))).toEqual([]);
    expect(decodeFile(Uint8Array.of(1, 0, 0))).toEqual([]);
  });
});

describe('readValue on a file another process keeps writing', () => {
  function live() {
    const file = readFixture();
    const [load, hits, name, up] = decodeLayout(file, { path: FIXTURE_PATH });
    return { file, view: toDataView(file), load, hits, name, up };
  }

  it('reads the slot the writer is not writing: flipping the write index switches slots', () => {
    const { file, view, load } = live();
    expect(readValue(view, load)).toBe(2.25);
    file[load.writeIndexOffset] = 1;
    expect(readValue(view, load)).toBe(0.5);
    file[load.writeIndexOffset] = 0;
    expect(readValue(view, load)).toBe(2.25);
  });

  it('sees a new value only once the writer flips the write index', () => {
    const { file, view, hits } = live();
    expect(readValue(view, hits)).toBe(5);
    const wb = file[hits.writeIndexOffset];
    file.writeBigUInt64LE(6n, hits.slotOffsets[wb]);
    expect(readValue(view, hits)).toBe(5);
    file[hits.writeIndexOffset] = wb ^ 1;
    expect(readValue(view, hits)).toBe(6);
  });

  it('reads unbuffered records in place', () => {
    const { file, view, name, up } = live();
    file.write('hey\0', name.slotOffsets[0], 'latin1');
    file[up.slotOffsets[0]] = 0;
    expect(readValue(view, name)).toBe('hey');
    expect(readValue(view, up)).toBe(false);
    expect(file[up.writeIndexOffset]).toBe(UNBUFFERED);
  });

  it('throws a DecodeError when a buffered record’s write index becomes 2', () => {
    const { file, view, load } = live();
    file[load.writeIndexOffset] = 2;
    const error = expectDecodeError(() => readValue(view, load, { path: 'stats/app.mmstats' }));
    expect(error).toBeInstanceOf(MmstatsError);
    expect(error.offset).toBe(0x0a);
    expect(error.recordIndex).toBe(0);
    expect(error.path).toBe('stats/app.mmstats');
    expect(error.message).toBe('stats/app.mmstats: record 0 at 0xa: record "load": write-buffer byte is 0x02, expected 0x00 or 0x01');
  });
});

describe('DecodeError', () => {
  function errorWithoutPath(): DecodeError {
    return expectDecodeError(() => decodeFile(Uint8Array.of(1, 5, 0, 0x61)));
  }

  it('names the record and offset of the problem', () => {
    const error = errorWithoutPath();
    expect(error.name).toBe('DecodeError');
    expect(error.path).toBeUndefined();
    expect(error.message).toBe(`record 0 at 0x1: ${error.reason}`);
  });

  it('withPath gives the same error naming the file', () => {
    const error = errorWithoutPath();
    const named = error.withPath('/var/run/app/stats.mmstats');
    expect(named).toBeInstanceOf(DecodeError);
    expect(named.path).toBe('/var/run/app/stats.mmstats');
    expect(named.message).toBe(`/var/run/app/stats.mmstats: record 0 at 0x1: ${error.reason}`);
    expect([named.offset, named.recordIndex, named.reason]).toEqual([error.offset, error.recordIndex, error.reason]);
    expect(named.cause).toBe(error);
    expect(named.withPath('/var/run/app/stats.mmstats')).toBe(named);
  });
});

describe('64-bit integers', () => {
  test('are numbers exactly while safe, bigints beyond, the same for both signs', () => {
    const view = new DataView(new ArrayBuffer(8));
    const q = parseTypeSignature('q')!;
    const Q = parseTypeSignature('Q')!;
    view.setBigInt64(0, -(2n ** 53n) + 1n, true);
    expect(readSlot(view, 0, q)).toBe(-(2 ** 53) + 1);
    view.setBigInt64(0, -(2n ** 53n), true);
    expect(readSlot(view, 0, q)).toBe(-(2n ** 53n));
    view.setBigUint64(0, 2n ** 53n, true);
    expect(readSlot(view, 0, Q)).toBe(2n ** 53n);
  });
});

test('readValue on bytes shorter than the layout (the file shrank) is a DecodeError, not a RangeError', () => {
  const bytes = new Uint8Array(readFixture());
  const [, hits] = decodeLayout(bytes);
  const shrunk = toDataView(bytes.subarray(0, hits.end - 1));
  expect(() => readValue(shrunk, hits, { path: 'shrinking.mmstats' })).toThrow(DecodeError);
  expect(() => readValue(shrunk, hits, { path: 'shrinking.mmstats' })).toThrow(/shrinking\.mmstats: record 1 at 0x1b: .*the file shrank/);
});

describe('signatures padded with whitespace (SPEC.md §4.5)', () => {
  const u64 = (n: bigint) => le(8, (b) => b.writeBigUInt64LE(n));
  const f64 = (x: number) => le(8, (b) => b.writeDoubleLE(x));

  it('reads a type code with whitespace before or after it as that code, as Python struct does', () => {
    const file = rawFile(
      [
        rawRecord({ label: 'trailing', signature: 'Q   ', writeIndex: 1, slots: Buffer.concat([u64(7n), u64(6n)]) }),
        rawRecord({ label: 'leading', signature: '       d', writeIndex: 0, slots: Buffer.concat([f64(1.5), f64(-2.25)]) }),
        rawRecord({ label: 'both', signature: ' \tI\n\r', writeIndex: UNBUFFERED, slots: le(4, (b) => b.writeUInt32LE(4000000000)) }),
        rawRecord({ label: 'text', signature: '  16s ', writeIndex: UNBUFFERED, slots: stringBytes(16, 'padded') }),
        rawRecord({ label: 'flag', signature: '\x0b?\x0c', writeIndex: UNBUFFERED, slots: Buffer.from([1]) }),
        rawRecord({ label: 'bare', signature: 'h', writeIndex: UNBUFFERED, slots: le(2, (b) => b.writeInt16LE(-3)) }),
      ],
      { size: 4096 },
    );
    const records = decodeFile(file);
    expect(records.map(({ label, signature, value }) => [label, signature, value])).toEqual([
      ['trailing', 'Q', 7],
      ['leading', 'd', -2.25],
      ['both', 'I', 4000000000],
      ['text', '16s', 'padded'],
      ['flag', '?', true],
      ['bare', 'h', -3],
    ]);
    // The padding belongs to the signature: the write-buffer byte comes right after it.
    expect(records[0].layout.writeIndexOffset).toBe(1 + 2 + 8 + 2 + 4);
    expect(records[0].layout.signatureLength).toBe(4);
  });

  it('accepts any amount of padding: the signature length bounds it', () => {
    const padded = ' '.repeat(3000) + 'q' + '\t'.repeat(3000);
    const file = rawFile([rawRecord({ label: 'wide', signature: padded, writeIndex: UNBUFFERED, slots: le(8, (b) => b.writeBigInt64LE(-9n)) })], { size: 8192 });
    expect(decodeFile(file).map((r) => [r.signature, r.value])).toEqual([['q', -9]]);
  });
});

describe('checkVersion', () => {
  it('accepts version 1 and names the file and the reason otherwise', () => {
    expect(() => checkVersion(readFixture())).not.toThrow();
    expect(() => checkVersion(new Uint8Array(0), 'a.mmstats')).toThrow('a.mmstats: at 0x0: empty file: not an mmstats file');
    expect(() => checkVersion(new Uint8Array([2, 0]), 'a.mmstats')).toThrow(/^a\.mmstats: .*unsupported version byte 0x02 \(expected 0x01\)/);
  });
});
