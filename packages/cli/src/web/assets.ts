import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { packageDirectory } from '../package-directory';

/** A file the dashboard needs, held in memory: the server never opens a path a request names. */
export interface Asset {
  readonly contentType: string;
  readonly body: Buffer;
}

/** Where the dashboard's own files live: `web/` in the package, beside `src/` and `dist/`. */
export const DASHBOARD_DIRECTORY = path.join(packageDirectory(), 'web');

/**
 * The dashboard's files by URL path: the page, its scripts and style sheet, and uPlot's script and
 * style sheet from the installed `uplot` package (served locally, so the page works offline).
 * Read once, when the server starts.
 */
export function loadAssets(): ReadonlyMap<string, Asset> {
  const own = (name: string) => path.join(DASHBOARD_DIRECTORY, name);
  const files: Array<[string, string, string]> = [
    ['/', own('index.html'), 'text/html; charset=utf-8'],
    ['/static/rates.js', own('rates.js'), 'text/javascript; charset=utf-8'],
    ['/static/dashboard.js', own('dashboard.js'), 'text/javascript; charset=utf-8'],
    ['/static/dashboard.css', own('dashboard.css'), 'text/css; charset=utf-8'],
    ['/static/uPlot.iife.min.js', require.resolve('uplot/dist/uPlot.iife.min.js'), 'text/javascript; charset=utf-8'],
    ['/static/uPlot.min.css', require.resolve('uplot/dist/uPlot.min.css'), 'text/css; charset=utf-8'],
  ];
  return new Map(files.map(([url, file, contentType]) => [url, { contentType, body: readFileSync(file) }]));
}
