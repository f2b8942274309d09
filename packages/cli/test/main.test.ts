import * as fs from 'node:fs';
import * as path from 'node:path';

import { memoryIo } from '../src/io';
import { main } from '../src/main';
import { ORIGINAL_FIXTURES, PACKAGE_DIR } from './util';

describe('main', () => {
  test('--help prints usage on stdout, exit 0', async () => {
    const io = memoryIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out).toMatch(/^mmstats <command> \[options\]/);
    expect(io.out).toContain('mmstats slurp [files..]');
    expect(io.err).toBe('');
  });

  test('slurp --help lists the slurp options', async () => {
    const io = memoryIo();
    expect(await main(['slurp', '--help'], io)).toBe(0);
    for (const option of ['--json', '--prefix', '--exclude', '--sort', '--verbose']) expect(io.out).toContain(option);
  });

  test('--version prints the package version', async () => {
    const io = memoryIo();
    expect(await main(['--version'], io)).toBe(0);
    const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8'));
    expect(io.out).toBe(`${pkg.version}\n`);
  });

  test.each([
    [['slurp', '--bogus'], 'mmstats: Unknown argument: bogus\n'],
    [['nope'], 'mmstats: Unknown command: nope\n'],
    [[], 'mmstats: no command given\n'],
  ])('usage error %p: one line and a hint on stderr, exit 2', async (argv, first) => {
    const io = memoryIo();
    expect(await main(argv, io)).toBe(2);
    expect(io.out).toBe('');
    expect(io.err).toBe(`${first}Run 'mmstats --help' for usage.\n`);
  });

  test('slurp returns the command exit code', async () => {
    const io = memoryIo({ cwd: ORIGINAL_FIXTURES });
    expect(await main(['slurp', 'basic.mmstats'], io)).toBe(0);
    expect(io.out).toBe(fs.readFileSync(path.join(ORIGINAL_FIXTURES, 'basic.slurpstats.txt'), 'utf8'));
    const bad = memoryIo({ cwd: ORIGINAL_FIXTURES });
    expect(await main(['slurp', 'basic.mmstats', 'README.md'], bad)).toBe(1);
    expect(bad.err).toMatch(/^mmstats: README\.md: /);
  });
});
