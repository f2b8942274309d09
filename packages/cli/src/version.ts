import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The version in this package's package.json (one level above both `src/` and `dist/`). */
export function packageVersion(): string {
  const text = readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
