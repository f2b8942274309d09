import { decodeFile, encodeFile, parseTypeSignature } from '@mmstats/format';

import { renderCleanLine } from '../../src/render/clean';
import { escapeControls, jsonString } from '../../src/render/escape';
import { formatCell, renderTickJson } from '../../src/render/table';
import { renderFileText } from '../../src/render/text';

/** Anything a terminal would act on: C0 controls but the newline, DEL, C1 controls, bidi controls. */
const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('escapeControls', () => {
  test.each([
    ['plain text', 'web.stats.status.2XX', 'web.stats.status.2XX'],
    ['non-ASCII text and backslashes unchanged', 'Grüße ✓ C:\\temp', 'Grüße ✓ C:\\temp'],
    ['tab, newline, carriage return by name', 'a\tb\nc\rd', 'a\\tb\\nc\\rd'],
    ['ESC of a clear-screen sequence', '\u001b[2J\u001b[H', '\\x1b[2J\\x1b[H'],
    ['NUL, BEL, DEL', '\u0000\u0007\u007f', '\\x00\\x07\\x7f'],
    ['a C1 control (CSI)', 'x\u009b31m', 'x\\x9b31m'],
    ['line separators and bidi overrides', '\u2028\u2029\u202e\u2066', '\\u2028\\u2029\\u202e\\u2066'],
  ])('%s', (_name, text, shown) => {
    expect(escapeControls(text)).toBe(shown);
    expect(escapeControls(text)).not.toMatch(TERMINAL_CONTROL);
  });
});

describe('jsonString', () => {
  test('is JSON.stringify for ordinary text and parses back to the same string for hostile text', () => {
    expect(jsonString('a "b" \\ \n é')).toBe(JSON.stringify('a "b" \\ \n é'));
    const hostile = '\u001b]0;title\u0007\u009b\u2028\u202e';
    expect(jsonString(hostile)).not.toMatch(TERMINAL_CONTROL);
    expect(JSON.parse(jsonString(hostile))).toBe(hostile);
  });
});

describe('output of text written by another process', () => {
  const hostileLabel = 'evil\u001b[2J\nforged 1';
  const hostileValue = 'v\u001b]0;owned\u0007\r\u202e';
  const { bytes } = encodeFile([
    { label: hostileLabel, signature: '64s', buffered: false, initial: hostileValue },
    { label: 'ok', signature: 'Q', buffered: true, initial: 5 },
  ]);
  const records = decodeFile(bytes);

  test('slurp text: one line per record, nothing a terminal acts on, labels padded after escaping', () => {
    const text = renderFileText('dir/\u001b[31mred.mmstats', records);
    expect(text).not.toMatch(TERMINAL_CONTROL);
    expect(text).toBe(
      '==> dir/\\x1b[31mred.mmstats\n' +
        '  evil\\x1b[2J\\nforged 1 v\\x1b]0;owned\\x07\\r\\u202e\n' +
        '  ok                    5\n' +
        '\n',
    );
  });

  test('poll: string cells escaped in the table, exact (but safe) in JSON', () => {
    expect(formatCell({ kind: 'value', value: hostileValue })).toBe('v\\x1b]0;owned\\x07\\r\\u202e');
    const line = renderTickJson({ time: 1000, files: 1, cells: [{ kind: 'value', value: hostileValue }], gone: ['g\u009b.mmstats'] }, ['s']);
    expect(line).not.toMatch(TERMINAL_CONTROL);
    expect(JSON.parse(line)).toEqual({ time: 1, files: 1, values: { s: hostileValue }, gone: ['g\u009b.mmstats'] });
  });

  test('clean: the file name and the reason escaped', () => {
    const line = renderCleanLine({ file: 'x\u001b[2J.mmstats', action: 'skipped', reason: 'not an mmstats file: \u001b' }, false);
    expect(line).toBe('skipped  x\\x1b[2J.mmstats (not an mmstats file: \\x1b)\n');
  });

  test('the string type is what is escaped, numbers print as before', () => {
    expect(parseTypeSignature('64s')!.kind).toBe('string');
    expect(renderFileText('f', records.slice(1))).toBe('==> f\n  ok 5\n\n');
  });
});
