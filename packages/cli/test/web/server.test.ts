import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

import { sharedStatsReader } from '../../src/read/snapshot';
import { NO_HEADER } from '../../src/web/collect';
import { startWebServer, type WebServer } from '../../src/web/server';
import { makeTempDir, removeTempDir, writeStatsFile } from '../util';
import { eventually, requireWriterBuild, startWriter, type Writer } from './helpers';

let dir: string;
let outside: string;
let server: WebServer;
let writers: Writer[];
let logged: string[];

beforeAll(async () => {
  requireWriterBuild();
  dir = fs.realpathSync(makeTempDir());
  outside = fs.realpathSync(makeTempDir());
  writers = [await startWriter(dir, 'jobs', 'first'), await startWriter(dir, 'jobs', '<img src=x onerror=alert(1)>')];
  writeStatsFile(outside, 'secret.mmstats', [{ label: 'secret', signature: 'Q', buffered: true, initial: 42 }]);
  fs.symlinkSync(path.join(outside, 'secret.mmstats'), path.join(dir, 'link.mmstats'));
  fs.writeFileSync(path.join(dir, 'broken.mmstats'), 'not stats');
  writeStatsFile(dir, 'odd.mmstats', [{ label: '__proto__', signature: 'Q', buffered: true, initial: 1 }]);
  logged = [];
  server = await startWebServer({ scope: { directory: dir, pattern: '*.mmstats' }, port: 0, log: (line) => logged.push(line) });
});

afterAll(async () => {
  await server?.close();
  await Promise.all((writers ?? []).map((writer) => writer.stop()));
  removeTempDir(dir);
  removeTempDir(outside);
});

async function get(route: string, headers: Record<string, string> = {}) {
  const response = await fetch(new URL(route, server.url), { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function getJson(route: string) {
  const response = await get(route);
  return { ...response, body: JSON.parse(response.text) };
}

const jobFile = (writer: Writer) => path.basename(writer.file);

describe('mmstats web: JSON API against real writer processes', () => {
  test('GET /stats/ lists every label once, sorted, and reports the skipped files', async () => {
    const { status, body } = await getJson('/stats/');
    expect(status).toBe(200);
    expect(body.stats).toEqual(['__proto__', 'jobs.done', 'jobs.load', 'jobs.note', 'jobs.up', 'org.nodejs.version', 'sys.boot_id', 'sys.created', 'sys.gid', 'sys.ns.pid', 'sys.pid', 'sys.start_ticks', 'sys.tid', 'sys.uid']);
    // link.mmstats leads outside: left out without a word.
    expect(body.skipped).toEqual([{ file: 'broken.mmstats', error: NO_HEADER }]);
    expect(logged).toContain(`broken.mmstats: ${NO_HEADER} (skipped)`);
  });

  test('a problem is logged once while it lasts; once mended and broken again, it is logged again', async () => {
    const line = `mended.mmstats: ${NO_HEADER} (skipped)`;
    const count = (text: string) => logged.filter((entry) => entry === text).length;
    const file = path.join(dir, 'mended.mmstats');
    try {
      fs.writeFileSync(file, 'bad');
      await get('/stats/?glob=mended.mmstats');
      await get('/stats/?glob=mended.*');
      expect(count(line)).toBe(1);
      writeStatsFile(dir, 'mended.mmstats', [{ label: 'mended', signature: 'Q', buffered: true, initial: 1 }]);
      expect((await getJson('/stats/?glob=mended.mmstats')).body).toEqual({ stats: ['mended'], skipped: [] });
      fs.writeFileSync(file, 'bad');
      await get('/stats/?glob=mended.mmstats');
      expect(count(line)).toBe(2);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  test('GET /stats/<prefix>: a list per label, one value per file in file order; the counters grow', async () => {
    const first = await getJson('/stats/jobs.');
    expect(Object.keys(first.body)).toEqual(['jobs.done', 'jobs.load', 'jobs.note', 'jobs.up']);
    const notes = [[jobFile(writers[0]), 'first'], [jobFile(writers[1]), '<img src=x onerror=alert(1)>']].sort(([a], [b]) => (a < b ? -1 : 1));
    expect(first.body['jobs.note']).toEqual(notes.map(([, note]) => note));
    expect(first.body['jobs.up']).toEqual([true, true]);
    expect(first.headers.get('x-mmstats-skipped')).toBe('1');
    const pids = (await getJson('/stats/sys.pid?exact=1')).body['sys.pid'];
    expect(pids).toHaveLength(2);
    expect([...pids].sort()).toEqual(writers.map((writer) => writer.pid).sort());
    const before = first.body['jobs.done'][0];
    await eventually('jobs.done to grow', async () => ((await getJson('/stats/jobs.done')).body['jobs.done'][0] > before ? true : undefined));
  });

  test('exact=1 matches the label alone (the original still matched every label with the prefix)', async () => {
    expect(Object.keys((await getJson('/stats/sys.pid')).body)).toEqual(['sys.pid']);
    expect(Object.keys((await getJson('/stats/jobs.d?exact=1')).body)).toEqual([]);
    expect(Object.keys((await getJson('/stats/jobs.d')).body)).toEqual(['jobs.done']);
  });

  test('aggr folds each label into one value; text gives null; a label named __proto__ is just a label', async () => {
    const sums = (await getJson('/stats/jobs.?aggr=sum')).body;
    expect(sums['jobs.up']).toBe(2);
    expect(sums['jobs.note']).toBeNull();
    expect(sums['jobs.done']).toBeGreaterThan(0);
    const one = (await getJson('/stats/jobs.note?aggr=one')).body;
    expect(typeof one['jobs.note']).toBe('string');
    const proto = await get('/stats/__proto__?exact=1');
    expect(proto.text).toBe('{\n  "__proto__": [\n    1\n  ]\n}\n');
  });

  test('GET /files/ and /files/<glob>: names relative to the stats directory, listed without reading a file', async () => {
    const fresh = path.join(dir, 'fresh.mmstats');
    writeStatsFile(dir, 'fresh.mmstats', [{ label: 'fresh', signature: 'Q', buffered: true, initial: 1 }]);
    try {
      const layoutsBefore = sharedStatsReader().cache.files;
      const all = (await getJson('/files/')).body;
      expect(all).toEqual({ files: ['broken.mmstats', 'fresh.mmstats', ...writers.map(jobFile), 'odd.mmstats'].sort(), skipped: [] });
      // Reading a file keeps its layout: none was read.
      expect(sharedStatsReader().cache.files).toBe(layoutsBefore);
    } finally {
      fs.rmSync(fresh);
    }
    expect((await getJson('/files/jobs-*')).body.files).toEqual(writers.map(jobFile).sort());
    expect((await getJson('/files/?glob=odd.*')).body.files).toEqual(['odd.mmstats']);
  });

  test('bad parameters and paths outside the directory get 400 with a JSON error, never a file', async () => {
    for (const route of [
      '/stats/x?aggr=median',
      '/stats/x?exact=perhaps',
      '/stats/x?bogus=1',
      '/stats/x?glob=../*',
      `/stats/x?glob=${encodeURIComponent(outside + '/*.mmstats')}`,
      '/files/..%2F*',
      '/stats/%E0%A4%A',
      '/metrics?aggregate=avg',
    ]) {
      const response = await get(route);
      expect([route, response.status]).toEqual([route, 400]);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(typeof JSON.parse(response.text).error).toBe('string');
      expect(response.text).not.toContain('secret');
    }
    const link = await getJson('/stats/secret?glob=link.mmstats');
    expect(link.body).toEqual({});
  });

  test('unknown pages are 404, other methods 405, other Host names 403; every answer has the security headers', async () => {
    const missing = await get('/nope');
    expect(missing.status).toBe(404);
    const post = await fetch(new URL('/stats/', server.url), { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const rebound = await new Promise<number>((resolve, reject) => {
      http.get(new URL('/stats/', server.url), { headers: { Host: 'evil.example:5002' } }, (response) => {
        response.resume();
        resolve(response.statusCode!);
      }).on('error', reject);
    });
    expect(rebound).toBe(403);
    for (const response of [missing, await get('/'), await get('/stats/'), await get('/metrics')]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(response.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    }
  });

  test('the dashboard, its script and uPlot are served from this server', async () => {
    const page = await get('/');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('<script src="/static/uPlot.iife.min.js" defer></script>');
    expect(page.text).not.toMatch(/<script>|https?:\/\//);
    for (const asset of ['/static/rates.js', '/static/dashboard.js', '/static/dashboard.css', '/static/uPlot.iife.min.js', '/static/uPlot.min.css']) {
      const response = await get(asset);
      expect([asset, response.status]).toEqual([asset, 200]);
      expect(response.text.length).toBeGreaterThan(100);
    }
  });

  test('GET /metrics: text format by default, OpenMetrics when asked, one sample per writer', async () => {
    const text = await get('/metrics');
    expect(text.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const writer of writers) {
      expect(text.text).toMatch(new RegExp(`^jobs_done_total\\{pid="${writer.pid}",file="${jobFile(writer)}"\\} \\d+$`, 'm'));
    }
    expect(text.text).toContain('# HELP jobs_done_total mmstats label jobs.done\n# TYPE jobs_done_total counter\n');
    const open = await get('/metrics?aggregate=sum', { Accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' });
    expect(open.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(open.text).toMatch(/^jobs_up 2$/m);
    expect(open.text).not.toMatch(/^[^#]*:/m);
    expect(open.text.endsWith('# EOF\n')).toBe(true);
  });

  test('a file that appears or goes away is seen at the next request', async () => {
    const third = await startWriter(dir, 'late');
    writers.push(third);
    expect((await getJson('/files/')).body.files).toContain(jobFile(third));
    await third.stop();
    expect((await getJson('/files/')).body.files).not.toContain(jobFile(third));
  });
});
