// `npm run demo`: starts an instrumented HTTP server, sends it requests for a few seconds and
// shows its stats live from another process with `mmstats slurp`, then stops and cleans up.
const { spawn, execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { createInterface } = require('node:readline');

const root = join(__dirname, '..');
const mmstats = join(root, 'packages/cli/bin/mmstats');
const dir = mkdtempSync(join(tmpdir(), 'mmstats-demo-'));
const env = { ...process.env, MMSTATS_PATH: dir };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const app = spawn(process.execPath, [join(__dirname, 'demo-app.js')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const stopApp = () => app.exitCode === null && app.kill('SIGTERM');
  process.on('SIGINT', () => {
    stopApp();
    process.exitCode = 130;
  });
  try {
    const firstLine = await new Promise((resolve, reject) => {
      createInterface({ input: app.stdout }).once('line', resolve);
      app.once('exit', (code) => reject(new Error(`demo app exited early (${code})`)));
    });
    const { port, file } = JSON.parse(firstLine);
    console.log(`demo app listening on 127.0.0.1:${port}, publishing ${file}\n`);
    const paths = ['/', '/', '/', '/status', '/500', '/missing'];
    let sent = 0;
    let stop = false;
    const load = (async () => {
      while (!stop) {
        const path = paths[sent++ % paths.length];
        await fetch(`http://127.0.0.1:${port}${path}`).then((r) => r.text());
      }
    })();
    for (let tick = 1; tick <= 3; tick++) {
      await sleep(1000);
      console.log(`--- after ${tick} s (${sent} requests sent): mmstats slurp --sort ${file}`);
      process.stdout.write(execFileSync(mmstats, ['slurp', '--sort', file], { env, encoding: 'utf8' }));
    }
    stop = true;
    await load;
  } finally {
    stopApp();
    await new Promise((resolve) => (app.exitCode !== null ? resolve() : app.once('exit', resolve)));
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('demo app stopped; its stats file was removed.');
}

main().catch((error) => {
  console.error(`demo failed: ${error.message}`);
  process.exitCode = 1;
});
