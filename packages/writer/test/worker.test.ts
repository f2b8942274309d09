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
const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
parentPort.postMessage({ threadId, tid, filename: stats.filename });
`;

function runWorker(count: number): Promise<{ threadId: number; tid: number; filename: string }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { dir, count, writer: join(__dirname, '..') } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

test("each worker thread writes its own file, named and labelled with the kernel's id of its thread", async () => {
  const results = await Promise.all([runWorker(10), runWorker(20), runWorker(30)]);
  const ids = results.map((r) => r.threadId);
  expect(new Set(ids).size).toBe(3);
  expect(readdirSync(dir).sort()).toEqual(results.map((r) => r.filename.slice(dir.length + 1)).sort());
  results.forEach((r, i) => {
    expect(r.filename.startsWith(dir + '/')).toBe(true);
    expect(r.tid).not.toBe(process.pid);
    expect(r.filename).toMatch(new RegExp(`-${process.pid}-${r.tid}-[0-9a-f]{8}\\.mmstats$`));
    const values = valuesOf(r.filename);
    expect(values['sys.tid']).toBe(r.tid);
    expect(values['sys.pid']).toBe(process.pid);
    expect(values.done).toBe((i + 1) * 10);
  });
});
