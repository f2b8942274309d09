import { defineCommand, type ParsedCommandLine } from '../command-spec';
import { describeError, UsageError } from '../errors';
import type { Io } from '../io';
import { FILES_ARGUMENT } from '../options';
import { selectFiles } from '../read/files';
import { computeTick, missingColumns, Sampler, type Cell, type PollMode, type Sample } from '../read/poller';
import { parseSelector, SelectorError, splitFields, type Selector } from '../read/selector';
import { escapeControls } from '../render/escape';
import { OnceLog } from '../render/once-log';
import { quoteLabel } from '../render/labels';
import { cellMinimum, fitCell, formatCell, growWidths, renderHeader, renderLine, renderTickJson, UNKNOWN_CELL } from '../render/table';

/** How often the header repeats when standard output is not a terminal (or its height is unknown). */
export const DEFAULT_HEADER_EVERY = 21;

/** Options of `runPoll`: the parsed `mmstats poll` command line. */
export interface PollOptions {
  /**
   * Fields to show, as named on the command line (without the prefix); they head the columns.
   * Each is a label, a family name (every series of it) or a family with the labels its series
   * must have, `requests{status=5xx}`, and for a histogram family a statistic over each interval,
   * `latency:p99` or `latency{route=/a}:rate` (see `parseSelector`, `HistogramStatistic`).
   */
  readonly fields: readonly string[];
  /** Prepended to every field to make the label looked up. Defaults to none. */
  readonly prefix?: string;
  /** Files, directories or glob patterns, selected again at every tick. Defaults as for slurp. */
  readonly files?: readonly string[];
  /** Number of rows to print. Defaults to until interrupted. */
  readonly count?: number;
  /** Seconds between rows. Defaults to 1. */
  readonly delay?: number;
  /** Print the header every this many rows (0: only once). Defaults to the terminal height minus 2, else 21. */
  readonly headers?: number;
  /** Count only files with a label starting with one of these. Defaults to every file. */
  readonly filter?: readonly string[];
  /** Per-second rates instead of per-interval deltas. */
  readonly rate?: boolean;
  /** Totals in every row instead of deltas. */
  readonly absolute?: boolean;
  /** One JSON object per row (NDJSON) instead of a table. */
  readonly json?: boolean;
  /** Add stack traces to error messages. Defaults to false. */
  readonly verbose?: boolean;
  /** The clock, in milliseconds since the epoch. Defaults to `Date.now`. */
  readonly now?: () => number;
}

/**
 * `mmstats poll`: a vmstat-like live view. Every `delay` seconds it selects the files again,
 * reads them and prints one row: for each field, what it means across every file that has it
 * (see `computeTick`): counters (and integers in files without metadata) as their growth since
 * the previous row (totals in the first row), every other field as its current values combined
 * by its aggregate, shown in its unit. Columns keep the width they had when the header was
 * printed; a wider value is shortened to fit (`fitCell`). Files that
 * go away are reported on standard error. A value that changed between every two copies the read
 * protocol made (SPEC.md §8.3) keeps the file's previous value for that row (so the row neither
 * fails nor jumps), reported once per file and field on standard error. Stops after `count` rows,
 * on Ctrl-C or when standard output is closed, with exit code 0; 1 if no file or a field is not
 * found at the first row.
 */
export async function runPoll(options: PollOptions, io: Io): Promise<number> {
  const now = options.now ?? Date.now;
  const prefix = options.prefix ?? '';
  const headers = [...options.fields];
  const selectors = parseSelectors(headers, prefix);
  const statistics = selectors.map((selector) => selector.statistic);
  const files = options.files ?? [];
  const mode: PollMode = options.absolute ? 'absolute' : options.rate ? 'rate' : 'delta';
  const delayMs = (options.delay ?? 1) * 1000;
  const headerEvery = options.headers ?? (io.isTTY && io.rows !== undefined && io.rows > 2 ? io.rows - 2 : DEFAULT_HEADER_EVERY);
  const bold = io.isTTY && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
  const sampler = new Sampler({ selectors, filter: options.filter });

  let stopped = false;
  let wake: (() => void) | undefined;
  const unregister =
    io.onInterrupt?.(() => {
      stopped = true;
      wake?.();
    }) ?? (() => {});
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  // Every line for standard error goes through here: file names and labels come from other
  // processes, and a control character among them must not drive the terminal or forge a line.
  const warn = (text: string) => io.stderr(escapeControls(text) + '\n');
  const once = new OnceLog(io.stderr, 'mmstats: more problems than can be listed; further ones are not reported\n');
  try {
    let previous: Sample | undefined;
    let widths: number[] | undefined;
    let next = now();
    for (let row = 0; options.count === undefined || row < options.count; row++) {
      if (row > 0) {
        next += delayMs;
        // Behind schedule (a slow read, a suspended process): start again from now.
        if (next < now()) next = now();
        await sleep(next - now());
      }
      if (stopped) break;
      const selection = await selectFiles(files, io.env, io.cwd);
      // The row's time is read after the files: a timestamp written while they were read is then
      // never in the future (its age is at least 0).
      const read = await sampler.sample(selection.files, 0);
      const sample: Sample = { ...read, time: now() };
      if (stopped) break;
      // Each problem once: a broken file would otherwise repeat its error every row. A file named
      // but missing is a problem at the first row; later, a file missing has gone away.
      const problems = row === 0 ? [...selection.errors, ...sample.missing, ...sample.errors] : sample.errors;
      for (const error of problems) {
        const text = describeError(error, options.verbose);
        once.report(text, text);
      }
      for (const [key, text] of unstableNotices(sample)) once.report(key, text);
      if (row === 0) {
        const failure = firstRowFailure(sample, selectors, options, selection.searched, problems.length > 0);
        if (failure !== undefined) {
          if (failure !== '') warn(failure);
          return 1;
        }
      }
      const tick = computeTick(previous, sample, selectors.length, mode, statistics);
      for (const file of tick.gone) warn(`mmstats: ${file} went away`);
      if (options.json) {
        io.stdout(renderTickJson(tick, headers));
      } else {
        const cells: Cell[] = [...tick.cells, { kind: 'growth', value: tick.files }];
        const texts = cells.map((cell) => formatCell(cell, tick.time));
        const columns = [...headers.map(escapeControls), 'files'];
        // Widths change only with a header above them, so no row shifts the table under its header.
        if (row === 0 || (headerEvery > 0 && row % headerEvery === 0)) {
          widths = growWidths(widths, columns, texts, cells.map(cellMinimum));
          io.stdout(renderHeader(columns, widths, bold));
        }
        io.stdout(renderLine(texts.map((text, i) => fitCell(text, cells[i], widths![i])), widths!));
      }
      previous = sample;
    }
    return 0;
  } finally {
    unregister();
  }
}

/**
 * One notice per file and label that no two copies agreed on in `sample`, keyed by file and label
 * (so it is printed once, however often the value flips between stable and not).
 */
function unstableNotices(sample: Sample): Array<[string, string]> {
  const notices: Array<[string, string]> = [];
  for (const file of sample.files) {
    for (const label of file.unstable) {
      const text = `mmstats: ${file.file}: ${quoteLabel(label)} changed between every two reads: shown as ${UNKNOWN_CELL} (reported once)`;
      notices.push([`${file.path}\0${label}`, escapeControls(text) + '\n']);
    }
  }
  return notices;
}

/** The fields of the command line taken apart; a field that is not well formed is a usage error. */
function parseSelectors(fields: readonly string[], prefix: string): Selector[] {
  try {
    return fields.map((field) => parseSelector(field, prefix));
  } catch (error) {
    if (error instanceof SelectorError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Why the first row cannot be shown (no file counted, fields no file has, or labels a family
 * does not have), or undefined. The empty string when no file counted and the errors already
 * printed say why.
 */
function firstRowFailure(
  sample: Sample,
  selectors: readonly Selector[],
  options: PollOptions,
  searched: string | undefined,
  reportedErrors: boolean,
): string | undefined {
  if (sample.files.length === 0) {
    const filter = options.filter?.length ? ` with a label starting with ${options.filter.map(quoteLabel).join(' or ')}` : '';
    const where = searched ?? (options.files ?? []).join(' ');
    return reportedErrors && !filter ? '' : `mmstats: no mmstats files${filter} found (searched ${where})`;
  }
  const missing = missingColumns(sample, selectors.length).map((column) => selectors[column]);
  if (missing.length === 0) return notHistograms(sample, selectors) ?? unknownLabels(sample, selectors);
  const names = missing.map((selector) => quoteLabel(selector.text));
  const full = options.prefix ? ` (label${missing.length > 1 ? 's' : ''} ${missing.map((selector) => quoteLabel(selector.name)).join(', ')})` : '';
  const shown = sample.files.slice(0, 5).map((file) => file.file);
  const more = sample.files.length > shown.length ? `, and ${sample.files.length - shown.length} more` : '';
  const count = sample.files.length === 1 ? '1 file' : `${sample.files.length} files`;
  return `mmstats: unknown field${missing.length > 1 ? 's' : ''} ${names.join(', ')}${full}: not in any of ${count} read: ${shown.join(', ')}${more}`;
}

/** Why a field asks for a histogram statistic (`name:p99`) of something no file holds as a histogram, or undefined. */
function notHistograms(sample: Sample, selectors: readonly Selector[]): string | undefined {
  for (const [column, selector] of selectors.entries()) {
    if (selector.statistic === undefined || sample.files.some((file) => file.histograms[column] !== undefined)) continue;
    const kind = sample.files.map((file) => file.families[column]?.kind).find((found) => found !== undefined);
    return `mmstats: field ${quoteLabel(selector.text)}: ${quoteLabel(selector.name)} is ${kind ? `a ${kind}` : 'a record without metadata'}, not a histogram`;
  }
  return undefined;
}

/**
 * Why a field asks for a label its family does not declare in any file (a typo would otherwise
 * show 0 forever), or undefined.
 */
function unknownLabels(sample: Sample, selectors: readonly Selector[]): string | undefined {
  for (const [column, selector] of selectors.entries()) {
    const declared = new Set<string>();
    for (const file of sample.files) for (const name of file.families[column]?.meta?.labels ?? []) declared.add(name);
    if (declared.size === 0) continue;
    const unknown = Object.keys(selector.labels).filter((key) => !declared.has(key));
    if (unknown.length > 0) {
      return `mmstats: field ${quoteLabel(selector.text)}: ${quoteLabel(selector.name)} has no label ${unknown.map(quoteLabel).join(', ')} (its labels: ${[...declared].join(', ')})`;
    }
  }
  return undefined;
}

const POLL_OPTIONS = {
  json: { type: 'boolean', default: false, describe: 'print one JSON object per row (NDJSON) instead of a table' },
  prefix: { type: 'string', short: 'p', default: '', defaultDescription: 'none', describe: 'prepended to every field (and left out of the headers)' },
  count: { type: 'number', short: 'c', defaultDescription: 'until interrupted', describe: 'number of rows to print' },
  delay: { type: 'number', short: 'd', default: 1, describe: 'seconds between rows (fractions allowed)' },
  headers: { type: 'number', short: 'n', defaultDescription: `terminal height - 2, else ${DEFAULT_HEADER_EVERY}`, describe: 'repeat the header every N rows (0: only once)' },
  filter: { type: 'string', short: 'f', repeatable: true, describe: 'count only files with a label starting with P (repeatable)' },
  rate: { type: 'boolean', default: false, describe: 'per-second rates instead of per-interval deltas' },
  absolute: { type: 'boolean', default: false, describe: 'totals in every row instead of deltas' },
} as const;

const POLL_POSITIONALS = [
  {
    name: 'fields',
    required: true,
    describe: 'comma-separated labels or families to show, e.g. 2XX,5XX or requests,requests{status=5xx}; for a histogram, name:p50,p99,max,rate,count',
  },
  FILES_ARGUMENT,
] as const;

/** The parsed `mmstats poll` command line. */
export type PollArgs = ParsedCommandLine<typeof POLL_OPTIONS, typeof POLL_POSITIONALS>;

/**
 * What is wrong with a command line that parsed, if anything: options out of range, fields not
 * well formed or named twice.
 */
function usageProblem({ options, positionals }: PollArgs): string | undefined {
  if (options.rate && options.absolute) return '--rate and --absolute cannot be used together';
  let fields: string[];
  try {
    fields = splitFields(positionals.fields);
  } catch (error) {
    if (error instanceof SelectorError) return error.message;
    throw error;
  }
  if (fields.some((field) => field === '')) return `empty field name in ${JSON.stringify(positionals.fields)}`;
  for (const field of fields) {
    try {
      parseSelector(field);
    } catch (error) {
      if (error instanceof SelectorError) return error.message;
      throw error;
    }
  }
  const duplicate = fields.find((field, i) => fields.indexOf(field) !== i);
  if (duplicate !== undefined) return `field ${JSON.stringify(duplicate)} named twice`;
  const { count, delay, headers } = options;
  if (count !== undefined && !(Number.isInteger(count) && count >= 1)) return '--count must be a whole number of at least 1';
  if (!(Number.isFinite(delay) && delay > 0)) return '--delay must be a number of seconds above 0';
  if (delay * 1000 > 2 ** 31 - 1) return '--delay must be at most 2147483 seconds';
  if (headers !== undefined && !(Number.isInteger(headers) && headers >= 0)) return '--headers must be a whole number (0: only once)';
  return undefined;
}

/** `mmstats poll <fields> [files..]`: what it takes, its help, and `runPoll` to run it. */
export const pollCommand = defineCommand({
  name: 'poll',
  describe: 'show some fields over all files, one row per interval (like vmstat)',
  positionals: POLL_POSITIONALS,
  options: POLL_OPTIONS,
  examples: [
    ['mmstats poll -p web.stats.status. 2XX,3XX,4XX,5XX', 'requests per interval by status class'],
    ['mmstats poll -c 10 -d 0.5 --rate jobs.done /run/workers', 'ten rows of rates, twice a second'],
    ["mmstats poll -p web.stats. 'requests,requests{status=5xx},last_hit'", 'a labelled counter, one status class of it, a timestamp'],
    ["mmstats poll 'latency:p50,p99,max,rate' 'latency{route=/a}:p99'", 'quantiles of a histogram over each interval, merged across processes'],
    ['mmstats poll --json --absolute http.requests', 'NDJSON totals'],
  ],
  run: async (args, io) => {
    const problem = usageProblem(args);
    if (problem) throw new UsageError(problem);
    const { options, positionals, verbose } = args;
    return runPoll({ ...options, fields: splitFields(positionals.fields), files: positionals.files, verbose }, io);
  },
});
