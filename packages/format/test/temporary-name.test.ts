import fc from 'fast-check';

import { couldBeUnfinishedStatsFile, EncodeError, encodeFile, parseTemporaryFileName, temporaryFileName } from '@mmstats/format';

describe('temporaryFileName and parseTemporaryFileName', () => {
  it('builds the dot-name of SPEC.md §10 and reads its parts back', () => {
    const name = temporaryFileName('web-123-0.mmstats', 123, 0, '0a1b2c3d');
    expect(name).toBe('.web-123-0.mmstats.123-0-0a1b2c3d.tmp');
    expect(parseTemporaryFileName(name)).toEqual({ finalName: 'web-123-0.mmstats', pid: 123, threadId: 0, nonce: '0a1b2c3d' });
  });

  it('reads back every name it builds, final names with dots, spaces, newlines and a leading dot included', () => {
    const finalName = fc.string({ minLength: 1, unit: 'grapheme' }).filter((s) => !s.includes('/'));
    const nonce = fc.stringMatching(/^[0-9a-f]{8}$/);
    fc.assert(
      fc.property(finalName, fc.integer({ min: 1, max: 0x7fffffff }), fc.nat(), nonce, (final, pid, threadId, hex) => {
        expect(parseTemporaryFileName(temporaryFileName(final, pid, threadId, hex))).toEqual({ finalName: final, pid, threadId, nonce: hex });
      }),
    );
    expect(parseTemporaryFileName('..hidden.mmstats.7-2-ffffffff.tmp')).toEqual({ finalName: '.hidden.mmstats', pid: 7, threadId: 2, nonce: 'ffffffff' });
    expect(parseTemporaryFileName('.a\nb.mmstats.7-0-ffffffff.tmp')?.finalName).toBe('a\nb.mmstats');
  });

  it('accepts nothing looser than what it builds', () => {
    for (const name of [
      'a.mmstats.123-0-0a1b2c3d.tmp', // no leading dot
      '.a.mmstats.123-0-0a1b2c3.tmp', // 7 hex digits
      '.a.mmstats.123-0-0a1b2c3dd.tmp', // 9
      '.a.mmstats.123-0-0A1B2C3D.tmp', // uppercase
      '.a.mmstats.0123-0-0a1b2c3d.tmp', // leading zero
      '.a.mmstats.0-0-0a1b2c3d.tmp', // pid 0
      '.a.mmstats.123-01-0a1b2c3d.tmp',
      '.a.mmstats.2147483648-0-0a1b2c3d.tmp', // past the largest pid
      '.a.mmstats.123-0-0a1b2c3d.tmp~',
      '.a.mmstats.123-0-0a1b2c3d',
      '..123-0-0a1b2c3d.tmp', // empty final name
      '.a/b.123-0-0a1b2c3d.tmp',
      '.a.mmstats.-1-0-0a1b2c3d.tmp',
      '.a.mmstats.123-0-0a1b2c3d.TMP',
    ]) {
      expect([name, parseTemporaryFileName(name)]).toEqual([name, undefined]);
    }
    expect(parseTemporaryFileName('.a.mmstats.2147483647-0-0a1b2c3d.tmp')?.pid).toBe(2147483647);
  });

  it('refuses parts it could not read back, with an EncodeError', () => {
    const cases: Array<[string, number, number, string]> = [
      ['', 1, 0, '00000000'],
      ['a/b', 1, 0, '00000000'],
      ['a', 0, 0, '00000000'],
      ['a', 2 ** 31, 0, '00000000'],
      ['a', 1.5, 0, '00000000'],
      ['a', 1, -1, '00000000'],
      ['a', 1, 0, 'ABCDEF01'],
      ['a', 1, 0, '123'],
    ];
    for (const [finalName, pid, threadId, nonce] of cases) {
      expect(() => temporaryFileName(finalName, pid, threadId, nonce)).toThrow(EncodeError);
    }
    expect(() => temporaryFileName('a/b', 1, 0, '00000000')).toThrow('temporary name: final name must be a file name without "/", got "a/b"');
  });
});

describe('couldBeUnfinishedStatsFile', () => {
  it('is true for nothing yet and for any start of a format v1 image, false for other bytes', () => {
    const image = encodeFile([{ label: 'sys.pid', signature: 'I', buffered: false, initial: 42 }]).bytes;
    expect(couldBeUnfinishedStatsFile(new Uint8Array(0))).toBe(true);
    for (const length of [1, 2, 7, image.length]) expect(couldBeUnfinishedStatsFile(image.subarray(0, length))).toBe(true);
    expect(couldBeUnfinishedStatsFile(new TextEncoder().encode('hello'))).toBe(false);
    expect(couldBeUnfinishedStatsFile(new Uint8Array([0]))).toBe(false);
  });
});
