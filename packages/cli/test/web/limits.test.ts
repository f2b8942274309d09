import * as fs from 'node:fs';

import { collectFiles } from '../../src/web/collect';
import { BusyError, RequestGate } from '../../src/web/request-gate';
import { startWebServer } from '../../src/web/server';
import { AnswerMemo, SharedRead } from '../../src/web/shared-read';
import { double, useTempDir, writeStatsFile } from '../util';
import { eventually } from './helpers';

let dir: string;
useTempDir((created) => (dir = fs.realpathSync(created)));

/** A promise with its resolve function, to finish a task when the test says so. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('SharedRead', () => {
  test('requests made while a read is under way share it; a request after it starts a new one', async () => {
    let reads = 0;
    let finish = deferred<number>();
    const shared = new SharedRead(() => {
      reads++;
      return finish.promise;
    });
    const together = [shared.get(), shared.get(), shared.get()];
    finish.resolve(7);
    expect(await Promise.all(together)).toEqual([7, 7, 7]);
    expect(reads).toBe(1);
    finish = deferred<number>();
    const later = shared.get();
    finish.resolve(8);
    expect(await later).toBe(8);
    expect(reads).toBe(2);
  });

  test('a failed read is not kept: the next request reads again', async () => {
    let reads = 0;
    const shared = new SharedRead(async () => {
      if (++reads === 1) throw new Error('disk on fire');
      return reads;
    });
    await expect(shared.get()).rejects.toThrow('disk on fire');
    expect(await shared.get()).toBe(2);
  });
});

describe('AnswerMemo', () => {
  test('one answer per read and key; another read computes afresh; past its capacity nothing more is kept', () => {
    const memo = new AnswerMemo<object, string>(2);
    const first = {};
    let computed = 0;
    const answer = (read: object, key: string) => memo.get(read, key, () => `${key} #${++computed}`);
    expect([answer(first, 'a'), answer(first, 'a'), answer(first, 'b')]).toEqual(['a #1', 'a #1', 'b #2']);
    expect(answer({}, 'a')).toBe('a #3');
    expect([answer(first, 'c'), answer(first, 'c')]).toEqual(['c #4', 'c #5']);
  });
});

describe('RequestGate', () => {
  test('serves maxActive at once, lets maxWaiting wait their turn, and refuses one more', async () => {
    const gate = new RequestGate(1, 1);
    const first = deferred<void>();
    const order: string[] = [];
    const running = gate.run(async () => {
      order.push('first');
      await first.promise;
    });
    const waiting = gate.run(async () => {
      order.push('second');
    });
    await expect(gate.run(async () => order.push('third'))).rejects.toBeInstanceOf(BusyError);
    expect(order).toEqual(['first']);
    first.resolve();
    await Promise.all([running, waiting]);
    expect(order).toEqual(['first', 'second']);
    // Places are given back: the gate serves again.
    await gate.run(async () => order.push('fourth'));
    expect(order).toEqual(['first', 'second', 'fourth']);
  });
});

describe('the bytes one read holds', () => {
  test('files past maxBytes (in name order) are skipped with the reason, the others read', async () => {
    const size = fs.statSync(writeStatsFile(dir, 'a.mmstats', [double('a', 1)])).size;
    writeStatsFile(dir, 'b.mmstats', [double('b', 2)]);
    writeStatsFile(dir, 'c.mmstats', [double('c', 3)]);
    const collection = await collectFiles({ directory: dir, pattern: '*.mmstats' }, undefined, { maxBytes: 2 * size });
    expect(collection.files.map((file) => file.file)).toEqual(['a.mmstats', 'b.mmstats']);
    expect(collection.skipped).toEqual([{ file: 'c.mmstats', error: expect.stringMatching(/^not read: the files before it hold .* MiB one read may hold$/) }]);
  });
});

describe('the server under more requests than it serves at once', () => {
  test('a request past the queue gets 503 with Retry-After; the others are answered', async () => {
    for (let i = 0; i < 200; i++) writeStatsFile(dir, `w-${String(i).padStart(3, '0')}.mmstats`, [double('load', i)]);
    const server = await startWebServer({ scope: { directory: dir, pattern: '*.mmstats' }, port: 0, maxActive: 1, maxWaiting: 1 });
    try {
      // Requests sent together overlap while the files are read (listing and opening them waits
      // on the file system); send bursts until one finds the queue full.
      const busy = await eventually('a 503 among concurrent requests', async () => {
        const responses = await Promise.all(Array.from({ length: 20 }, () => fetch(new URL('metrics', server.url))));
        for (const response of responses) expect([200, 503]).toContain(response.status);
        const ok = responses.find((response) => response.status === 200);
        expect(ok).toBeDefined();
        expect((await ok!.text()).split('\n').filter((line) => line.startsWith('load{'))).toHaveLength(200);
        const refused = responses.find((response) => response.status === 503);
        if (!refused) return undefined;
        return { retryAfter: refused.headers.get('retry-after'), body: await refused.json() };
      }, 60_000);
      expect(busy).toEqual({ retryAfter: '1', body: { error: 'too many requests at once: try again in 1 s' } });
    } finally {
      await server.close();
    }
  }, 90_000);
});
