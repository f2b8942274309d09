import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * This package's directory: the nearest one above this module that holds a package.json. The code
 * runs from `src/` (tests), from `dist/` (a file per module) or from the one-file bundle
 * `dist/mmstats.js`, so a module cannot count its way up by its own depth.
 */
export function packageDirectory(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`mmstats: no package.json in or above ${__dirname}`);
  }
}
