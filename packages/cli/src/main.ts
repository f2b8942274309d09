import { UsageError, describeError } from './errors';
import type { Io } from './io';
import { packageVersion } from './version';

export { realIo } from './io';

/**
 * Runs the `mmstats` command line `argv` (without the node and script names) against `io` and
 * resolves to the exit code: 0 on success, 1 if any file failed, 2 for a usage error. Never
 * rejects and never exits the process, so piped output is not cut off.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  // Loading the parser (yargs) is most of the command's start-up: the version needs none of it.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  const { buildParser, commandOf, expandHelpCommand } = require('./parser') as typeof import('./parser');
  let exitCode = 0;
  const args = expandHelpCommand(argv);
  const parser = buildParser(
    io,
    (code) => {
      exitCode = code;
    },
    args,
  );
  try {
    await parser.parseAsync(args, {}, (_err, _argv, output) => {
      // --help and --version: yargs hands over the text instead of printing it.
      if (output) io.stdout(output.endsWith('\n') ? output : output + '\n');
    });
  } catch (err) {
    if (err instanceof UsageError) {
      const command = commandOf(args);
      io.stderr(`mmstats: ${err.message}\nRun 'mmstats ${command ? `${command} ` : ''}--help' for usage.\n`);
      return 2;
    }
    io.stderr(describeError(err, argv.includes('--verbose')));
    return 1;
  }
  return exitCode;
}
