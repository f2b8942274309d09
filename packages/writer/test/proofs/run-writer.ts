// Runs every-field-writer.js (the built package, as an application loads it) and extracts what
// happened between its start and end markers.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const WRITER = join(__dirname, 'every-field-writer.js');
const REPO = join(__dirname, '../../../..');

/** Whether `strace` can be run here. */
export function haveStrace(): boolean {
  return spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'mmstats-proof-'));
}

/**
 * The main thread's system calls between the markers, by name, when the writer does `writes`
 * writes in `mode` (see every-field-writer.js). V8 runs single-threaded (no compiler or collector
 * threads to wake) with a young generation of fixed size, so that runs that allocate alike make
 * the same calls.
 */
export function syscallsBetweenMarkers(mode: string, writes: number): Map<string, number> {
  const dir = scratch();
  try {
    const prefix = join(dir, 'trace');
    execFileSync(
      'strace',
      ['-f', '-ff', '-qq', '-o', prefix, process.execPath, '--allow-natives-syntax', '--single-threaded', '--min-semi-space-size=16', '--max-semi-space-size=16', WRITER, dir, String(writes), mode],
      { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    // One file per thread, named by thread id; the main thread's id is the process id, the lowest.
    const tids = readdirSync(dir)
      .filter((name) => name.startsWith('trace.'))
      .map((name) => Number(name.slice('trace.'.length)))
      .sort((a, b) => a - b);
    const lines = readFileSync(`${prefix}.${tids[0]}`, 'utf8').split('\n');
    const start = lines.findIndex((line) => line.includes('/mmstats-proof-start-marker'));
    const end = lines.findIndex((line) => line.includes('/mmstats-proof-end-marker'));
    if (start < 0 || end < start) throw new Error(`markers not found in the trace of ${mode} ${writes}`);
    const counts = new Map<string, number>();
    for (const line of lines.slice(start + 1, end)) {
      const name = /^(\w+)\(/.exec(line)?.[1] ?? line;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return counts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Garbage collections (--trace-gc lines) between the markers, and the heap used before and after. */
export function collectionsBetweenMarkers(mode: string, writes: number): { collections: string[]; heapGrowth: number } {
  const dir = scratch();
  try {
    const out = execFileSync(
      process.execPath,
      ['--allow-natives-syntax', '--trace-gc', '--expose-gc', '--min-semi-space-size=1', '--max-semi-space-size=1', WRITER, dir, String(writes), mode],
      { cwd: REPO, encoding: 'utf8' },
    );
    const lines = out.split('\n');
    const start = lines.indexOf('START');
    const end = lines.findIndex((line) => line.startsWith('END '));
    if (start < 0 || end < start) throw new Error(`markers not found in the output of ${mode} ${writes}:\n${out}`);
    const [, before, after] = lines[end].split(' ').map(Number);
    return { collections: lines.slice(start + 1, end).filter((line) => /Scavenge|Mark-Compact|Minor/.test(line)), heapGrowth: after - before };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
