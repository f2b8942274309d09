import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// Typing is part of the API: stats.hits.inc() and stats.load = 1.5 must type-check, a wrong
// assignment must not. tsc checks test/types/usage.ts against the built declarations.
test('the TypeScript API accepts correct use and rejects wrong assignments', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(__dirname, 'types')], { encoding: 'utf8' });
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
}, 60_000);
