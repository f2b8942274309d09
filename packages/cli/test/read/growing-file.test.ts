// A file with metadata gains series while it is read (SPEC.md §14.5): the reader sees them on its
// next read, with what they mean, although the file keeps its inode and size.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { StatsReader } from '../../src/read/stats-reader';
import { REPO_DIR, requireBuild } from '../util';

// On tmpfs, as recommended: stores into a mapping there change neither the size nor the change
// time of the file, so only the trailer tells a reader that the file grew.
const dir = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'mmstats-grow-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeAll(requireBuild);

// A registry whose requests family gets the series the test asks for, one per message.
const CHILD_SCRIPT = `
const { Registry } = require('./packages/writer');
const registry = new Registry({ path: process.argv[1], filename: 'grow.mmstats' });
const requests = registry.counter('http.requests', { labels: ['route'], help: 'Requests answered' });
process.on('message', (m) => {
  if (m.route) requests.labels({ route: m.route }).inc(m.by);
  if (m.exit) return process.disconnect();
  process.send({ ok: true });
});
process.send({ file: registry.filename });
`;

function nextMessage(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve) => child.once('message', resolve));
}

test('series added after a read are read next time, with their family, kind, help and labels', async () => {
  const child = spawn(process.execPath, ['-e', CHILD_SCRIPT, dir], { cwd: REPO_DIR, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const { file } = (await nextMessage(child)) as { file: string };
    const reader = new StatsReader();
    const entry = { file: path.basename(file), path: file };
    const before = reader.readFile(entry)!;
    expect(before.layout.some((record) => record.label.startsWith('http.requests{'))).toBe(false);
    expect(before.metadata?.families.get('http.requests')).toMatchObject({ kind: 'counter', labels: ['route'] });

    for (const [route, by] of [['/a', 2], ['/b"\n', 3]] as const) {
      const answered = nextMessage(child);
      child.send({ route, by });
      await answered;
    }
    const after = reader.readFile(entry)!;
    expect(after.stats.ino).toBe(before.stats.ino);
    expect(after.stats.size).toBe(before.stats.size);
    const series = after.read.records
      .filter((record) => record.label.startsWith('http.requests{'))
      .map((record) => ({ value: record.value, ...after.meanings[record.layout.index] }));
    expect(series).toEqual([
      expect.objectContaining({ value: 2, family: 'http.requests', kind: 'counter', help: 'Requests answered', labels: { route: '/a' } }),
      expect.objectContaining({ value: 3, family: 'http.requests', kind: 'counter', labels: { route: '/b"\n' } }),
    ]);
  } finally {
    child.send({ exit: true });
    await new Promise((resolve) => child.once('exit', resolve));
  }
});
