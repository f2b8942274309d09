import type { StatValue } from '@mmstats/format';

import type { Cell, Tick } from '../read/poller';
import { escapeControls, jsonString } from './escape';
import { formatFloat } from './number';
import { formatInUnit, formatRateInUnit, showsInUnit, unitWidth } from './units';

/** Narrowest a column gets, as in vmstat-like tools: small counts do not make the table jumpy. */
export const MIN_COLUMN_WIDTH = 6;

/** Decimals of a per-second rate (`--rate`) without a unit. */
export const RATE_DECIMALS = 2;

/** What a cell shows when a value of the row is not known (it changed between every two reads, or its files went away). */
export const UNKNOWN_CELL = '?';

/** What a cell shows when no file has a value for it (a text never set, a family with no series yet). */
export const NO_VALUE_CELL = '-';

/** A number without a unit: integers in full (exact beyond 2^53), floats as Python 2's `str()` (like slurp). */
function plainNumber(value: number | bigint, float: boolean): string {
  if (typeof value === 'bigint') return value.toString();
  return float || !Number.isInteger(value) ? formatFloat(value) : String(value);
}

function valueText(value: StatValue, unit: string | undefined, nowMs: number): string {
  if (typeof value === 'string') return escapeControls(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return formatInUnit(value, unit, nowMs) ?? plainNumber(value, false);
}

/**
 * A cell as text. Growth and values in their unit (`@mmstats/format` units, see units.ts:
 * durations in ns…s, bytes humanised, ratios in percent, timestamps as an age at `nowMs`);
 * without one, integers in full (exact beyond 2^53) and floats as Python 2's `str()`, like slurp.
 * Rates without a unit have two decimals. Strings have their control characters escaped
 * (`escapeControls`), bools show `True`/`False`; `-` for no value and `?` for a value not known
 * at this row.
 */
export function formatCell(cell: Cell, nowMs: number = Date.now()): string {
  switch (cell.kind) {
    case 'growth':
      // A timestamp has no growth to show as an age.
      return (cell.unit === 'epoch_seconds' ? undefined : formatInUnit(cell.value, cell.unit, nowMs)) ?? plainNumber(cell.value, false);
    case 'rate':
      if (!Number.isFinite(cell.value)) return formatFloat(cell.value);
      return formatRateInUnit(cell.value, cell.unit) ?? cell.value.toFixed(RATE_DECIMALS);
    case 'value':
      if (cell.value === undefined) return NO_VALUE_CELL;
      if (cell.float && typeof cell.value === 'number' && !showsInUnit(cell.unit)) return formatFloat(cell.value);
      return valueText(cell.value, cell.unit, nowMs);
    case 'unknown':
      return UNKNOWN_CELL;
  }
}

/** Length in code points, as a terminal counts most characters. */
export function textWidth(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** The narrowest a cell's column should be for what its unit usually looks like. */
export function cellMinimum(cell: Cell): number {
  return cell.kind === 'unknown' ? 0 : unitWidth(cell.unit);
}

/**
 * Column widths, worked out when a header is printed: for each column the widest of its header,
 * the given cells, `minimums` (such as `cellMinimum`), the previous width and `MIN_COLUMN_WIDTH`.
 * Between two headers the widths stay as they are (`fitCell` makes a wider value fit), so no row
 * shifts the table under its header; columns only ever grow.
 */
export function growWidths(
  previous: readonly number[] | undefined,
  headers: readonly string[],
  cells: readonly string[],
  minimums: readonly number[] = [],
): number[] {
  return headers.map((header, i) =>
    Math.max(MIN_COLUMN_WIDTH, previous?.[i] ?? 0, minimums[i] ?? 0, textWidth(header), cells[i] === undefined ? 0 : textWidth(cells[i])),
  );
}

const SI_PREFIXES = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];

/**
 * `value` in at most `width` characters: fewer decimals, then SI prefixes (`1.23M`), then an
 * exponent (`1e-9`), never rounding a value that is not zero to zero; undefined if nothing fits.
 */
export function compactNumber(value: number, width: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  const sign = value < 0 ? '-' : '';
  let magnitude = Math.abs(value);
  let prefix = 0;
  while (magnitude >= 999.5 && prefix < SI_PREFIXES.length - 1) {
    magnitude /= 1000;
    prefix++;
  }
  for (let decimals = 6; decimals >= 0; decimals--) {
    const digits = magnitude.toFixed(decimals);
    if (value !== 0 && Number(digits) === 0) break;
    const text = sign + digits + SI_PREFIXES[prefix];
    if (text.length <= width) return text;
  }
  for (let digits = 3; digits >= 1; digits--) {
    const text = value.toExponential(digits - 1).replace('e+', 'e');
    if (text.length <= width) return text;
  }
  return undefined;
}

/**
 * `text`, the text of `cell`, made to fit `width` characters: as it is if it fits; a number
 * without a unit in a shorter form (`compactNumber`); anything else cut, ending in `…`.
 */
export function fitCell(text: string, cell: Cell, width: number): string {
  if (textWidth(text) <= width) return text;
  if (cell.kind !== 'unknown' && !showsInUnit(cell.unit) && (typeof cell.value === 'number' || typeof cell.value === 'bigint')) {
    const compact = compactNumber(Number(cell.value), width);
    if (compact !== undefined) return compact;
  }
  return [...text].slice(0, Math.max(0, width - 1)).join('') + '…';
}

/** One line of right-aligned columns separated by a space. */
export function renderLine(texts: readonly string[], widths: readonly number[]): string {
  return texts.map((text, i) => ' '.repeat(Math.max(0, (widths[i] ?? 0) - textWidth(text))) + text).join(' ') + '\n';
}

/** The header line; `bold` wraps it in the terminal's bold attribute (callers decide when colour is allowed). */
export function renderHeader(headers: readonly string[], widths: readonly number[], bold = false): string {
  const line = renderLine(headers, widths);
  // SGR 1/22, as `util.styleText('bold', …)` writes them; written out because styleText looks at
  // process.stdout rather than the command's own output in recent Node versions.
  return bold ? `\x1b[1m${line.slice(0, -1)}\x1b[22m\n` : line;
}

/** A number in JSON: exact integers; NaN and the infinities as strings. */
function numberJson(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString();
  if (Number.isNaN(value)) return '"NaN"';
  if (!Number.isFinite(value)) return value > 0 ? '"Infinity"' : '"-Infinity"';
  return Object.is(value, -0) ? '-0' : String(value);
}

/** The value of a cell in JSON (numbers as they are, in no unit; null for no value or an unknown one). */
function cellJson(cell: Cell): string {
  switch (cell.kind) {
    case 'growth':
    case 'rate':
      return numberJson(cell.value);
    case 'value':
      if (cell.value === undefined) return 'null';
      if (typeof cell.value === 'string') return jsonString(cell.value);
      if (typeof cell.value === 'boolean') return String(cell.value);
      return numberJson(cell.value);
    case 'unknown':
      return 'null';
  }
}

/**
 * One line of `--json` output (NDJSON):
 * `{"time": <unix seconds>, "files": n, "values": {"<header>": value, …}, "gone": ["<file>", …]}`.
 * `tick.time` is taken as milliseconds since the epoch. Values are plain numbers in the unit of
 * the field (seconds, bytes, seconds since the epoch), at full precision.
 */
export function renderTickJson(tick: Tick, headers: readonly string[]): string {
  const values = headers.map((header, i) => `${jsonString(header)}: ${cellJson(tick.cells[i])}`).join(', ');
  const gone = tick.gone.map((file) => jsonString(file)).join(', ');
  return `{"time": ${tick.time / 1000}, "files": ${tick.files}, "values": {${values}}, "gone": [${gone}]}\n`;
}
