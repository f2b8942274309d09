// The stable read protocol (SPEC.md §8.3) against a file image that a simulated writer changes
// between, or during, the reader's copies. Real processes racing over a real mapping are in
// packages/cli/test/read/stable-stress.test.ts.
import {
  DEFAULT_MAX_COPIES,
  DEFAULT_PATIENT_COPIES,
  TRAILER_SIZE,
  decodeFile,
  decodeLayout,
  encodeFile,
  FIXED_SIGNATURES,
  readStableFile,
  readStableRecords,
  type DecodedRecord,
  type ReadAt,
} from '@mmstats/format';
import { expectDecodeError, readFixture } from './util';

// Where the fixture's records lie (SPEC.md §9).
const LOAD = { writeIndex: 0x0a, slots: [0x0b, 0x13] };
const NAME_SLOT = 0x41;

/** A file image plus the reads made of it; `between(n)` runs after the n-th read (1-based). */
function simulatedFile(between: (file: Buffer, reads: number) => void = () => {}) {
  const file = readFixture();
  const reads: Array<[offset: number, length: number]> = [];
  // The metadata trailer is read before the copies (SPEC.md §14.5); it is not one of them.
  const trailerReads: number[] = [];
  const readAt: ReadAt = (offset, length) => {
    if (offset === file.length - TRAILER_SIZE && length === TRAILER_SIZE) {
      trailerReads.push(reads.length);
      return Buffer.from(file.subarray(offset, offset + length));
    }
    reads.push([offset, length]);
    const copy = Buffer.from(file.subarray(offset, offset + length));
    between(file, reads.length);
    return copy;
  };
  return { file, reads, readAt, trailerReads };
}

/** Publishes a double into `load` the way a writer does (SPEC.md §7.2). */
function publishLoad(file: Buffer, value: number): void {
  const w = file[LOAD.writeIndex];
  file.writeDoubleLE(value, LOAD.slots[w]);
  file[LOAD.writeIndex] = w ^ 1;
}

/** Two publications: the second one rewrites the slot a reader read before the first. */
function publishLoadTwice(file: Buffer, value: number): void {
  publishLoad(file, value - 1);
  publishLoad(file, value);
}

function values(records: ReadonlyArray<{ label: string; value: unknown }>) {
  return Object.fromEntries(records.map((r) => [r.label, r.value]));
}

/** Every field of each record as a plain object: `slots` is decoded on first use, not stored. */
function plain(records: readonly DecodedRecord[]) {
  return records.map(({ label, signature, value, writeIndex, slots, layout }) => ({ label, signature, value, writeIndex, slots, layout }));
}

describe('readStableFile', () => {
  it('reads a file nobody writes with two reads: the whole file, then the value bytes', () => {
    const { file, reads, readAt, trailerReads } = simulatedFile();
    const read = readStableFile(readAt, file.length, { path: 'basic.mmstats' });
    expect(trailerReads).toEqual([0]); // before any copy
    expect(values(read.records)).toEqual({ load: 2.25, hits: 5, name: 'hi', up: true });
    expect(plain(read.records)).toEqual(decodeFile(file));
    expect(read.unstable).toEqual([]);
    expect(read.copies).toBe(2);
    // The second read spans the first write-buffer byte to the end of the last record.
    expect(reads).toEqual([
      [0, 4096],
      [0x0a, 0x5a - 0x0a],
    ]);
  });

  it('keeps the value of the first copy when one publication between the copies left its slot alone', () => {
    const { file, readAt } = simulatedFile((f, n) => {
      if (n === 1) publishLoad(f, 7.5);
    });
    const read = readStableFile(readAt, file.length);
    expect(values(read.records).load).toBe(2.25);
    expect(read.copies).toBe(2);
    // The raw state is that of the copy the value came from, not of the newer one.
    const load = read.records.find((r) => r.label === 'load')!;
    expect(load.writeIndex).toBe(0);
    expect(load.slots).toEqual([0.5, 2.25]);
  });

  it('gives the value a later copy confirms when two publications rewrote the slot between copies', () => {
    const { file, readAt } = simulatedFile((f, n) => {
      if (n === 1) publishLoadTwice(f, 7.5);
    });
    const read = readStableFile(readAt, file.length);
    expect(values(read.records).load).toBe(7.5);
    expect(read.copies).toBe(3);
  });

  it('never returns a slot copied while the writer was overwriting it', () => {
    // First copy: `load` reads slot 1 (write index 0) but the writer, overtaking the reader
    // twice, is halfway through slot 1: its low half is new, its high half old.
    const { file, readAt } = simulatedFile((f, n) => {
      if (n === 1) {
        publishLoad(f, 1e300);
        publishLoad(f, -3);
      }
    });
    const torn = Buffer.from(file);
    const old = file.readDoubleLE(LOAD.slots[1]);
    const next = Buffer.alloc(8);
    next.writeDoubleLE(-3);
    next.copy(torn, LOAD.slots[1], 0, 4);
    let first = true;
    const tornFirst: ReadAt = (offset, length) => {
      if (first) {
        first = false;
        readAt(offset, length); // lets the writer run
        return Buffer.from(torn.subarray(offset, offset + length));
      }
      return readAt(offset, length);
    };
    const read = readStableFile(tornFirst, file.length);
    const load = values(read.records).load;
    expect(load).not.toBe(torn.readDoubleLE(LOAD.slots[1]));
    expect([old, -3]).toContain(load);
  });

  it('copies again only the records that changed', () => {
    const { file, reads, readAt } = simulatedFile((f, n) => {
      if (n <= 2) publishLoadTwice(f, n * 10);
    });
    const read = readStableFile(readAt, file.length);
    expect(values(read.records)).toEqual({ load: 20, hits: 5, name: 'hi', up: true });
    const loadSpan = [LOAD.writeIndex, 0x1b - LOAD.writeIndex];
    expect(reads.slice(2)).toEqual([loadSpan, loadSpan]);
  });

  it('reports a record that changes between every two copies instead of giving a value', () => {
    let value = 0;
    const { file, reads, readAt } = simulatedFile((f) => publishLoadTwice(f, (value += 2)));
    const read = readStableFile(readAt, file.length, { maxCopies: 5, patientCopies: 0 });
    expect(read.unstable.map((r) => r.label)).toEqual(['load']);
    expect(read.records.map((r) => r.label)).toEqual(['hits', 'name', 'up']);
    expect(read.copies).toBe(5);
    expect(reads).toHaveLength(5);
  });

  it('makes at most DEFAULT_MAX_COPIES reads, then DEFAULT_PATIENT_COPIES of the record still changing alone', () => {
    const { file, reads, readAt } = simulatedFile((f, n) => publishLoadTwice(f, n * 2));
    const read = readStableFile(readAt, file.length);
    expect(read.unstable.map((r) => r.label)).toEqual(['load']);
    expect(read.copies).toBe(DEFAULT_MAX_COPIES + DEFAULT_PATIENT_COPIES);
    expect(reads).toHaveLength(DEFAULT_MAX_COPIES + DEFAULT_PATIENT_COPIES);
    // Its write-buffer byte and two slots: a few bytes per copy.
    const alone = [LOAD.writeIndex, 0x1b - LOAD.writeIndex];
    expect(reads.slice(DEFAULT_MAX_COPIES).every((read) => read[0] === alone[0] && read[1] === alone[1])).toBe(true);
  });

  it('confirms a value that stops changing while it is copied alone, after the copies of the whole span ran out', () => {
    // A writer that publishes between every two reads, then pauses (descheduled) for two reads.
    const { file, readAt } = simulatedFile((f, n) => {
      if (n < 100 || n > 101) publishLoadTwice(f, n * 2);
    });
    const read = readStableFile(readAt, file.length, { maxCopies: 16 });
    expect(read.unstable).toEqual([]);
    expect(values(read.records)).toEqual({ load: 198, hits: 5, name: 'hi', up: true });
    expect(read.copies).toBe(101);
    const without = simulatedFile((f, n) => {
      if (n < 100 || n > 101) publishLoadTwice(f, n * 2);
    });
    expect(readStableFile(without.readAt, without.file.length, { patientCopies: 0 }).unstable.map((r) => r.label)).toEqual(['load']);
  });

  it('refuses patientCopies below 0', () => {
    const { file, readAt } = simulatedFile();
    expect(() => readStableFile(readAt, file.length, { patientCopies: -1 })).toThrow(RangeError);
  });

  it('ignores stale bytes after the NUL of a string changing between copies', () => {
    const { file, readAt } = simulatedFile((f, n) => f.write(`stale${n}`, NAME_SLOT + 3, 'latin1'));
    const read = readStableFile(readAt, file.length);
    expect(values(read.records).name).toBe('hi');
    expect(read.copies).toBe(2);
  });

  it('compares a string up to its NUL: a new text of the same prefix is a change', () => {
    const { file, readAt } = simulatedFile((f, n) => {
      if (n === 1) f.write('ho\0', NAME_SLOT, 'latin1');
    });
    expect(values(readStableFile(readAt, file.length).records).name).toBe('ho');
  });

  it('notices a change in any byte of a number of every width between two copies', () => {
    for (const signature of FIXED_SIGNATURES) {
      const { bytes } = encodeFile([{ label: 'n', signature, buffered: false, initial: 1 }], { allowLegacySignatures: true });
      const [record] = decodeLayout(bytes);
      for (let k = 0; k < record.type.size; k++) {
        const file = Buffer.from(bytes);
        const readAt: ReadAt = (offset, length) => {
          const copy = Buffer.from(file.subarray(offset, offset + length));
          if (offset === 0) file[record.slotOffsets[0] + k] ^= 0x40; // once, after the first copy
          return copy;
        };
        const read = readStableFile(readAt, file.length);
        expect({ signature, byte: k, copies: read.copies }).toEqual({ signature, byte: k, copies: 3 });
        expect(read.records[0].value).toEqual(decodeFile(file)[0].value);
      }
    }
  });

  it('refuses maxCopies below 2', () => {
    const { file, readAt } = simulatedFile();
    expect(() => readStableFile(readAt, file.length, { maxCopies: 1 })).toThrow(RangeError);
  });
});

describe('readStableRecords', () => {
  it('reads only the records asked for, with two copies of their span', () => {
    const { file, reads, readAt } = simulatedFile();
    const [, hits, name] = decodeLayout(file);
    const read = readStableRecords(readAt, [hits, name]);
    expect(values(read.records)).toEqual({ hits: 5, name: 'hi' });
    expect(reads).toEqual([
      [hits.writeIndexOffset, name.end - hits.writeIndexOffset],
      [hits.writeIndexOffset, name.end - hits.writeIndexOffset],
    ]);
  });

  it('is a DecodeError naming the file when a write-buffer byte turns invalid', () => {
    const { file, readAt } = simulatedFile((f) => (f[LOAD.writeIndex] = 7));
    const layout = decodeLayout(file);
    const error = expectDecodeError(() => readStableRecords(readAt, layout, { path: 'app.mmstats' }));
    expect(error.message).toBe('app.mmstats: record 0 at 0xa: record "load": write-buffer byte is 0x07, expected 0x00 or 0x01');
  });

  it('is a DecodeError when the file shrank below a record', () => {
    const file = readFixture();
    const layout = decodeLayout(file);
    const shrunk: ReadAt = (offset, length) => Buffer.from(file.subarray(offset, Math.min(offset + length, 0x40)));
    const error = expectDecodeError(() => readStableRecords(shrunk, layout, { path: 'app.mmstats' }));
    expect(error.message).toBe('app.mmstats: record 2 at 0x35: record "name" ends at 81 but the file now ends at 64: the file shrank');
  });
});
