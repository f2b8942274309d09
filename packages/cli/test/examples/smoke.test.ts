// scripts/smoke.sh, the golden-file check CI runs: it passes on the checked-in golden files, its
// --update reproduces them exactly, and a mismatch fails with a readable unified diff.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { PACKAGE_DIR, requireBuild, useTempDir } from '../util';

const ROOT = path.resolve(PACKAGE_DIR, '..', '..');
const SMOKE = path.join(ROOT, 'scripts', 'smoke.sh');
const GOLDEN = path.join(ROOT, 'scripts', 'smoke');
const GOLDEN_FILES = ['expected.slurp.txt', 'expected.hex.txt'];

let dir: string;

beforeAll(() => {
  requireBuild();
});

useTempDir((created) => (dir = created));

function smoke(args: string[], golden?: string) {
  const env: Record<string, string | undefined> = { ...process.env, MMSTATS_SMOKE_GOLDEN: golden };
  if (golden === undefined) delete env.MMSTATS_SMOKE_GOLDEN;
  return spawnSync('bash', [SMOKE, ...args], { env, encoding: 'utf8' });
}

describe('scripts/smoke.sh', () => {
  test('passes against the checked-in golden files', () => {
    const result = smoke([]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('smoke: ok');
    expect(result.status).toBe(0);
  });

  test('--update writes golden files identical to the checked-in ones (the output is deterministic)', () => {
    const golden = path.join(dir, 'golden');
    const result = smoke(['--update'], golden);
    expect(result.status).toBe(0);
    for (const name of GOLDEN_FILES) {
      expect(fs.readFileSync(path.join(golden, name), 'utf8')).toBe(fs.readFileSync(path.join(GOLDEN, name), 'utf8'));
    }
  });

  test('a golden file that differs fails with a unified diff naming the file and the lines', () => {
    for (const name of GOLDEN_FILES) fs.copyFileSync(path.join(GOLDEN, name), path.join(dir, name));
    const slurp = path.join(dir, 'expected.slurp.txt');
    const original = fs.readFileSync(slurp, 'utf8');
    expect(original).toContain('  requests        42\n');
    fs.writeFileSync(slurp, original.replace('  requests        42\n', '  requests        41\n'));

    const result = smoke([], dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`--- ${slurp}\n+++ slurp output of this run\n`);
    expect(result.stdout).toContain('\n-  requests        41\n+  requests        42\n');
    expect(result.stdout).not.toContain('hex output of this run');
    expect(result.stderr).toContain('smoke: FAILED');
  });

  test('an unknown argument is a usage error', () => {
    const result = smoke(['--bogus']);
    expect(result.stderr).toContain('usage: bash scripts/smoke.sh [--update]');
    expect(result.status).toBe(2);
  });
});
