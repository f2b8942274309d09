// What a new user gets from the packed tarballs, installed with install scripts blocked (npm
// --ignore-scripts, pnpm's default): the native binding is not built. Importing must still work;
// creating a stats object must fail with an error naming the fix, unless copy mode was chosen.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installPackedApp, REPO, userEnv, type PackedApp } from './packed-app';

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

const TSC = join(REPO, 'node_modules/typescript/bin/tsc');

/**
 * A new ES-module TypeScript project in the app: the tsconfig.json of `tsc --init` (this tree's
 * typescript) changed by `edit`, and `source` as index.ts. Compiles it and returns its directory.
 */
function typescriptProject(name: string, edit: (tsconfig: string) => string, source: string): string {
  const dir = join(app.dir, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  expect(app.node([TSC, '--init'], {}).status).toBe(0);
  const config = join(dir, 'tsconfig.json');
  // tsc --init writes into the current directory: the app's; move it into the project.
  writeFileSync(config, edit(readFileSync(join(app.dir, 'tsconfig.json'), 'utf8')));
  writeFileSync(join(dir, 'index.ts'), source);
  const compiled = app.node([TSC, '-p', dir]);
  expect(compiled.stdout + compiled.stderr).toBe('');
  return dir;
}

/** The README's TypeScript example, reduced to what a test can run. */
const WEB_STATS = `import { MmStats, field, type Counter, type Timer } from '@mmstats/writer';

class WebStats extends MmStats {
  @field.counter({ label: 'status.2XX' }) accessor ok!: Counter;
  @field.counter({ label: 'status.5XX' }) accessor failed!: Counter;
  @field.double({ label: 'last_hit' }) accessor lastHit!: number;
  @field.timer({ label: 'request_seconds' }) accessor took!: Timer;
}

const stats = new WebStats({ labelPrefix: 'web.stats.' });
stats.took.time(() => {
  stats.ok.inc();
  stats.ok.inc();
  stats.failed.inc();
});
stats.lastHit = 1700000000.5;
`;

const COUNTER_APP = `
const { BaseMmStats, field } = require('@mmstats/writer');
class Jobs extends BaseMmStats {
  static fields = { done: field.counter(), last: field.string({ size: 16 }) };
}
module.exports = (options) => new Jobs(options);
`;

describe('the tarballs', () => {
  const PACKAGES = ['format', 'writer', 'cli'];
  const tarball = (name: string) => join(app.tarballs, `mmstats-${name}-0.1.0.tgz`);
  const member = (name: string, path: string) => execFileSync('tar', ['-xzOf', tarball(name), `package/${path}`], { encoding: 'utf8' });

  test.each(PACKAGES)('@mmstats/%s carries the LICENSE, repository, homepage, engines and an exports map', (name) => {
    expect(member(name, 'LICENSE')).toBe(readFileSync(join(REPO, 'LICENSE'), 'utf8'));
    const manifest = JSON.parse(member(name, 'package.json'));
    const root = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    expect(manifest.repository).toEqual({ ...root.repository, directory: `packages/${name}` });
    expect(manifest.homepage).toBe(`${root.homepage.replace(/#readme$/, '')}/tree/main/packages/${name}#readme`);
    expect(manifest.engines).toEqual({ node: '>=20' });
    expect(manifest.types).toBe('dist/index.d.ts');
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
  }, TIMEOUT);

  test.each(PACKAGES)('every link of the @mmstats/%s README works outside the repository', (name) => {
    const links = [...member(name, 'README.md').matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((link) => !/^(https:\/\/|#)/.test(link))).toEqual([]);
  }, TIMEOUT);

  test('an ES module imports every export by name, as CommonJS sees them', () => {
    app.write(
      'names.mjs',
      `import { MmStats, BaseMmStats, defineStats, field } from '@mmstats/writer';
       import { createRequire } from 'node:module';
       const require = createRequire(import.meta.url);
       const missing = {};
       for (const name of ['@mmstats/format', '@mmstats/writer', '@mmstats/cli']) {
         const esm = await import(name);
         missing[name] = Object.keys(require(name)).filter((key) => !(key in esm));
       }
       console.log(JSON.stringify({ missing, types: [MmStats, BaseMmStats, defineStats, field.counter].map((f) => typeof f) }));`,
    );
    const result = app.node(['names.mjs']);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      missing: { '@mmstats/format': [], '@mmstats/writer': [], '@mmstats/cli': [] },
      types: ['function', 'function', 'function', 'function'],
    });
  }, TIMEOUT);

  test('the mmstats command is installed', () => {
    const result = app.node([join(app.dir, 'node_modules/.bin/mmstats'), '--version']);
    expect(result.stdout).toBe('0.1.0\n');
  }, TIMEOUT);
});

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

  test.each([
    ['standard decorators', 'ts-standard', (config: string) => config.replace('"target": "esnext"', '"target": "es2022"')],
    [
      'experimentalDecorators',
      'ts-legacy',
      (config: string) => config.replace('"target": "esnext"', '"target": "es2022", "experimentalDecorators": true'),
    ],
  ])('a fresh TypeScript app with %s (tsc --init, target es2022) compiles and runs', (_dialect, name, edit) => {
    rmSync(join(app.dir, 'tsconfig.json'), { force: true });
    const dir = typescriptProject(name, edit, WEB_STATS);
    const stats = mkdtempSync(join(app.dir, 'stats-'));
    const run = app.node([join(dir, 'index.js')], { MMSTATS_PATH: stats, MMSTATS_FILES: 'web.mmstats' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const values = slurp(join(stats, 'web.mmstats'));
    expect(values).toMatchObject({ 'web.stats.status.2XX': 2, 'web.stats.status.5XX': 1, 'web.stats.last_hit': 1700000000.5, 'web.stats.sys.pid': expect.any(Number) });
    expect(values!['web.stats.request_seconds']).toBeGreaterThan(0);
  }, TIMEOUT);
});
