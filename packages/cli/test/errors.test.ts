import { DecodeError } from '@mmstats/format';

import { describeError, ReadError } from '../src/errors';

describe('describeError', () => {
  it('prints an mmstats error as one line naming the file', () => {
    expect(describeError(new ReadError('/tmp/a.mmstats', 'no such file'))).toBe('mmstats: /tmp/a.mmstats: no such file\n');
  });

  it('reports anything else as unexpected', () => {
    expect(describeError(new TypeError('boom'))).toBe('mmstats: unexpected error: boom\n');
  });

  it('escapes control characters of file names, so a name cannot forge lines or drive the terminal', () => {
    const text = describeError(new ReadError('/tmp/evil\n\u001b[2Jx.mmstats', 'not a regular file'));
    expect(text).toBe('mmstats: /tmp/evil\\n\\x1b[2Jx.mmstats: not a regular file\n');
    expect(text.split('\n')).toHaveLength(2);
  });

  it('escapes the message inside the stack too, so --verbose cannot be made to forge a line', () => {
    const text = describeError(new ReadError('a\nmmstats: all good.mmstats', 'not a regular file'), true);
    const lines = text.split('\n');
    expect(lines.filter((line) => line.startsWith('mmstats: all good'))).toEqual([]);
    expect(lines[1]).toBe('ReadError: a\\nmmstats: all good.mmstats: not a regular file');
    expect(lines.slice(2).every((line) => line === '' || line.startsWith('    at '))).toBe(true);
  });

  it('adds the stack and its causes with verbose', () => {
    const cause = new Error('inner');
    const text = describeError(new DecodeError('bad header', { offset: 0, path: 'a.mmstats' }, { cause }), true);
    expect(text.split('\n')[0]).toBe('mmstats: a.mmstats: at 0x0: bad header');
    expect(text).toContain('Caused by: Error: inner');
  });
});
