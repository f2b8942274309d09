import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { packageDirectory } from './package-directory';

/** The version in this package's package.json. */
export function packageVersion(): string {
  const text = readFileSync(path.join(packageDirectory(), 'package.json'), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
