import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import yargs, { type Argv } from 'yargs';

import { cleanCommand } from './commands/clean';
import { pollCommand } from './commands/poll';
import { slurpCommand } from './commands/slurp';
import { webCommand } from './commands/web';
import { UsageError } from './errors';
import type { Io } from './io';

/** The version in this package's package.json (one level above both `src/` and `dist/`). */
export function packageVersion(): string {
  const text = readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/**
 * The `mmstats` command line: commands, options, `--help` and `--version`. Nothing is parsed
 * until `parseAsync` is called. Bad flags or arguments reject with a `UsageError`; a command's
 * exit code goes to `done`. Pass a parse callback to `parseAsync` to receive help and version
 * text instead of having yargs print it to the console.
 */
export function buildParser(io: Io, done: (exitCode: number) => void = () => {}): Argv {
  return yargs()
    .scriptName('mmstats')
    // Arguments after `--` are file names even if they start with a dash (see fileArguments).
    .parserConfiguration({ 'populate--': true })
    .usage('$0 <command> [options]\n\nRead the mmstats files of running processes.')
    .command(slurpCommand(io, done))
    .command(pollCommand(io, done))
    .command(cleanCommand(io, done))
    .command(webCommand(io, done))
    .option('verbose', {
      describe: 'add stack traces to error messages',
      type: 'boolean',
      default: false,
      global: true,
    })
    .demandCommand(1, 'no command given')
    .strictCommands()
    .strictOptions()
    .help()
    .alias('help', 'h')
    .version(packageVersion())
    .exitProcess(false)
    .showHelpOnFail(false)
    .fail((message, err) => {
      // yargs reports bad command lines as a message or as a YError; anything else was thrown by
      // a command and goes up unchanged.
      if (err && err.name !== 'YError') throw err;
      throw new UsageError(message ?? err.message);
    });
}
