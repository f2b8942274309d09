import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// Typing is part of the API: stats.hits.inc() and stats.load = 1.5 must type-check, a wrong
// assignment must not. tsc checks each project against the built declarations; each project's
// lines marked @ts-expect-error must be rejected.
test.each([
  ['standard decorators', 'types'],
  ['experimentalDecorators', 'types/legacy'],
  ['plain JavaScript with defineStats and // @ts-check', 'types/js'],
])('the TypeScript API accepts correct use and rejects wrong assignments: %s', (_name, project) => {
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(__dirname, project)], { encoding: 'utf8' });
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
}, 60_000);
