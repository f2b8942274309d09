import type { CommandSpec, ParsedCommandLine } from './command-spec';
import { UsageError } from './errors';
import { commandHelp, programHelp, PROGRAM_SUMMARY } from './help';
import { asksFor, GLOBAL_OPTIONS, parseCommandLine } from './parse-command-line';
import { unknownCommand } from './usage';
import { packageVersion } from './version';

export { packageVersion };

// Each command's module is loaded only when the command line needs it: `mmstats slurp` never
// loads the web server, and `mmstats --version` loads no command at all.
const COMMANDS: Record<string, () => CommandSpec> = {
  slurp: () => (require('./commands/slurp') as typeof import('./commands/slurp')).slurpCommand,
  poll: () => (require('./commands/poll') as typeof import('./commands/poll')).pollCommand,
  clean: () => (require('./commands/clean') as typeof import('./commands/clean')).cleanCommand,
  web: () => (require('./commands/web') as typeof import('./commands/web')).webCommand,
};

/** The names of the `mmstats` commands. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

/** The spec of the command `name` (loading its module). */
export function commandSpec(name: string): CommandSpec {
  return COMMANDS[name]();
}

/** Where the first word of a command line that is not an option is, before any `--`; -1 if none. */
function commandIndex(argv: readonly string[]): number {
  for (const [index, arg] of argv.entries()) {
    if (arg === '--') return -1;
    if (!arg.startsWith('-')) return index;
  }
  return -1;
}

/** The command a command line runs, if its first word that is not an option names one. */
export function commandOf(argv: readonly string[]): string | undefined {
  const word = argv[commandIndex(argv)];
  return word !== undefined && COMMAND_NAMES.includes(word) ? word : undefined;
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

/** What a command line asks for: a text to print (help, version), or a command to run with its arguments. */
export type CommandLineRequest =
  | { readonly kind: 'print'; readonly text: string }
  | { readonly kind: 'run'; readonly command: CommandSpec; readonly args: ParsedCommandLine };

// Options may come before the command (`mmstats --verbose slurp`): only the global ones can.
const PROGRAM: CommandSpec = {
  name: 'mmstats',
  describe: PROGRAM_SUMMARY,
  positionals: [{ name: 'command', describe: 'the command', variadic: true }],
  options: GLOBAL_OPTIONS,
  examples: [],
  run: async () => 0,
};

/**
 * Works out what `argv` (without the node and script names; `help` already expanded, see
 * `expandHelpCommand`) asks for. `--help` and `--version` win over everything else on the line,
 * as in most tools. Loads only the module of the command named (every one for the program's help).
 * Throws a `UsageError` in our words for a command line that cannot be run.
 */
export function resolveCommandLine(argv: readonly string[]): CommandLineRequest {
  const index = commandIndex(argv);
  const name = argv[index];
  const command = name !== undefined && COMMAND_NAMES.includes(name) ? commandSpec(name) : undefined;
  if (asksFor(argv, 'help')) return { kind: 'print', text: command ? commandHelp(command) : programHelp(COMMAND_NAMES.map(commandSpec)) };
  if (asksFor(argv, 'version')) return { kind: 'print', text: `${packageVersion()}\n` };
  if (command) return { kind: 'run', command, args: parseCommandLine(command, [...argv.slice(0, index), ...argv.slice(index + 1)]) };
  if (name !== undefined) throw new UsageError(unknownCommand(name, COMMAND_NAMES));
  // Only options: reject unknown ones before saying that the command is missing.
  parseCommandLine(PROGRAM, argv);
  throw new UsageError('no command given');
}
