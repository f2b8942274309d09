// The one-file build of the command (bin/bundle.js, made by `npm run build`): it prints what the
// separate modules print, its saved code cache fits this Node, and a cache that does not fit or a
// bundle older than the last build is not used.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vm from 'node:vm';

import { memoryIo } from '../src/io';
import { main } from '../src/main';
import { ORIGINAL_FIXTURES, useTempDir } from './util';

interface Bundle {
  BUNDLE: string;
  bundleIsCurrent(bundlePath?: string, buildRecords?: readonly string[]): boolean;
  loadBundle(cachedData: Buffer | undefined): { exports: { main: typeof main }; script: vm.Script };
  readCodeCache(): Buffer | undefined;
}

const bundle = require('../bin/bundle.js') as Bundle;

let dir: string;
useTempDir((created) => (dir = created));

beforeAll(() => {
  if (!fs.existsSync(bundle.BUNDLE)) throw new Error(`${bundle.BUNDLE} is missing: run \`npm run build\` before these tests`);
});

async function slurpWith(run: typeof main) {
  const io = memoryIo({ cwd: ORIGINAL_FIXTURES });
  const code = await run(['slurp', 'basic.mmstats', '--json'], io);
  return { code, out: io.out, err: io.err };
}

describe('the bundled command', () => {
  test('prints what the separate modules print', async () => {
    const { exports } = bundle.loadBundle(bundle.readCodeCache());
    const bundled = await slurpWith(exports.main);
    expect(bundled).toEqual(await slurpWith(main));
    expect(bundled.code).toBe(0);
  });

  test("the build's code cache fits this Node, so nothing is compiled twice", () => {
    const cache = bundle.readCodeCache();
    expect(cache).toBeDefined();
    expect(bundle.loadBundle(cache).script.cachedDataRejected).toBe(false);
  });

  test('a code cache that does not fit is ignored and the command still runs', async () => {
    const { exports, script } = bundle.loadBundle(Buffer.from('not a code cache'));
    expect(script.cachedDataRejected).toBe(true);
    expect((await slurpWith(exports.main)).code).toBe(0);
  });

  test('is used only while no build is newer than it', () => {
    const bundleFile = path.join(dir, 'mmstats.js');
    const record = path.join(dir, 'tsconfig.tsbuildinfo');
    expect(bundle.bundleIsCurrent(bundleFile, [record])).toBe(false);
    fs.writeFileSync(bundleFile, '');
    expect(bundle.bundleIsCurrent(bundleFile, [record])).toBe(true);
    fs.writeFileSync(record, '');
    fs.utimesSync(bundleFile, new Date(1000), new Date(1000));
    expect(bundle.bundleIsCurrent(bundleFile, [record])).toBe(false);
    fs.utimesSync(record, new Date(500), new Date(500));
    expect(bundle.bundleIsCurrent(bundleFile, [record])).toBe(true);
  });
});
