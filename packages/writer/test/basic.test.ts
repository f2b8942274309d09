import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BaseMmStats, field } from '@mmstats/writer';
import { FIXTURE, tempDir } from './util';

const dir = tempDir();

// The README's static fields class, with the writes of its defineStats program.
const README_PROGRAM = `
const { BaseMmStats, MmStats, field } = require('@mmstats/writer');
class Basic extends BaseMmStats {
  static fields = { load: field.double(), hits: field.counter(),
                    name: field.string({ size: 16 }), up: field.bool() };
}
const b = new Basic({ path: dir, filename: 'basic.mmstats', layout: 'original' });
b.hits.inc(); b.hits.inc(); b.hits.inc(3);
b.load = 0.5; b.load = 2.25; b.name = 'hello world'; b.name = 'hi'; b.up = true;
`;

test('the README JavaScript program, run by plain node, writes the original basic.mmstats byte for byte', () => {
  const out = join(dir, 'plain-js');
  execFileSync('mkdir', ['-p', out]);
  execFileSync(process.execPath, ['-e', `const dir = ${JSON.stringify(out)};\n${README_PROGRAM}`], {
    cwd: join(__dirname, '../../..'),
  });
  expect(readFileSync(join(out, 'basic.mmstats'))).toEqual(readFileSync(FIXTURE));
});

test('the README defineStats program, run by plain node, writes the original basic.mmstats byte for byte', () => {
  // The first JavaScript block after "Plain JavaScript declares" in the README, with its directory replaced.
  const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
  const program = readme.slice(readme.indexOf('Plain JavaScript declares')).match(/```js\n([\s\S]*?)```/)![1];
  expect(program).toContain('defineStats(');
  const out = join(dir, 'define-stats');
  execFileSync('mkdir', ['-p', out]);
  execFileSync(process.execPath, ['-e', program.replace("path: '/tmp'", `path: ${JSON.stringify(out)}`)], { cwd: join(__dirname, '../../..') });
  expect(readFileSync(join(out, 'basic.mmstats'))).toEqual(readFileSync(FIXTURE));
});

test('a TypeScript class with decorators writes the same bytes as the static fields class', () => {
  class Basic extends BaseMmStats {
    @field.double() accessor load!: number;
    @field.counter() accessor hits!: import('@mmstats/writer').Counter;
    @field.string({ size: 16 }) accessor name!: string;
    @field.bool() accessor up!: boolean;
  }
  const b = new Basic({ path: dir, filename: 'decorated.mmstats', layout: 'original' });
  b.hits.inc();
  b.hits.inc();
  b.hits.inc(3);
  b.load = 0.5;
  b.load = 2.25;
  b.name = 'hello world';
  b.name = 'hi';
  b.up = true;
  expect(readFileSync(b.filename)).toEqual(readFileSync(FIXTURE));
  expect([b.load, b.hits.value, b.name, b.up]).toEqual([2.25, 5, 'hi', true]);
});
