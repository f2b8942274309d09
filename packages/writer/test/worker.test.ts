import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { tempDir, valuesOf } from './util';

const dir = tempDir();

// Workers load the built package, as an application's workers would.
const WORKER = `
const { parentPort, workerData, threadId } = require('node:worker_threads');
const { MmStats, field } = require(workerData.writer);
class Work extends MmStats { static fields = { done: field.counter() }; }
const stats = new Work({ path: workerData.dir });
for (let i = 0; i < workerData.count; i++) stats.done.inc();
parentPort.postMessage({ threadId, filename: stats.filename });
`;

function runWorker(count: number): Promise<{ threadId: number; filename: string }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { dir, count, writer: join(__dirname, '..') } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

test('each worker thread writes its own file, named and labelled with its thread id', async () => {
  const results = await Promise.all([runWorker(10), runWorker(20), runWorker(30)]);
  const ids = results.map((r) => r.threadId);
  expect(new Set(ids).size).toBe(3);
  expect(readdirSync(dir).sort()).toEqual(results.map((r) => r.filename.slice(dir.length + 1)).sort());
  results.forEach((r, i) => {
    expect(r.filename.startsWith(dir + '/')).toBe(true);
    expect(r.filename.endsWith(`-${process.pid}-${r.threadId}.mmstats`)).toBe(true);
    const values = valuesOf(r.filename);
    expect(values['sys.tid']).toBe(r.threadId);
    expect(values['sys.pid']).toBe(process.pid);
    expect(values.done).toBe((i + 1) * 10);
  });
});
