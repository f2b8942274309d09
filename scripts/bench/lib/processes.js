'use strict';
// Child processes of the read benchmarks: mmstats writers, timed command runs.
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const REPO = join(__dirname, '../../..');
const MMSTATS = join(REPO, 'packages/cli/bin/mmstats');

/** Resolves with the first stdout line of `child` that equals `line`. */
function waitForLine(child, line) {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk) => {
      buffered += chunk;
      if (buffered.split('\n').includes(line)) {
        child.stdout.off('data', onData);
        resolve();
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${child.spawnargs.join(' ')} exited (${code}) before printing ${line}`)));
  });
}

/** Starts `count` writer processes with `fields` fields each in `dir`; resolves once all are ready. */
async function startWriters(dir, count, fields) {
  const writers = [];
  for (let i = 0; i < count; i++) {
    const child = spawn(process.execPath, [join(__dirname, '../processes/mmstats-writer.js'), dir, `writer-${i}`, String(fields)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    writers.push({ child, file: join(dir, `writer-${i}.mmstats`) });
  }
  await Promise.all(writers.map(({ child }) => waitForLine(child, 'READY')));
  return writers;
}

/** Blocks every writer's event loop for `ms`; resolves once all of them are inside the busy loop. */
async function blockWriters(writers, ms) {
  const blocked = writers.map(({ child }) => waitForLine(child, 'BLOCKED'));
  for (const { child } of writers) child.stdin.write(`block ${ms}\n`);
  await Promise.all(blocked);
}

function stopWriters(writers) {
  for (const { child } of writers) child.kill();
}

/**
 * Runs a command to completion with its output read and discarded (as a terminal or pipe would
 * take it); resolves with the wall time in milliseconds and the exit code.
 */
function timeCommand(command, args, env = process.env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, code, stdout, stderr }));
  });
}

/**
 * Starts the writer that increments one counter in a tight loop (the tests' hammer-writer.js) in
 * a new temp directory and calls `use` with its file open for reading: `readAt` (one pread per
 * call, a fresh copy each time), the file's size and the writer's pid. Stops the writer and removes the directory
 * once `use` returns (or the promise it returns settles).
 */
function withHammeredFile(use) {
  const fs = require('node:fs');
  const os = require('node:os');
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'mmstats-hammered-'));
  const writer = spawn(process.execPath, [join(REPO, 'packages/cli/test/fixtures/hammer-writer.js'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  writer.stdout.once('data', (chunk) => {
    const file = JSON.parse(String(chunk).split('\n')[0]).file;
    const fd = fs.openSync(file, 'r');
    const readAt = (offset, length) => {
      const bytes = Buffer.allocUnsafe(length);
      return bytes.subarray(0, fs.readSync(fd, bytes, 0, length, offset));
    };
    const done = () => {
      fs.closeSync(fd);
      writer.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    };
    Promise.resolve()
      .then(() => use(readAt, fs.fstatSync(fd).size, writer.pid))
      .finally(done)
      .catch((err) => {
        console.error(err);
        process.exitCode = 1;
      });
  });
}

module.exports = { REPO, MMSTATS, startWriters, blockWriters, stopWriters, timeCommand, waitForLine, withHammeredFile };
