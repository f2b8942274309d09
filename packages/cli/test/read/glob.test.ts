import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { compilePath, compileSegment } from '../../src/read/glob';
import { PACKAGE_DIR, requireBuild } from '../util';

describe('compileSegment', () => {
  test.each<[string, string, boolean]>([
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbY', false],
    ['*a*', 'bab', true],
    ['**x', 'ax', true],
    ['*?', '', false],
    ['*?', 'a', true],
    ['a*', 'a/b', false],
    ['[a-c-e]', '-', true],
    ['[a-c-e]', 'e', true],
    ['[a-c-e]', 'd', false],
    ['[!a]', '/', false],
    ['*[0-9].mmstats', 'web-12.mmstats', true],
  ])('%s matches %s: %s', (segment, name, expected) => {
    expect(compileSegment(segment)(name)).toBe(expected);
  });

  // A backtracking regular expression takes about (name length)^(stars) steps here: one request
  // naming such a pattern once blocked the web server for most of a minute. The matcher runs in
  // a child process with a generous budget, so a matcher that backtracks fails the test (killed)
  // instead of hanging the test run.
  test('a pattern of many stars against a long name that almost matches completes', () => {
    requireBuild();
    const script = `
      const { compileSegment } = require(${JSON.stringify(path.join(PACKAGE_DIR, 'dist', 'read', 'files.js'))});
      const name = 'a'.repeat(5000);
      const results = [compileSegment('*'.repeat(14) + 'x')(name), compileSegment('*a'.repeat(200) + 'x')(name), compileSegment('*a'.repeat(200))(name)];
      process.stdout.write(JSON.stringify(results));
    `;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
    expect(child.signal).toBeNull();
    expect(JSON.parse(child.stdout)).toEqual([false, false, true]);
  });
});

describe('compilePath', () => {
  test.each<[string, string, boolean]>([
    ['*.mmstats', 'a.mmstats', true],
    ['*.mmstats', 'sub/a.mmstats', false],
    ['*/*.mmstats', 'sub/a.mmstats', true],
    ['sub/a.mmstats', 'sub/a.mmstats', true],
    ['./sub//a.mmstats', 'sub/a.mmstats', true],
    ['*/*.mmstats', '.hidden/a.mmstats', false],
  ])('%s matches %s: %s', (pattern, name, expected) => {
    expect(compilePath(pattern)(name)).toBe(expected);
  });
});
