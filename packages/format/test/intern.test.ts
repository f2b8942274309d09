import { decodeLayout, encodeFile, type RecordSpec } from '@mmstats/format';

const counter = (label: string): RecordSpec => ({ label, signature: 'Q', buffered: false, initial: 0 });

const labelsOf = (labels: readonly string[]) => decodeLayout(encodeFile(labels.map(counter)).bytes).map((record) => record.label);

// decodeLayout keeps the labels it decoded and gives the same string for the same bytes later
// (src/intern.ts): whatever it kept, every label read must be the one in the file.
describe('labels decoded again from kept strings', () => {
  it('reads every label right when a file has more labels than are kept, read twice', () => {
    const labels = Array.from({ length: 10_000 }, (_, i) => `app.counter.${i}`);
    expect(labelsOf(labels)).toEqual(labels);
    expect(labelsOf(labels)).toEqual(labels);
  });

  it('tells apart labels that differ in one byte, or only in length, read in turns', () => {
    const first = ['a.b.c', 'a.b.d', 'a.b.cc', 'a.b', 'A.b.c'];
    const second = ['a.b.d', 'a.b.c', 'a.b', 'a.b.cc', 'a.b.C'];
    for (let round = 0; round < 3; round++) {
      expect(labelsOf(first)).toEqual(first);
      expect(labelsOf(second)).toEqual(second);
    }
  });

  it('reads long labels, kept or not, and non-ASCII ones beside them', () => {
    const labels = ['x'.repeat(95) + '1', 'x'.repeat(96) + '1', 'y'.repeat(250), 'größe', 'x'.repeat(95) + '2', 'x'.repeat(96) + '2'];
    expect(labelsOf(labels)).toEqual(labels);
    expect(labelsOf(labels.slice().reverse())).toEqual(labels.slice().reverse());
  });

  it('decodes as UTF-8 a label past the kept length whose bytes are not ASCII', () => {
    const labels = ['ü'.repeat(60), 'x'.repeat(97) + 'é', 'x'.repeat(98)];
    expect(labelsOf(labels)).toEqual(labels);
  });
});
