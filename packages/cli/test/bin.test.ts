// Tests that spawn the committed launcher: they need the build (`npx tsc -b`, or `npm test`).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { BIN, double, makeTempDir, ORIGINAL_FIXTURES, PACKAGE_DIR, removeTempDir, requireBuild, useTempDir, writeStatsFile } from './util';

let dir: string;

beforeAll(() => {
  requireBuild();
});

useTempDir((created) => (dir = created));

function mmstats(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const env: Record<string, string | undefined> = { ...process.env, MMSTATS_PATH: undefined, MMSTATS_GLOB: undefined };
  Object.assign(env, options.env);
  return spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? dir, env, encoding: 'utf8' });
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

describe('bin/mmstats', () => {
  test('is an executable node script', () => {
    const text = fs.readFileSync(BIN, 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(fs.statSync(BIN).mode & 0o111).not.toBe(0);
    expect(text).not.toMatch(/process\.exit\(/);
  });

  test('prints the original fixture byte for byte', () => {
    const result = mmstats(['slurp', 'basic.mmstats'], { cwd: ORIGINAL_FIXTURES });
    expect(result.stdout).toBe(fs.readFileSync(path.join(ORIGINAL_FIXTURES, 'basic.slurpstats.txt'), 'utf8'));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('--version prints the package version, exit 0', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8'));
    const result = mmstats(['--version']);
    expect(result.stdout).toBe(`${pkg.version}\n`);
    expect(result.status).toBe(0);
  });

  test('--help exits 0', () => {
    const result = mmstats(['--help']);
    expect(result.stdout).toContain('mmstats slurp [files..]');
    expect(result.status).toBe(0);
  });

  test('exit codes: 2 for a usage error, 1 for a bad file, 1 when nothing is found', () => {
    expect(mmstats(['slurp', '--bogus']).status).toBe(2);
    writeStatsFile(dir, 'good.mmstats', [double('x', 1)]);
    fs.writeFileSync(path.join(dir, 'bad.mmstats'), 'junk');
    const bad = mmstats(['slurp', 'good.mmstats', 'bad.mmstats']);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('==> good.mmstats\n  x 1.0\n\n');
    expect(bad.stderr).toMatch(/^mmstats: bad\.mmstats: [^\n]*\n$/);
    const empty = makeTempDir();
    try {
      const none = mmstats(['slurp'], { env: { MMSTATS_PATH: empty } });
      expect(none.status).toBe(1);
      expect(none.stderr).toContain(empty);
    } finally {
      removeTempDir(empty);
    }
  });

  test('without MMSTATS_PATH, reads *.mmstats in the temp directory', () => {
    writeStatsFile(dir, 'app-1-1.mmstats', [double('x', 0.5)]);
    const result = mmstats(['slurp'], { env: { TMPDIR: dir } });
    expect(result.stdout).toBe(`==> ${path.join(dir, 'app-1-1.mmstats')}\n  x 0.5\n\n`);
    expect(result.status).toBe(0);
  });

  test('ends quietly when the reader goes away (| head -1)', () => {
    // Far more output than a pipe buffer holds, so writes fail with EPIPE after head exits.
    const labels = Array.from({ length: 40 }, (_, i) => `some.fairly.long.label.number.${i}`);
    for (let f = 0; f < 200; f++) writeStatsFile(dir, `app-${String(f).padStart(3, '0')}.mmstats`, labels.map((l) => double(l, f + 0.25)));
    const rcFile = path.join(dir, 'rc');
    const script = `(${shellQuote(process.execPath)} ${shellQuote(BIN)} slurp ${shellQuote(dir)}; echo $? > ${shellQuote(rcFile)}) | head -1`;
    const result = spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, MMSTATS_PATH: undefined } });
    expect(result.stdout).toBe(`==> ${path.join(dir, 'app-000.mmstats')}\n`);
    expect(result.stderr).toBe('');
    expect(fs.readFileSync(rcFile, 'utf8').trim()).toBe('0');
  });

  test('without a build, the launcher says how to make one', () => {
    const bin = path.join(dir, 'pkg', 'bin', 'mmstats');
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    for (const file of fs.readdirSync(path.dirname(BIN))) fs.copyFileSync(path.join(path.dirname(BIN), file), path.join(path.dirname(bin), file));
    const result = spawnSync(process.execPath, [bin, 'slurp'], { encoding: 'utf8' });
    expect(result.stderr).toBe("mmstats: the command is not built yet; run 'npm run build' first\n");
    expect(result.status).toBe(1);
  });
});
