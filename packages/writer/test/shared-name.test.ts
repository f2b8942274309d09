// Two writers given the same file name (MMSTATS_FILES=jobs.mmstats) must never share or replace
// each other's file, and a name squatted by another user must not stop the application.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, valuesOf } from './util';

const REPO_DIR = join(__dirname, '../../..');
const WRITER = join(__dirname, '..');
const dir = tempDir();
let n = 0;
const freshDir = () => {
  const local = join(dir, `case-${++n}`);
  mkdirSync(local);
  return local;
};

/** Counts `done` to 100 under `jobs.mmstats`; reports its file name and any warning, then waits for `stop`. */
const WRITER_SCRIPT = (base: 'MmStats' | 'BaseMmStats') => `
const { ${base}, field } = require(process.env.WRITER);
const warnings = [];
process.on('warning', (w) => warnings.push(w.code + ': ' + w.message));
class Jobs extends ${base} { static fields = { done: field.counter() }; }
const stats = new Jobs({ path: process.env.DIR, filename: 'jobs.mmstats' });
for (let i = 0; i < 100; i++) stats.done.inc();
setImmediate(() => report({ filename: stats.filename, warnings }));
`;

/** A process that writes as WRITER_SCRIPT does and stays alive until `stop` appears in `local`. */
function inProcess(base: 'MmStats' | 'BaseMmStats', local: string): Promise<{ filename: string; warnings: string[] }> {
  const script = `const report = (r) => { console.log(JSON.stringify(r));
      setInterval(() => { if (require('fs').existsSync(process.env.DIR + '/stop')) process.exit(0); }, 50); };
    ${WRITER_SCRIPT(base)}`;
  const child = spawn(process.execPath, ['-e', script], { cwd: REPO_DIR, env: { ...process.env, WRITER, DIR: local }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(JSON.parse(out));
    });
    child.once('exit', (code) => reject(new Error(`writer exited with ${code} before reporting`)));
  });
}

function counts(local: string): number[] {
  return readdirSync(local)
    .filter((name) => name.endsWith('.mmstats'))
    .map((name) => valuesOf(join(local, name)).done as number);
}

describe.each(['MmStats', 'BaseMmStats'] as const)('%s writers sharing jobs.mmstats', (base) => {
  test('the main thread and a worker each keep a file of their own, and the second says so once', async () => {
    const local = freshDir();
    const main = spawnSync(
      process.execPath,
      [
        '-e',
        `const report = async (first) => {
           const { Worker } = require('node:worker_threads');
           const second = await new Promise((resolve) => {
             const w = new Worker(${JSON.stringify(`const { parentPort } = require('node:worker_threads');
               const report = (r) => { parentPort.postMessage(r); };
               ${WRITER_SCRIPT(base)}`)}, { eval: true });
             w.once('message', resolve);
           });
           console.log(JSON.stringify([first, second]));
           process.exit(0);
         };
         ${WRITER_SCRIPT(base)}`,
      ],
      { cwd: REPO_DIR, env: { ...process.env, WRITER, DIR: local }, encoding: 'utf8' },
    );
    const [first, second] = JSON.parse(main.stdout);
    expect(first.filename).toBe(join(local, 'jobs.mmstats'));
    expect(second.filename).toMatch(new RegExp(`^${local}/jobs-[0-9a-f]{8}\\.mmstats$`));
    expect(second.warnings).toEqual([expect.stringMatching(/^MMSTATS_NAME_TAKEN: mmstats: .*\/jobs\.mmstats is taken \((written by thread \d+ of pid \d+, which is alive|mapped for writing by pid \d+)\)/)]);
    expect(counts(local)).toEqual([100, 100]);
  }, 60_000);

  test('four processes started together keep four files, 100 each', async () => {
    const local = freshDir();
    try {
      const results = await Promise.all([1, 2, 3, 4].map(() => inProcess(base, local)));
      expect(new Set(results.map((r) => r.filename)).size).toBe(4);
      expect(counts(local)).toEqual([100, 100, 100, 100]);
      expect(results.map((r) => r.filename)).toContain(join(local, 'jobs.mmstats'));
    } finally {
      writeFileSync(join(local, 'stop'), '');
    }
  }, 60_000);
});

test("a dead writer's file is replaced under the same name, without a warning", async () => {
  const local = freshDir();
  writeFileSync(join(local, 'stop'), ''); // each writer exits right after reporting
  const first = await inProcess('MmStats', local);
  const second = await inProcess('MmStats', local);
  expect([first.filename, second.filename]).toEqual([join(local, 'jobs.mmstats'), join(local, 'jobs.mmstats')]);
  expect(second.warnings).toEqual([]);
  expect(readdirSync(local).sort()).toEqual(['jobs.mmstats', 'stop']);
}, 60_000);

const asRoot = process.getuid?.() === 0;
(asRoot ? test : test.skip)('a name squatted by another user in a sticky directory: another name and a warning, not a failure', () => {
  chmodSync(dir, 0o755);
  const sticky = join(dir, 'sticky');
  mkdirSync(sticky);
  chmodSync(sticky, 0o1777);
  const squat = spawnSync(process.execPath, ['-e', `process.setgid(65534); process.setuid(65534); require('fs').writeFileSync(${JSON.stringify(join(sticky, 'app.mmstats'))}, 'mine')`]);
  expect(squat.status).toBe(0);
  // The application runs as an unprivileged user of its own (it loads the package first, as root).
  const app = spawnSync(
    process.execPath,
    [
      '-e',
      `const { MmStats } = require('@mmstats/writer');
       process.setgid(1000); process.setuid(1000);
       try { const s = new MmStats({ path: ${JSON.stringify(sticky)}, filename: 'app.mmstats' }); console.log('created ' + s.filename); }
       catch (e) { console.log(e.name + ': ' + e.message); }`,
    ],
    { cwd: REPO_DIR, encoding: 'utf8' },
  );
  expect(app.stdout.trim()).toMatch(new RegExp(`^created ${sticky}/app-[0-9a-f]{8}\\.mmstats$`));
  expect(app.stderr).toContain(`[MMSTATS_NAME_TAKEN] Warning: mmstats: ${sticky}/app.mmstats is taken (owned by uid 65534)`);
  expect(readdirSync(sticky).length).toBe(2);
});
