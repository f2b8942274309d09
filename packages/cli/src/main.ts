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
  // The version needs neither the parser nor any command.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  const { commandOf, expandHelpCommand, resolveCommandLine } = require('./parser') as typeof import('./parser');
  const args = expandHelpCommand(argv);
  try {
    const request = resolveCommandLine(args);
    if (request.kind === 'print') {
      io.stdout(request.text);
      return 0;
    }
    return await request.command.run(request.args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      const command = commandOf(args);
      io.stderr(`mmstats: ${err.message}\nRun 'mmstats ${command ? `${command} ` : ''}--help' for usage.\n`);
      return 2;
    }
    io.stderr(describeError(err, argv.includes('--verbose')));
    return 1;
  }
}
