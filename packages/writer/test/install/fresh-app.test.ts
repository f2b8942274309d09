// What a new user gets from the packed tarballs, installed with install scripts blocked (npm
// --ignore-scripts, pnpm's default): the native binding is not built. Importing must still work;
// creating a stats object must fail with an error naming the fix, unless copy mode was chosen.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { installPackedApp, userEnv, type PackedApp } from './packed-app';

let app: PackedApp;

beforeAll(() => {
  app = installPackedApp();
}, 300_000);
afterAll(() => app?.remove());

const TIMEOUT = 120_000;

/** Values of a stats file as the installed `mmstats slurp --json` reads them, by label. */
function slurp(file: string): Record<string, unknown> | undefined {
  const result = app.node([join(app.dir, 'node_modules/@mmstats/cli/bin/mmstats'), 'slurp', '--json', file]);
  if (result.status !== 0) return undefined;
  const records = JSON.parse(result.stdout).files[0].records as { label: string; value: unknown }[];
  return Object.fromEntries(records.map((r) => [r.label, r.value]));
}

async function until<T>(what: string, check: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const COUNTER_APP = `
const { BaseMmStats, field } = require('@mmstats/writer');
class Jobs extends BaseMmStats {
  static fields = { done: field.counter(), last: field.string({ size: 16 }) };
}
module.exports = (options) => new Jobs(options);
`;

describe('the binding is not built', () => {
  test('the writer imports', () => {
    const result = app.node(['-e', "const w = require('@mmstats/writer'); console.log(typeof w.BaseMmStats, w.hasMmapBinding())"]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('function false\n');
    expect(result.status).toBe(0);
  }, TIMEOUT);

  test('creating a stats object throws a BindingError naming the fix, and creates no file', () => {
    app.write('jobs.js', COUNTER_APP);
    const dir = mkdtempSync(join(app.dir, 'stats-'));
    const result = app.node([
      '-e',
      `const { BindingError, MmstatsError } = require('@mmstats/writer');
       try { require('./jobs')({ path: ${JSON.stringify(dir)} }); console.log('created'); }
       catch (e) { console.log(JSON.stringify({ name: e.constructor.name, typed: e instanceof BindingError && e instanceof MmstatsError, message: e.message })); }`,
    ]);
    expect(result.stderr).toBe('');
    const error = JSON.parse(result.stdout);
    expect(error).toMatchObject({ name: 'BindingError', typed: true });
    expect(error.message).toContain('npm rebuild @riaskov/mmap-io');
    expect(error.message).toContain('pnpm approve-builds');
    expect(error.message).toContain("fallback: 'copy'");
    expect(readdirSync(dir)).toEqual([]);
  }, TIMEOUT);

  test('in copy mode a reader sees the values, copied on a timer and at exit', async () => {
    const dir = mkdtempSync(join(app.dir, 'stats-'));
    const file = join(dir, 'copy.mmstats');
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const stats = require('./jobs')({ path: ${JSON.stringify(dir)}, filename: 'copy.mmstats', fallback: 'copy', copyInterval: 20 });
         stats.done.inc(7); stats.last = 'seven';
         process.stdin.resume();
         process.stdin.on('end', () => { stats.done.inc(2); stats.last = 'nine'; });`,
      ],
      { cwd: app.dir, env: userEnv(), stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      // Nothing but the timer writes the file while the process waits on its standard input.
      await until('the timer to copy done = 7', () => (slurp(file)?.done === 7 ? true : undefined));
      expect(slurp(file)).toEqual({ done: 7, last: 'seven' });
    } finally {
      child.stdin.end();
    }
    expect(await exited).toBe(0);
    expect(slurp(file)).toEqual({ done: 9, last: 'nine' });
    expect(stderr).toContain('[MMSTATS_COPY_MODE]');
    expect(stderr).toContain('npm rebuild @riaskov/mmap-io');
  }, TIMEOUT);

  test('MMSTATS_FALLBACK=copy chooses copy mode without code changes; flush() writes at once', () => {
    const dir = mkdtempSync(join(app.dir, 'stats-'));
    const result = app.node(
      [
        '--no-warnings',
        '-e',
        `const stats = require('./jobs')({ path: ${JSON.stringify(dir)}, filename: 'env.mmstats' });
         stats.done.inc(3); stats.flush();
         const { execFileSync } = require('node:child_process');
         process.stdout.write(execFileSync(process.execPath, ['node_modules/@mmstats/cli/bin/mmstats', 'slurp', ${JSON.stringify(join(dir, 'env.mmstats'))}]));`,
      ],
      { MMSTATS_FALLBACK: 'copy' },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('done 3');
    expect(result.status).toBe(0);
  }, TIMEOUT);
});

describe('after npm rebuild @riaskov/mmap-io', () => {
  beforeAll(() => app.rebuildBinding());

  test('stats objects map their file, with no warning, even when copy mode is allowed', () => {
    const dir = mkdtempSync(join(app.dir, 'stats-'));
    const result = app.node([
      '-e',
      `const stats = require('./jobs')({ path: ${JSON.stringify(dir)}, filename: 'mapped.mmstats', fallback: 'copy', copyInterval: 3600000 });
       stats.done.inc(5);
       // Read while the process lives, before any copy could have been made: the store went to the mapping.
       const { execFileSync } = require('node:child_process');
       process.stdout.write(execFileSync(process.execPath, ['node_modules/@mmstats/cli/bin/mmstats', 'slurp', ${JSON.stringify(join(dir, 'mapped.mmstats'))}]));
       console.log(require('@mmstats/writer').hasMmapBinding());`,
    ]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('done 5');
    expect(result.stdout).toMatch(/true\n$/);
    expect(result.status).toBe(0);
  }, TIMEOUT);
});
