import * as fs from 'node:fs';
import * as path from 'node:path';

import { defineCommand } from '../src/command-spec';
import { UsageError } from '../src/errors';
import { commandHelp, HELP_WIDTH, programHelp } from '../src/help';
import { memoryIo } from '../src/io';
import { parseCommandLine } from '../src/parse-command-line';
import { COMMAND_NAMES, commandSpec, packageVersion, resolveCommandLine } from '../src/parser';
import { double, makeTempDir, PACKAGE_DIR, removeTempDir, writeStatsFile } from './util';

let dir: string;

beforeEach(() => {
  dir = makeTempDir();
  writeStatsFile(dir, 'a.mmstats', ['http.get', 'http.post', 'sys.pid'].map((l, i) => double(l, i)));
});

afterEach(() => {
  removeTempDir(dir);
});

/** Resolves the command line and runs its command, as `main` does but letting usage errors through. */
async function run(commandLine: string) {
  const io = memoryIo({ cwd: dir });
  const request = resolveCommandLine(commandLine === '' ? [] : commandLine.split(' '));
  if (request.kind !== 'run') throw new Error(`expected a command to run, got ${request.kind}`);
  const exitCode = await request.command.run(request.args, io);
  return { io, exitCode };
}

describe('resolveCommandLine', () => {
  test('slurp with files runs the command and gives its exit code', async () => {
    const { io, exitCode } = await run('slurp a.mmstats');
    expect(io.out).toBe('==> a.mmstats\n  http.get  0.0\n  http.post 1.0\n  sys.pid   2.0\n\n');
    expect(exitCode).toBe(0);
  });

  test('--prefix and --exclude repeat, and do not swallow file names', async () => {
    const { io } = await run('slurp --prefix http. --prefix sys. --exclude http.post a.mmstats');
    expect(io.out).toBe('==> a.mmstats\n  http.get 0.0\n  sys.pid  2.0\n\n');
  });

  test('--sort and --json, after the file names', async () => {
    const { io } = await run('slurp a.mmstats --json --sort --exclude http.');
    expect(JSON.parse(io.out)).toEqual({ files: [{ file: 'a.mmstats', records: [{ label: 'sys.pid', type: 'd', value: 2 }] }] });
  });

  test('--verbose may come before the command', async () => {
    const request = resolveCommandLine(['--verbose', 'slurp', 'a.mmstats']);
    expect(request.kind === 'run' && request.command.name === 'slurp' && request.args.verbose).toBe(true);
  });

  test('a failing file gives exit code 1', async () => {
    const { exitCode, io } = await run('slurp missing.mmstats');
    expect(exitCode).toBe(1);
    expect(io.err).toBe('mmstats: missing.mmstats: no such file or directory\n');
  });

  test('file names after -- may start with a dash', async () => {
    fs.copyFileSync(path.join(dir, 'a.mmstats'), path.join(dir, '-dash.mmstats'));
    const { io } = await run('slurp --prefix sys. -- -dash.mmstats');
    expect(io.out).toBe('==> -dash.mmstats\n  sys.pid 2.0\n\n');
  });

  test('--help and --version win over the rest of the line, even over mistakes', () => {
    expect(resolveCommandLine(['slurp', '--bogus', '--help'])).toEqual({ kind: 'print', text: commandHelp(commandSpec('slurp')) });
    expect(resolveCommandLine(['-h'])).toEqual({ kind: 'print', text: programHelp(COMMAND_NAMES.map(commandSpec)) });
    expect(resolveCommandLine(['poll', '-v'])).toEqual({ kind: 'print', text: `${packageVersion()}\n` });
    // After `--` they are file names.
    expect(resolveCommandLine(['slurp', '--', '--help']).kind).toBe('run');
  });

  test.each([
    ['an unknown option', 'slurp --bogus a.mmstats', 'unknown option --bogus'],
    ['an unknown command', 'slurpy', "unknown command 'slurpy'; did you mean 'slurp'?"],
    ['no command', '', 'no command given'],
    ['--prefix without a value', 'slurp --prefix', '--prefix needs a value'],
    ['an extra word', 'web extra', "unexpected argument 'extra': mmstats web"],
    ['a missing positional', 'poll --rate', 'missing <fields>: mmstats poll <fields> [files..]'],
  ])('%s is a UsageError', (_name, commandLine, message) => {
    const resolve = () => resolveCommandLine(commandLine === '' ? [] : commandLine.split(' '));
    expect(resolve).toThrow(UsageError);
    expect(resolve).toThrow(message);
  });
});

describe('parseCommandLine', () => {
  const spec = defineCommand({
    name: 'try',
    describe: 'a command to parse against',
    positionals: [
      { name: 'first', required: true, describe: 'one word' },
      { name: 'rest', variadic: true, describe: 'the others' },
    ],
    options: {
      name: { type: 'string', short: 'N', describe: 'a name', default: 'anon' },
      tag: { type: 'string', repeatable: true, describe: 'tags' },
      delay: { type: 'number', short: 'd', describe: 'seconds', default: 1 },
      count: { type: 'number', describe: 'how many' },
      quiet: { type: 'boolean', short: 'q', describe: 'say less' },
      json: { type: 'boolean', default: true, describe: 'as JSON' },
    },
    examples: [],
    run: async () => 0,
  });

  test('defaults: declared values, false for booleans, [] for repeatable options, undefined otherwise', () => {
    const args = parseCommandLine(spec, ['x']);
    expect(args.options).toMatchObject({ name: 'anon', tag: [], delay: 1, count: undefined, quiet: false, json: true });
    expect(args.positionals).toEqual({ first: 'x', rest: [] });
    expect(args.verbose).toBe(false);
  });

  test('the last value of a scalar option wins; a repeatable one keeps them all, in order', () => {
    const args = parseCommandLine(spec, ['--name', 'a', '-N', 'b', '--tag', 'x', '--tag=y', '-d', '2', '--delay=3', 'w']);
    expect(args.options).toMatchObject({ name: 'b', tag: ['x', 'y'], delay: 3 });
  });

  test('numbers are parsed; a value that is no number is NaN for the command to reject; negative numbers are values', () => {
    expect(parseCommandLine(spec, ['-d', '0.25', 'w']).options.delay).toBe(0.25);
    expect(parseCommandLine(spec, ['-d', 'soon', 'w']).options.delay).toBeNaN();
    expect(parseCommandLine(spec, ['--delay=', 'w']).options.delay).toBeNaN();
    expect(parseCommandLine(spec, ['-d', '-1', 'w']).options.delay).toBe(-1);
  });

  test('short booleans group; --no-x turns a boolean off; --verbose is everywhere', () => {
    const args = parseCommandLine(spec, ['-qd', '5', '--no-json', '--verbose', 'w']);
    expect(args.options).toMatchObject({ quiet: true, delay: 5, json: false });
    expect(args.verbose).toBe(true);
  });

  test('words fill the positionals in order, the variadic one takes the rest, with those after --', () => {
    expect(parseCommandLine(spec, ['a', 'b', '--quiet', 'c', '--', '-d', '--tag']).positionals).toEqual({ first: 'a', rest: ['b', 'c', '-d', '--tag'] });
    expect(parseCommandLine(spec, ['--', '-a']).positionals).toEqual({ first: '-a', rest: [] });
  });

  test.each([
    [['--name'], '--name needs a value'],
    [['-N', '--quiet', 'w'], '-N needs a value'],
    [['--quiet=yes', 'w'], '--quiet takes no value'],
    [['--bogus', '-z', 'w'], 'unknown options --bogus, -z'],
    [['--no-name', 'w'], 'unknown option --no-name'],
    [[], 'missing <first>: mmstats try <first> [rest..]'],
  ])('%p: %s', (args, message) => {
    expect(() => parseCommandLine(spec, args)).toThrow(new UsageError(message));
  });

  test('a word too many for a command without a variadic positional', () => {
    const fixed = defineCommand({ name: 'try', describe: 'one word at most', positionals: [{ name: 'only', describe: 'one word' }], options: {}, examples: [], run: async () => 0 });
    expect(() => parseCommandLine(fixed, ['a', 'b'])).toThrow(new UsageError("unexpected argument 'b': mmstats try [only]"));
  });
});

describe('help', () => {
  const flat = (text: string) => text.replace(/\s+/g, ' ');

  test('the program help lists every command with its usage line and what it does, and the global options', () => {
    const help = programHelp(COMMAND_NAMES.map(commandSpec));
    expect(help).toMatch(/^mmstats <command> \[options\]\n/);
    for (const name of COMMAND_NAMES) {
      expect(flat(help)).toContain(flat(commandSpec(name).describe));
    }
    expect(help).toContain('mmstats poll <fields> [files..]');
    for (const option of ['--verbose', '-h, --help', '-v, --version']) expect(help).toContain(option);
  });

  test.each(['slurp', 'poll', 'clean', 'web'])('%s --help lists each option with its alias, text, type and default, and the positionals', (name) => {
    const command = commandSpec(name);
    const help = flat(commandHelp(command));
    expect(help.startsWith(`mmstats ${name}`)).toBe(true);
    for (const [option, spec] of Object.entries(command.options)) {
      expect(help).toContain(`${spec.short ? `-${spec.short}, ` : ''}--${option} ${flat(spec.describe)} [${spec.type}]`);
      const shown = spec.defaultDescription ?? (spec.default === undefined ? undefined : JSON.stringify(spec.default));
      if (shown !== undefined) expect(help).toContain(`[${spec.type}] [default: ${flat(shown)}]`);
    }
    for (const positional of command.positionals) expect(help).toContain(`${positional.name} ${flat(positional.describe)}`);
    for (const [line, what] of command.examples) expect(help).toContain(`${line} ${what}`);
  });

  test(`lines fit in ${HELP_WIDTH} columns`, () => {
    const texts = [programHelp(COMMAND_NAMES.map(commandSpec)), ...COMMAND_NAMES.map((name) => commandHelp(commandSpec(name)))];
    for (const line of texts.join('\n').split('\n')) expect([line, line.length <= HELP_WIDTH]).toEqual([line, true]);
  });
});

describe('packageVersion', () => {
  test("is the package's version", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8'));
    expect(packageVersion()).toBe(pkg.version);
  });
});
