/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (the DOM types above are for the page.evaluate callbacks, which run in the browser)
// The dashboard in a real headless Chromium (Debian's `chromium`, driven by playwright-core)
// against real writer processes.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { startWebServer, type WebServer } from '../../src/web/server';
import { makeTempDir, PACKAGE_DIR, removeTempDir, writeStatsFile } from '../util';
import {
  haveProgram,
  requireWriterBuild,
  serveWriters,
  startAppWriter,
  startHistogramWriter,
  startWriter,
  type HistogramWriter,
  type ServedWriters,
  type Writer,
} from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = path.resolve(PACKAGE_DIR, '..', '..', 'artifacts', 'web-dashboard.png');
const HOSTILE_LABEL = '<img src=x onerror=window.__pwned=1>';
const HOSTILE_NOTE = '<img src=y onerror=window.__pwned=2>';

const available = haveProgram(CHROMIUM, 'chromium');

/** Headless Chromium showing the dashboard at `url`; script errors and CSP violations go to `problems`. */
async function openDashboard(url: string, height: number, problems: string[]): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height } });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(url);
  return { browser, page };
}
const describeWithChromium = available ? describe : describe.skip;

describeWithChromium('dashboard in Chromium', () => {
  let dir: string;
  let server: WebServer;
  let browser: Browser;
  let page: Page;
  const writers: Writer[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    requireWriterBuild();
    dir = makeTempDir();
    writers.push(await startWriter(dir, 'jobs', 'first'), await startWriter(dir, 'jobs', HOSTILE_NOTE));
    writeStatsFile(dir, 'hostile.mmstats', [{ label: HOSTILE_LABEL, signature: 'd', buffered: true, initial: 1.5 }]);
    server = await startWebServer({ scope: { directory: dir, pattern: '*.mmstats' }, port: 0 });
    ({ browser, page } = await openDashboard(server.url, 860, problems));
  }, 30000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await Promise.all(writers.map((writer) => writer.stop()));
    if (dir) removeTempDir(dir);
  });

  const row = (label: string) => page.locator(`tr.stat[data-label="${label}"]`);

  test('every label shows, grouped by prefix, combined by its aggregate, with the per-process values', async () => {
    await row('jobs.done').waitFor();
    await page.locator('details.group[data-group="jobs"]').waitFor();
    const pids = writers.map((writer) => `pid ${writer.pid}`);
    const perFile = await row('jobs.up').locator('.per-file').textContent();
    for (const pid of pids) expect(perFile).toContain(pid);
    expect(await row('jobs.up').locator('.main').textContent()).toBe('2 of 2 true');
    expect(await row('jobs.done').locator('.main').textContent()).toMatch(/^Σ \d+$/);
    // jobs.load is a gauge (aggregate sum by default) between 0.5 and 1.4 in each process.
    const load = await row('jobs.load').locator('.main').textContent();
    expect(load).toMatch(/^Σ \d/);
    expect(Number(load!.slice(2))).toBeGreaterThanOrEqual(1);
    expect(Number(load!.slice(2))).toBeLessThanOrEqual(2.8);
  });

  test('process facts (sys.*, the runtime) are one line per file in the files table, never a summed row', async () => {
    const writer = writers[0];
    const facts = page.locator(`#files tr[data-file="${path.basename(writer.file)}"] td.facts`);
    await facts.waitFor();
    const line = await facts.textContent();
    expect(line).toContain(`tid ${writer.pid}`);
    expect(line).toContain(`node ${process.version}`);
    expect(line).toMatch(/created \S+ ago/);
    expect(await page.locator('tr.stat[data-label^="sys."]').count()).toBe(0);
    expect(await page.locator('tr.stat[data-label="org.nodejs.version"]').count()).toBe(0);
  });

  test('labels and strings holding HTML are shown as text: no element is created, no script runs', async () => {
    await row(HOSTILE_LABEL).waitFor();
    expect(await row(HOSTILE_LABEL).locator('td.label').textContent()).toBe(HOSTILE_LABEL);
    expect(await row('jobs.note').locator('.per-file').textContent()).toContain(HOSTILE_NOTE);
    expect(await page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  test('search hides the labels that do not match', async () => {
    await page.fill('#search', 'jobs.');
    expect(await row(HOSTILE_LABEL).isHidden()).toBe(true);
    expect(await row('jobs.done').isVisible()).toBe(true);
    expect(await page.locator('details.group[data-group="(no prefix)"]').isHidden()).toBe(true);
  });

  test('two picked stats get live graphs whose data grows', async () => {
    await page.fill('#interval', '0.1');
    await page.locator('#interval').dispatchEvent('change');
    await row('jobs.done').locator('input[type=checkbox]').check();
    await row('jobs.load').locator('input[type=checkbox]').check();
    const points = (label: string) => page.locator(`.chart[data-label="${label}"]`).getAttribute('data-points').then(Number);
    await page.waitForFunction(() => document.querySelectorAll('.chart[data-points]').length === 2 && [...document.querySelectorAll<HTMLElement>('.chart')].every((chart) => Number(chart.dataset.points) >= 3));
    const before = await points('jobs.load');
    await page.waitForFunction((n) => Number(document.querySelector<HTMLElement>('.chart[data-label="jobs.load"]')!.dataset.points) > n, before);
    expect(await points('jobs.load')).toBeGreaterThan(before);
    expect(await page.locator('.chart canvas').count()).toBe(2);
    // jobs.done is a counter (type Q): graphed as a rate.
    expect(await page.locator('.chart[data-label="jobs.done"] button').first().textContent()).toContain('rate/s');
  });

  test("a new process's file and values appear without a reload", async () => {
    const late = await startWriter(dir, 'late');
    writers.push(late);
    const name = path.basename(late.file);
    await page.locator(`#files tr[data-file="${name}"]`).waitFor();
    await page.waitForFunction((pid) => document.querySelector('tr.stat[data-label="jobs.up"] .per-file')!.textContent!.includes(`pid ${pid}`), late.pid);
    expect(await row('jobs.up').locator('.main').textContent()).toBe('3 of 3 true');
  });

  test('no script error and no Content-Security-Policy violation on the page', () => {
    expect(problems).toEqual([]);
  });
});

describeWithChromium('dashboard of a labelled application in Chromium', () => {
  let dir: string;
  let server: WebServer;
  let browser: Browser;
  let page: Page;
  const writers: Writer[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    requireWriterBuild();
    dir = makeTempDir();
    for (let i = 0; i < 4; i++) writers.push(await startAppWriter(dir, 'app', 'traffic'));
    server = await startWebServer({ scope: { directory: dir, pattern: '*.mmstats' }, port: 0 });
    ({ browser, page } = await openDashboard(server.url, 900, problems));
  }, 30000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await Promise.all(writers.map((writer) => writer.stop()));
    if (dir) removeTempDir(dir);
  });

  const row = (label: string) => page.locator(`tr.stat[data-label='${label}']`);
  const main = (label: string) => row(label).locator('.main').textContent();

  test('a labelled family is one group, a row per label set, named by its labels, its help beside it', async () => {
    const group = page.locator('details.group[data-group="http.requests"]');
    await row('http.requests{route="/",status="2xx"}').waitFor();
    expect(await group.locator('summary .help').textContent()).toBe('Requests answered');
    expect(await row('http.requests{route="/",status="2xx"}').locator('td.label').textContent()).toBe('route="/" status="2xx"');
    expect(await main('http.requests{route="/",status="2xx"}')).toMatch(/^Σ \d+$/);
    expect(await main('db.connections{pool="primary"}')).toBe('Σ 16');
  });

  test('values in their units: timestamps as an age, durations in ms or µs, bytes readable, ratios in %', async () => {
    await row('http.last_hit').waitFor();
    expect(await main('http.last_hit')).toMatch(/^latest \S+ ago$/);
    expect(await main('http.request_time')).toMatch(/^avg [\d.]+(ms|µs|ns)$/);
    expect(await main('mem.heap_used')).toMatch(/^max [\d.]+MiB$/);
    expect(await main('cache.hit_ratio')).toMatch(/^avg [\d.]+%$/);
    expect(await row('http.request_time').locator('.per-file').textContent()).toMatch(/pid \d+: [\d.]+(ms|µs|ns)/);
  });

  test('graphs of a labelled counter (a rate) and a duration, kept as the README picture', async () => {
    await page.fill('#interval', '0.25');
    await page.locator('#interval').dispatchEvent('change');
    await row('http.requests{route="/",status="2xx"}').locator('input[type=checkbox]').check();
    await row('http.request_time').locator('input[type=checkbox]').check();
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.chart')].length === 2 && [...document.querySelectorAll<HTMLElement>('.chart')].every((chart) => Number(chart.dataset.points) >= 12));
    expect(await page.locator('.chart').first().locator('button').first().textContent()).toContain('rate/s');
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10000);
  });

  test('no script error and no Content-Security-Policy violation on the page', () => {
    expect(problems).toEqual([]);
  });
});

describeWithChromium('histograms in the dashboard in Chromium', () => {
  let served: ServedWriters<HistogramWriter>;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    served = await serveWriters(async (dir) => [await startHistogramWriter(dir, 'app', [0.25, 0.5, 1, 2]), await startHistogramWriter(dir, 'app', [0.25, 0.5, 1, 2])]);
    await Promise.all(served.writers.map((writer) => writer.observe(Array(50).fill(0.1))));
    ({ browser, page } = await openDashboard(served.server.url, 860, problems));
  }, 30000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  const cells = () => page.locator('#histograms tr[data-family="request.duration"] td').allTextContents();

  test("one row per histogram with the interval's p50/p90/p99 over every process, instead of a row per bucket", async () => {
    await page.locator('#histograms tr[data-family="request.duration"]').waitFor();
    expect(await page.locator('tr.stat[data-label^="request.duration"]').count()).toBe(0);
    // Both processes now observe 1.5 s: the next interval's quantiles lie in the (1 s, 2 s] bucket.
    await Promise.all(served.writers.map((writer) => writer.observe(Array(50).fill(1.5))));
    await page.waitForFunction(() => document.querySelector('#histograms tr[data-family="request.duration"] td:nth-child(2)')?.textContent === '1.50s');
    const [name, p50, p90, p99, rate] = await cells();
    expect([name, p50, p90, p99]).toEqual(['request.duration', '1.50s', '1.90s', '1.99s']);
    expect(Number(rate)).toBeGreaterThan(0);
    expect(await page.locator('#histograms tr[data-family="request.duration"]').getAttribute('title')).toContain('200 observations');
    // Nothing observed since: no quantile in the interval.
    await page.waitForFunction(() => document.querySelector('#histograms tr[data-family="request.duration"] td:nth-child(2)')?.textContent === '–');
    expect(problems).toEqual([]);
  }, 30000);
});
