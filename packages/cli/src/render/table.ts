import type { Cell, Tick } from '../read/poller';
import { escapeControls, jsonString } from './escape';
import { formatFloat } from './number';

/** Narrowest a column gets, as in vmstat-like tools: small counts do not make the table jumpy. */
export const MIN_COLUMN_WIDTH = 6;

/** Decimals of a per-second rate (`--rate`). */
export const RATE_DECIMALS = 2;

/**
 * A cell as text: integers in full (exact beyond 2^53), floats as Python 2's `str()` (like
 * slurp), rates with two decimals, strings with their control characters escaped
 * (`escapeControls`; `-` when no file has the label), counts of true bools as integers, and `?`
 * for a value not known at this row.
 */
export function formatCell(cell: Cell): string {
  switch (cell.kind) {
    case 'int':
      return cell.value.toString();
    case 'float':
      return formatFloat(cell.value);
    case 'rate':
      return Number.isFinite(cell.value) ? cell.value.toFixed(RATE_DECIMALS) : formatFloat(cell.value);
    case 'string':
      return cell.value === undefined ? '-' : escapeControls(cell.value);
    case 'count':
      return String(cell.value);
    case 'unknown':
      return UNKNOWN_CELL;
  }
}

/** What a cell shows when a value of the row is not known (it changed between every two reads). */
export const UNKNOWN_CELL = '?';

/** Length in code points, as a terminal counts most characters. */
export function textWidth(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Column widths: for each column the widest of its header, the given cells, the previous width
 * and `MIN_COLUMN_WIDTH`. Columns only ever grow, so rows stay aligned with the rows above.
 */
export function growWidths(previous: readonly number[] | undefined, headers: readonly string[], cells: readonly string[]): number[] {
  return headers.map((header, i) =>
    Math.max(MIN_COLUMN_WIDTH, previous?.[i] ?? 0, textWidth(header), cells[i] === undefined ? 0 : textWidth(cells[i])),
  );
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

/** The value of a cell in JSON (exact integers; NaN and the infinities as strings; null for no string or an unknown value). */
function cellJson(cell: Cell): string {
  switch (cell.kind) {
    case 'int':
      return cell.value.toString();
    case 'float':
    case 'rate':
      if (Number.isNaN(cell.value)) return '"NaN"';
      if (!Number.isFinite(cell.value)) return cell.value > 0 ? '"Infinity"' : '"-Infinity"';
      return Object.is(cell.value, -0) ? '-0' : String(cell.value);
    case 'string':
      return cell.value === undefined ? 'null' : jsonString(cell.value);
    case 'count':
      return String(cell.value);
    case 'unknown':
      return 'null';
  }
}

/**
 * One line of `--json` output (NDJSON):
 * `{"time": <unix seconds>, "files": n, "values": {"<header>": value, …}, "gone": ["<file>", …]}`.
 * `tick.time` is taken as milliseconds since the epoch.
 */
export function renderTickJson(tick: Tick, headers: readonly string[]): string {
  const values = headers.map((header, i) => `${jsonString(header)}: ${cellJson(tick.cells[i])}`).join(', ');
  const gone = tick.gone.map((file) => jsonString(file)).join(', ');
  return `{"time": ${tick.time / 1000}, "files": ${tick.files}, "values": {${values}}, "gone": [${gone}]}\n`;
}
