// String fields: in place (the original's layout and final bytes) or buffered (tear-proof).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BaseMmStats, SchemaError, field } from '@mmstats/writer';
import { readStats, tempDir } from './util';

const dir = tempDir();
const SPEC_DECODER = join(__dirname, '../../format/test/spec_decoder.py');

class Texts extends BaseMmStats {
  static override fields = {
    inPlace: field.string({ size: 8 }),
    buffered: field.string({ size: 8, buffered: true }),
  };
}

type TextStats = Texts & { inPlace: string; buffered: string };

function create(name: string): TextStats {
  return new Texts({ path: dir, filename: name }) as TextStats;
}

/** The slot bytes SPEC.md §8.2 prescribes after writing `texts` in order into a zeroed slot. */
function inPlaceBytes(size: number, texts: string[]): Buffer {
  const slot = Buffer.alloc(size);
  for (const text of texts) {
    const written = slot.write(text, 0, size, 'utf8');
    if (written < size) slot[written] = 0;
  }
  return slot;
}

const TEXTS = ['hello world', 'hi', '', 'ünïcödé', 'exactly8', 'é'];

describe('field.string in place', () => {
  it('leaves exactly the bytes of the original write rule after every write', () => {
    const stats = create('in-place.mmstats');
    const [record] = readStats(stats.filename);
    for (let n = 1; n <= TEXTS.length; n++) {
      stats.inPlace = TEXTS[n - 1];
      const slot = readFileSync(stats.filename).subarray(record.layout.slotOffsets[0], record.layout.end);
      expect(slot).toEqual(inPlaceBytes(8, TEXTS.slice(0, n)));
      expect(stats.inPlace).toBe(Buffer.from(inPlaceBytes(8, TEXTS.slice(0, n))).toString('utf8').split('\0')[0]);
    }
    expect(record.writeIndex).toBe(0xff);
  });
});

describe('field.string({ buffered: true })', () => {
  it('is a buffered record: each text goes to the slot readers are not reading, then the index flips', () => {
    const stats = create('buffered.mmstats');
    stats.buffered = 'first';
    stats.buffered = 'second!';
    stats.buffered = 'ab';
    const record = readStats(stats.filename)[1];
    expect(record.signature).toBe('8s');
    expect(record.layout.buffered).toBe(true);
    // first → slot 0, second! → slot 1, ab → slot 0 over "first": "ab\0st".
    expect(record.writeIndex).toBe(1);
    expect(record.slots).toEqual(['ab', 'second!']);
    expect(record.value).toBe('ab');
    const slot0 = record.layout.slotOffsets[0];
    expect(readFileSync(stats.filename).subarray(slot0, slot0 + 8)).toEqual(Buffer.from('ab\0st\0\0\0'));
    expect(stats.buffered).toBe('ab');
  });

  it('reads as the empty string before the first write, like an in-place string', () => {
    const stats = create('fresh.mmstats');
    expect([stats.inPlace, stats.buffered]).toEqual(['', '']);
  });

  it('is read by a decoder written from SPEC.md alone (the generic format v1 rule)', () => {
    const stats = create('python.mmstats');
    stats.buffered = 'naïve ✓ cut';
    stats.buffered = 'ok';
    stats.inPlace = 'x';
    const out = JSON.parse(execFileSync('python3', [SPEC_DECODER, stats.filename], { encoding: 'utf8' }));
    expect(out.files[0].records).toEqual([
      { label: 'inPlace', type: '8s', buffered: false, write_index: 255, value: 'x' },
      { label: 'buffered', type: '8s', buffered: true, write_index: 0, value: 'ok' },
    ]);
  });

  it('takes only true or false', () => {
    expect(() => field.string({ buffered: 'yes' as unknown as boolean })).toThrow(SchemaError);
    expect(() => field.string({ buffered: 'yes' as unknown as boolean })).toThrow('field.string(): buffered must be true or false, got yes');
  });
});
