import { usageLine, type CommandSpec, type OptionSpec, type OptionSpecs } from './command-spec';
import { GLOBAL_OPTIONS } from './parse-command-line';

// The help texts, made from the command specs: what `--help` shows is what the parser accepts.

/** Help lines are wrapped to this many columns: readable in any terminal, and the same everywhere. */
export const HELP_WIDTH = 80;

/** The first line of `mmstats --help` and what follows it. */
const PROGRAM_USAGE = 'mmstats <command> [options]';
export const PROGRAM_SUMMARY = 'Read the mmstats files of running processes.';

// Joins the words of a short annotation (`[default: false]`) so that wrapping never splits it.
const GLUE = '\u00a0';

/** `text` cut into lines of at most `width` characters at spaces (a longer word stays whole). */
function wrap(text: string, width: number): string[] {
  return cut(text, width).map((line) => line.replaceAll(GLUE, ' '));
}

function cut(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines;
}

/** Two columns, indented by 2: each name, then its text wrapped beside it. */
function table(rows: ReadonlyArray<readonly [string, string]>): string {
  const nameWidth = Math.max(...rows.map(([name]) => name.length));
  const textWidth = Math.max(20, HELP_WIDTH - nameWidth - 4);
  const pad = ' '.repeat(nameWidth + 4);
  return rows
    .map(([name, text]) => {
      const [first, ...rest] = wrap(text, textWidth);
      return [`  ${name.padEnd(nameWidth)}  ${first}`.trimEnd(), ...rest.map((line) => pad + line)].join('\n');
    })
    .join('\n');
}

function section(title: string, rows: ReadonlyArray<readonly [string, string]>): string {
  return rows.length === 0 ? '' : `\n${title}:\n${table(rows)}\n`;
}

/** `[number] [default: 1]`: the option's type and default as the help shows them. */
function annotations(option: OptionSpec): string {
  let text = `[${option.type}]`;
  const shown = option.defaultDescription ?? (option.default === undefined ? undefined : JSON.stringify(option.default));
  if (shown === undefined) return text;
  // A short default stays on one line with its label; a long one may wrap like any text.
  return `${text} [default:${shown.length <= 16 ? GLUE : ' '}${shown}]`;
}

function optionRows(options: OptionSpecs): Array<[string, string]> {
  return Object.entries(options).map(([name, option]) => [
    option.short ? `-${option.short}, --${name}` : `--${name}`,
    `${option.describe} ${annotations(option)}`,
  ]);
}

/** `mmstats --help`: every command with its usage line and what it does, and the options of all of them. */
export function programHelp(commands: readonly CommandSpec[]): string {
  const rows: Array<[string, string]> = commands.map((command) => [`mmstats ${usageLine(command)}`, command.describe]);
  rows.push(['mmstats help [command]', 'show this help, or the help of one command']);
  return `${PROGRAM_USAGE}\n\n${PROGRAM_SUMMARY}\n${section('Commands', rows)}${section('Options', optionRows(GLOBAL_OPTIONS))}`;
}

/** `mmstats <command> --help`: the command's usage line, its positionals, options and examples. */
export function commandHelp(command: CommandSpec): string {
  const positionals: Array<[string, string]> = command.positionals.map((positional) => [
    positional.name,
    positional.defaultDescription === undefined ? positional.describe : `${positional.describe} [default: ${positional.defaultDescription}]`,
  ]);
  // Each example on two lines: command lines are too long to share a line with their text.
  const examples = command.examples.map(([line, what]) => `  ${line}\n${wrap(what, HELP_WIDTH - 6).map((text) => `      ${text}`).join('\n')}`);
  return (
    `mmstats ${usageLine(command)}\n\n${wrap(command.describe, HELP_WIDTH).join('\n')}\n` +
    section('Arguments', positionals) +
    section('Options', optionRows({ ...command.options, ...GLOBAL_OPTIONS })) +
    (examples.length === 0 ? '' : `\nExamples:\n${examples.join('\n')}\n`)
  );
}
