import { execFileSync } from 'node:child_process';
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
    [['slurp', '--bogus'], 'mmstats: unknown option --bogus\n', 'slurp '],
    [['slurp', '-x', '--foo-bar'], 'mmstats: unknown options -x, --foo-bar\n', 'slurp '],
    [['nope'], 'mmstats: unknown command \'nope\'; the commands are slurp, poll, clean, web\n', ''],
    [['slurpp'], "mmstats: unknown command 'slurpp'; did you mean 'slurp'?\n", ''],
    [['nope', 'slurp'], "mmstats: unknown command 'nope'; the commands are slurp, poll, clean, web\n", ''],
    [['clena', '/tmp'], "mmstats: unknown command 'clena'; did you mean 'clean'?\n", ''],
    [['help', 'pol'], "mmstats: unknown command 'pol'; did you mean 'poll'?\n", ''],
    [['poll'], 'mmstats: missing <fields>: mmstats poll <fields> [files..]\n', 'poll '],
    [['slurp', '--prefix'], 'mmstats: --prefix needs a value\n', 'slurp '],
    [['web', 'extra'], "mmstats: unexpected argument 'extra': mmstats web\n", 'web '],
    [[], 'mmstats: no command given\n', ''],
    [['--bogus'], 'mmstats: unknown option --bogus\n', ''],
    [['slurp', '--json=yes'], 'mmstats: --json takes no value\n', 'slurp '],
    [['slurp', '--prefix', '--json'], 'mmstats: --prefix needs a value\n', 'slurp '],
    [['poll', '-p'], 'mmstats: -p needs a value\n', 'poll '],
  ])('usage error %p: one line in our words and a hint on stderr, exit 2', async (argv, first, command) => {
    const io = memoryIo();
    expect(await main(argv, io)).toBe(2);
    expect(io.out).toBe('');
    expect(io.err).toBe(`${first}Run 'mmstats ${command}--help' for usage.\n`);
  });

  test('-v prints the version like --version', async () => {
    const short = memoryIo();
    const long = memoryIo();
    expect(await main(['-v'], short)).toBe(0);
    expect(await main(['--version'], long)).toBe(0);
    expect(short.out).toBe(long.out);
    expect(short.out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  test.each([
    [['help'], ['--help']],
    [['help', 'slurp'], ['slurp', '--help']],
    [['help', 'poll'], ['poll', '--help']],
  ])('%p prints what %p prints', async (argv, same) => {
    const io = memoryIo();
    const expected = memoryIo();
    expect(await main(argv, io)).toBe(0);
    expect(await main(same, expected)).toBe(0);
    expect(io.out).toBe(expected.out);
    expect(io.err).toBe('');
  });

  test('a command line loads only the module of its command, and --version not even the parser', () => {
    // In a fresh process: --version loads no command and no parser, slurp only its own, --help every one.
    const script = (argv: string[]) =>
      `const { main, realIo } = require('./dist/main.js');
       main(${JSON.stringify(argv)}, { ...realIo(), stdout() {} }).then(() => {
         const files = Object.keys(require.cache);
         const commands = files.filter((f) => /[\\/]dist[\\/](commands|web)[\\/]/.test(f)).map((f) => f.slice(f.indexOf('dist') + 5));
         const parser = files.some((f) => /[\\/]dist[\\/]parser\\.js$/.test(f));
         console.log([...commands.sort(), parser ? 'parser' : 'no-parser'].join(' '));
       });`;
    const loaded = (argv: string[]) => execFileSync(process.execPath, ['-e', script(argv)], { cwd: PACKAGE_DIR, encoding: 'utf8' }).trim();
    expect(loaded(['--version'])).toBe('no-parser');
    expect(loaded(['-v'])).toBe('no-parser');
    expect(loaded(['slurp', '--help'])).toBe('commands/slurp.js parser');
    expect(loaded(['--help'])).toContain('commands/web.js');
  }, 60_000);

  test('slurp returns the command exit code', async () => {
    const io = memoryIo({ cwd: ORIGINAL_FIXTURES });
    expect(await main(['slurp', 'basic.mmstats'], io)).toBe(0);
    expect(io.out).toBe(fs.readFileSync(path.join(ORIGINAL_FIXTURES, 'basic.slurpstats.txt'), 'utf8'));
    const bad = memoryIo({ cwd: ORIGINAL_FIXTURES });
    expect(await main(['slurp', 'basic.mmstats', 'README.md'], bad)).toBe(1);
    expect(bad.err).toMatch(/^mmstats: README\.md: /);
  });
});
