// A fresh application that installs the packed packages the way a user does, with install scripts
// blocked (`npm install --ignore-scripts`, pnpm's default): the native binding is then not built.
// Only the tarballs packed from this tree and npm's cache (filled by `npm ci`) are used; when the
// cache lacks some package metadata, npm asks the registry for it (and caches it for next time).
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO = join(__dirname, '../../../..');
const PACKAGES = ['format', 'writer', 'cli'];

/** The environment of a user's shell: without the npm_* variables `npm test` sets for its scripts. */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(name) && name !== 'INIT_CWD') env[name] = value;
  }
  return { ...env, ...extra };
}

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, env: userEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface PackedApp {
  /** The application's directory; its node_modules holds the installed packages. */
  readonly dir: string;
  /** Directory of the three tarballs. */
  readonly tarballs: string;
  /** Runs `node args` in the app directory. */
  node(args: string[], env?: Record<string, string>): SpawnSyncReturns<string>;
  /** Writes a file of the app. */
  write(name: string, text: string): string;
  /** Puts the binding built for this tree into the app: what `npm rebuild @riaskov/mmap-io` produces. */
  rebuildBinding(): void;
  /** Removes everything. */
  remove(): void;
}

/** Packs the three packages (they must be built) and installs the tarballs in a new app with install scripts blocked. */
export function installPackedApp(): PackedApp {
  const root = mkdtempSync(join(tmpdir(), 'mmstats-fresh-app-'));
  const tarballs = join(root, 'tarballs');
  const dir = join(root, 'app');
  mkdirSync(tarballs);
  mkdirSync(dir);
  npm(['pack', '--silent', ...PACKAGES.flatMap((name) => ['--workspace', `packages/${name}`]), '--pack-destination', tarballs], REPO);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fresh-app', version: '1.0.0', private: true }));
  const files = readdirSync(tarballs).map((name) => join(tarballs, name));
  const install = (mode: string) => npm(['install', '--ignore-scripts', mode, '--no-audit', '--no-fund', '--loglevel=error', ...files], dir);
  try {
    install('--offline');
  } catch {
    // npm ci caches tarballs but not the registry's package metadata: fetch what is missing once.
    install('--prefer-offline');
  }
  return {
    dir,
    tarballs,
    node: (args, env = {}) => spawnSync(process.execPath, args, { cwd: dir, env: userEnv(env), encoding: 'utf8', timeout: 60_000 }),
    write: (name, text) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    rebuildBinding: () => {
      cpSync(join(REPO, 'node_modules/@riaskov/mmap-io/build'), join(dir, 'node_modules/@riaskov/mmap-io/build'), { recursive: true });
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
