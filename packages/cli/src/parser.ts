import yargs, { type Argv, type CommandModule } from 'yargs';

import { UsageError } from './errors';
import type { Io } from './io';
import { usageMessage, type UsageContext } from './usage';
import { packageVersion } from './version';

export { packageVersion };

type CommandMaker = (io: Io, done: (exitCode: number) => void) => CommandModule<any, any>;

// Each command's module is loaded only when the command line needs it: `mmstats slurp` never
// loads the web server, and `mmstats --version` loads no command at all.
const COMMANDS: Record<string, () => CommandMaker> = {
  slurp: () => (require('./commands/slurp') as typeof import('./commands/slurp')).slurpCommand,
  poll: () => (require('./commands/poll') as typeof import('./commands/poll')).pollCommand,
  clean: () => (require('./commands/clean') as typeof import('./commands/clean')).cleanCommand,
  web: () => (require('./commands/web') as typeof import('./commands/web')).webCommand,
};

/** The names of the `mmstats` commands. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

/** The first word of a command line that is not an option: the command, when there is one. */
function commandWord(argv: readonly string[]): string | undefined {
  return argv.find((arg) => !arg.startsWith('-'));
}

/** The command a command line runs, if its first word that is not an option names one. */
export function commandOf(argv: readonly string[]): string | undefined {
  const word = commandWord(argv);
  return word !== undefined && COMMAND_NAMES.includes(word) ? word : undefined;
}

/**
 * The commands a command line needs: its own, or none when it names none and asks for no help
 * (`--version`), or every one (help, or a word that is no command: the error suggests one).
 */
function commandsFor(argv: readonly string[] | undefined): readonly string[] {
  if (argv === undefined) return COMMAND_NAMES;
  const command = commandOf(argv);
  if (command !== undefined) return [command];
  if (commandWord(argv) === undefined && !argv.includes('--help') && !argv.includes('-h')) return [];
  return COMMAND_NAMES;
}

/**
 * `mmstats help` and `mmstats help <command>` as `--help` and `<command> --help`; `help` with a
 * word that is no command leaves the word alone, to be reported (with a suggestion) as unknown.
 * Any other command line is unchanged.
 */
export function expandHelpCommand(argv: readonly string[]): string[] {
  if (argv[0] !== 'help') return [...argv];
  if (argv.length === 1) return ['--help'];
  return COMMAND_NAMES.includes(argv[1]) ? [...argv.slice(1), '--help'] : argv.slice(1);
}


/**
 * The `mmstats` command line: commands, options, `--help` and `--version` (`-v`). Nothing is
 * parsed until `parseAsync` is called. Bad flags or arguments reject with a `UsageError` in our
 * own words; a command's exit code goes to `done`. Pass a parse callback to `parseAsync` to
 * receive help and version text instead of having yargs print it to the console. Given the
 * command line to be parsed as `argv`, the parser loads only the command it names (and its
 * errors name that command); without it, every command is loaded.
 */
export function buildParser(io: Io, done: (exitCode: number) => void = () => {}, argv?: readonly string[]): Argv {
  const commands = commandsFor(argv).map((name) => ({ name, module: COMMANDS[name]()(io, done) }));
  const parser = yargs()
    .scriptName('mmstats')
    // The parser's own messages are matched and reworded (usage.ts): they must be in English.
    .locale('en')
    // Arguments after `--` are file names even if they start with a dash (see fileArguments).
    .parserConfiguration({ 'populate--': true })
    .usage('$0 <command> [options]\n\nRead the mmstats files of running processes.');
  for (const { module } of commands) parser.command(module);
  const running = commands.length === 1 ? commands[0] : undefined;
  return parser
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
    .alias('version', 'v')
    .exitProcess(false)
    .showHelpOnFail(false)
    .fail((message, err) => {
      // yargs reports bad command lines as a message or as a YError; anything else was thrown by
      // a command and goes up unchanged.
      if (err && err.name !== 'YError') throw err;
      const context: UsageContext = {
        argv: argv ?? [],
        commands: COMMAND_NAMES,
        command: running && { name: running.name, usage: String(running.module.command) },
      };
      throw new UsageError(usageMessage(message ?? err.message, context));
    });
}
