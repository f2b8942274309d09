import { decodeFile, encodeFile, parseTypeSignature, type RecordSpec } from '@mmstats/format';

import { formatValue, renderFileBytes, renderFileText } from '../../src/render/text';

function type(signature: string) {
  const info = parseTypeSignature(signature);
  if (!info) throw new Error(`bad signature ${signature}`);
  return info;
}

describe('formatValue', () => {
  test.each<[string, number | bigint | boolean | string, string]>([
    ['Q', 18446744073709551615n, '18446744073709551615'],
    ['Q', 5, '5'],
    ['q', -9223372036854775808n, '-9223372036854775808'],
    ['L', 9007199254740993n, '9007199254740993'],
    ['l', -1, '-1'],
    ['I', 4294967295, '4294967295'],
    ['i', -2147483648, '-2147483648'],
    ['H', 65535, '65535'],
    ['h', -32768, '-32768'],
    ['b', -128, '-128'],
    ['?', true, 'True'],
    ['?', false, 'False'],
    ['f', Math.fround(0.1), '0.10000000149'],
    ['d', 2.25, '2.25'],
    ['d', 5, '5.0'],
    ['16s', 'hello world', 'hello world'],
    ['16s', '', ''],
  ])('%s %p → %s', (signature, value, expected) => {
    expect(formatValue(value, type(signature))).toBe(expected);
  });
});

describe('renderFileText', () => {
  const specs: RecordSpec[] = [
    { label: 'a', signature: 'd', buffered: true, initial: 1.5 },
    { label: 'longer.label', signature: 'Q', buffered: true, initial: 7 },
    { label: 'mid.one', signature: '?', buffered: false, initial: false },
  ];

  test('pads labels to the longest one of the file', () => {
    const records = decodeFile(encodeFile(specs).bytes);
    expect(renderFileText('x.mmstats', records)).toBe(
      '==> x.mmstats\n' + '  a            1.5\n' + '  longer.label 7\n' + '  mid.one      False\n' + '\n',
    );
  });

  test('a file without records prints its header and a blank line', () => {
    expect(renderFileText('empty.mmstats', [])).toBe('==> empty.mmstats\n\n');
  });

  test('pads by characters, not UTF-16 units', () => {
    const records = decodeFile(
      encodeFile([
        { label: 'ü😀', signature: 'b', buffered: false, initial: 1 },
        { label: 'abc', signature: 'b', buffered: false, initial: 2 },
      ]).bytes,
    );
    expect(renderFileText('u.mmstats', records)).toBe('==> u.mmstats\n  ü😀  1\n  abc 2\n\n');
  });
});

describe('renderFileBytes', () => {
  test('is the UTF-8 of renderFileText, non-ASCII labels, string values and file names included', () => {
    const records = decodeFile(
      encodeFile([
        { label: 'ü😀', signature: '16s', buffered: false, initial: 'grüße 😀' },
        { label: 'abc\u0007', signature: 'd', buffered: true, initial: 0.1 },
        { label: 'x', signature: '8s', buffered: false, initial: 'a\nb' },
      ]).bytes,
    );
    const bytes = renderFileBytes('dir/é.mmstats', records);
    expect(Buffer.from(bytes).toString('utf8')).toBe(renderFileText('dir/é.mmstats', records));
    expect(Buffer.from(bytes).toString('utf8')).toBe('==> dir/é.mmstats\n  ü😀      grüße 😀\n  abc\\x07 0.1\n  x       a\\nb\n\n');
  });

  test('holds records longer than it first makes room for: 255-byte strings behind one-letter labels', () => {
    const long = 'é'.repeat(127);
    const specs: RecordSpec[] = Array.from({ length: 20 }, (_, i) => ({ label: String.fromCharCode(97 + i), signature: '255s', buffered: false, initial: long }));
    const text = Buffer.from(renderFileBytes('s.mmstats', decodeFile(encodeFile(specs).bytes))).toString('utf8');
    expect(text).toBe('==> s.mmstats\n' + specs.map((spec) => `  ${spec.label} ${long}\n`).join('') + '\n');
  });
});
