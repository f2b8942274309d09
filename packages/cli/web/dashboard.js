// The mmstats dashboard: polls /api/snapshot and shows every label, live graphs and the files.
// Every label, value and file name comes from other processes: it only ever reaches the page
// through textContent, never as markup.
'use strict';

(function () {
  const MIN_INTERVAL_MS = 50;
  const MAX_INTERVAL_MS = 10000;
  const MAX_POINTS = 600;
  const COLORS = ['#2a6fdb', '#d9480f', '#2b8a3e', '#862e9c', '#c92a2a', '#1098ad'];
  const { rateStep, toNumber } = self.mmstatsRates; // rates.js, loaded first

  const $ = (id) => document.getElementById(id);
  const rows = new Map(); // label -> { tr, pick, value, perFile, group }
  const groups = new Map(); // prefix -> { details, tbody, count }
  const charts = new Map(); // label -> chart state
  let intervalMs = 2000;
  let timer = 0;
  let previous; // the last snapshot, for rates
  let labelKey = ''; // the sorted labels of the last snapshot, to rebuild the list only when it changes
  let ticks = 0;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** How a record's type signature reads: text, bool or number. */
  function kindOf(type) {
    if (/^\d+s$/.test(type)) return 'text';
    if (type === '?') return 'bool';
    return 'number';
  }

  // How the row of a label held by several files names the way the server combined them (each
  // family's aggregate, from the file's metadata).
  const COMBINED = { sum: 'Σ ', mean: 'avg ', max: 'max ', min: 'min ', last: 'last ' };

  /** The value a graph plots for a label: the server's combined value. */
  function combined(series) {
    return series && series.value !== null && series.value !== undefined ? toNumber(series.value) : null;
  }

  /** `route="/a" status="2xx"`: a series' labels as its row names it. */
  function labelText(labels) {
    return Object.keys(labels).map((key) => key + '="' + labels[key] + '"').join(' ');
  }

  function isLabelled(series) {
    return Object.keys(series.labels).length > 0;
  }

  /** A labelled series' group is its family; other labels group by prefix (before the last dot). */
  function groupOf(series) {
    if (isLabelled(series)) return series.family;
    const dot = series.label.lastIndexOf('.');
    return dot > 0 ? series.label.slice(0, dot) : '(no prefix)';
  }

  /** label -> [{file, pid, type, value}] over every file of a snapshot. */
  function byLabel(snapshot) {
    const map = new Map();
    for (const file of snapshot.files) {
      for (const record of file.records) {
        let list = map.get(record.label);
        if (!list) map.set(record.label, (list = []));
        list.push({ file: file.file, pid: file.pid, type: record.type, value: record.value, shown: record.shown });
      }
    }
    return map;
  }

  function owner(entry) {
    return entry.pid === null ? entry.file : 'pid ' + entry.pid;
  }

  /** The value cell's text, and the per-file line when several files carry the label. */
  function describe(series, entries) {
    const kind = kindOf(entries[0].type);
    let main;
    if (kind === 'text') main = entries.length === 1 ? entries[0].shown : entries.length + ' values';
    else if (kind === 'bool' && entries.length === 1) main = entries[0].shown;
    else if (kind === 'bool') main = entries.filter((e) => e.value).length + ' of ' + entries.length + ' true';
    else if (entries.length === 1 || series.shown === null) main = entries[0].shown;
    else main = (series.unit === 'epoch_seconds' && series.aggregate === 'max' ? 'latest ' : COMBINED[series.aggregate] || '') + series.shown;
    const perFile = entries.length > 1 ? entries.map((e) => owner(e) + ': ' + e.shown) : [];
    return { kind, main, perFile };
  }

  function makeRow(series, kind) {
    const label = series.label;
    const tr = element('tr', 'stat');
    tr.dataset.label = label;
    const pickCell = element('td', 'pick');
    let pick = null;
    if (kind !== 'text') {
      pick = element('input');
      pick.type = 'checkbox';
      pick.title = 'graph this stat';
      pick.setAttribute('aria-label', 'graph ' + label);
      pick.checked = charts.has(label);
      pick.addEventListener('change', () => (pick.checked ? addChart(label) : removeChart(label)));
      pickCell.append(pick);
    }
    const labelCell = element('td', 'label', isLabelled(series) ? labelText(series.labels) : label);
    if (series.help) labelCell.title = series.help;
    const value = element('td', kind === 'text' ? 'value text' : 'value');
    const main = element('span', 'main');
    const perFile = element('span', 'per-file');
    value.append(main, perFile);
    tr.append(pickCell, labelCell, value);
    return { tr, pick, main, perFile, kind, group: groupOf(series) };
  }

  /** Rebuilds the grouped list for a new set of labels, keeping rows (and their state) that stay. */
  function rebuildList(shownSeries, entriesByLabel) {
    const container = $('groups');
    const wanted = new Map();
    const helpOf = new Map();
    for (const series of shownSeries) {
      const prefix = groupOf(series);
      if (!wanted.has(prefix)) wanted.set(prefix, []);
      wanted.get(prefix).push(series);
      if (isLabelled(series) && series.help) helpOf.set(prefix, series.help);
    }
    for (const [label, row] of rows) if (!entriesByLabel.has(label)) { row.tr.remove(); rows.delete(label); }
    for (const [prefix, group] of groups) if (!wanted.has(prefix)) { group.details.remove(); groups.delete(prefix); }
    container.replaceChildren();
    for (const prefix of [...wanted.keys()].sort()) {
      let group = groups.get(prefix);
      if (!group) {
        const details = element('details', 'group');
        details.open = true;
        details.dataset.group = prefix;
        const summary = element('summary', '', prefix);
        const count = element('span', 'count');
        const help = element('span', 'help');
        summary.append(count, help);
        const table = element('table');
        const tbody = element('tbody');
        table.append(tbody);
        details.append(summary, table);
        group = { details, tbody, count, help };
        groups.set(prefix, group);
      }
      const members = wanted.get(prefix);
      group.count.textContent = String(members.length);
      group.help.textContent = helpOf.get(prefix) || '';
      group.tbody.replaceChildren();
      for (const series of members) {
        const label = series.label;
        const kind = kindOf(entriesByLabel.get(label)[0].type);
        let row = rows.get(label);
        if (row && row.kind !== kind) { row.tr.remove(); row = undefined; }
        if (!row) rows.set(label, (row = makeRow(series, kind)));
        group.tbody.append(row.tr);
      }
      container.append(group.details);
    }
    applySearch();
  }

  function applySearch() {
    const needle = $('search').value.trim().toLowerCase();
    for (const [label, row] of rows) row.tr.hidden = needle !== '' && !label.toLowerCase().includes(needle) && !row.group.toLowerCase().includes(needle);
    for (const group of groups.values()) group.details.hidden = [...group.tbody.children].every((tr) => tr.hidden);
  }

  function renderStats(snapshot, entriesByLabel, seriesByLabel) {
    // Process facts (sys.pid, the runtime version…) are never combined: the files table shows them.
    // The records of a histogram (a bucket per bound, its count and sum) show as one row of quantiles
    // in the histograms table instead.
    const shownSeries = snapshot.series.filter((series) => !series.fact && series.kind !== 'histogram');
    const key = shownSeries.map((series) => series.label).join('\n');
    if (key !== labelKey) {
      labelKey = key;
      rebuildList(shownSeries, entriesByLabel);
    }
    for (const [label, entries] of entriesByLabel) {
      const row = rows.get(label);
      if (!row) continue;
      const shown = describe(seriesByLabel.get(label), entries);
      row.main.textContent = shown.main;
      const key = shown.perFile.join('\n');
      if (row.perFileKey !== key) {
        row.perFileKey = key;
        row.perFile.replaceChildren(...shown.perFile.map((text) => element('span', 'one', text)));
      }
    }
    $('empty').hidden = snapshot.files.length > 0;
  }

  /** One line of a file's process facts: `tid 812 · uid 0 · node v20.20.2 · created 3 min ago`. */
  function factsLine(file) {
    const facts = [];
    for (const record of file.records) {
      if (!record.fact || record.label === 'sys.pid') continue;
      if (/^org\.[^.]+\.version$/.test(record.label)) facts.push(record.shown);
      else facts.push(record.label.replace(/^sys\./, '') + ' ' + record.shown);
    }
    return facts.join(' · ');
  }

  function renderFiles(snapshot) {
    const tbody = $('files').tBodies[0];
    tbody.replaceChildren(...snapshot.files.map((file) => {
      const tr = element('tr');
      tr.dataset.file = file.file;
      tr.append(element('td', '', file.file), element('td', '', file.pid === null ? '-' : String(file.pid)), element('td', 'facts', factsLine(file)), element('td', '', String(file.records.length)));
      return tr;
    }));
    $('file-count').textContent = '(' + snapshot.files.length + ')';
    $('skipped').replaceChildren(...snapshot.skipped.map((s) => element('li', '', s.file + ': ' + s.error + ' (skipped)')));
  }

  // ---- graphs ----

  function chartWidth() {
    return Math.max(280, $('charts').clientWidth - 16);
  }

  function addChart(label) {
    if (charts.has(label)) return;
    const series = previous && previous.series.find((s) => s.label === label);
    const counter = !!series && series.growth;
    const box = element('div', 'chart');
    box.dataset.label = label;
    box.dataset.points = '0';
    const head = element('div', 'chart-head');
    const title = element('span', 'title', label);
    if (series && series.unit) title.title = series.unit;
    const mode = element('button', '', '');
    const close = element('button', '', '×');
    close.title = 'remove this graph';
    head.append(title, mode, close);
    const plotArea = element('div');
    box.append(head, plotArea);
    $('charts').append(box);
    const color = COLORS[charts.size % COLORS.length];
    // known: each file's last value of the label, for rates; taken from the last snapshot, so
    // that the first point is already a rate.
    const state = { label, rate: counter, xs: [], ys: [], known: new Map(), box, mode, plot: null };
    const startRates = () => { state.known = previous ? rateStep(label, previous, undefined, new Map()).known : new Map(); };
    const makePlot = () => {
      if (state.plot) state.plot.destroy();
      plotArea.replaceChildren();
      state.plot = new uPlot({
        width: chartWidth(),
        height: 170,
        series: [{}, { label: state.rate ? 'per second' : 'value', stroke: color, width: 1.5, spanGaps: false }],
        axes: [{}, { size: 70 }],
      }, [state.xs, state.ys], plotArea);
    };
    const setMode = () => { mode.textContent = state.rate ? 'rate/s (show value)' : 'value (show rate/s)'; };
    mode.addEventListener('click', () => {
      state.rate = !state.rate;
      state.xs = [];
      state.ys = [];
      box.dataset.points = '0';
      startRates();
      setMode();
      makePlot();
    });
    close.addEventListener('click', () => removeChart(label));
    startRates();
    setMode();
    charts.set(label, state);
    makePlot();
    const row = rows.get(label);
    if (row && row.pick) row.pick.checked = true;
    $('charts-hint').hidden = true;
  }

  function removeChart(label) {
    const state = charts.get(label);
    if (!state) return;
    state.plot.destroy();
    state.box.remove();
    charts.delete(label);
    const row = rows.get(label);
    if (row && row.pick) row.pick.checked = false;
    $('charts-hint').hidden = charts.size > 0;
  }

  function updateCharts(snapshot, entriesByLabel, seriesByLabel) {
    for (const state of charts.values()) {
      const entries = entriesByLabel.get(state.label);
      const step = rateStep(state.label, snapshot, previous, state.known);
      state.known = step.known;
      let y = null;
      if (entries) y = state.rate ? step.rate : combined(seriesByLabel.get(state.label));
      if (state.rate && y === null && state.xs.length === 0) continue; // no rate before a second sample
      state.xs.push(snapshot.time);
      state.ys.push(y);
      if (state.xs.length > MAX_POINTS) { state.xs.shift(); state.ys.shift(); }
      state.plot.setData([state.xs, state.ys]);
      state.box.dataset.points = String(state.xs.length);
    }
  }

  // ---- histograms ----

  const QUANTILES = ['p50', 'p90', 'p99'];

  /** `p50 12 ms · p90 40 ms · p99 95 ms · 1200 observations` of all time, for a row's tooltip. */
  function allTime(histogram) {
    return 'all time: ' + QUANTILES.map((q) => q + ' ' + (histogram.shown[q] === null ? '–' : histogram.shown[q])).join(' · ') + ' · ' + histogram.count + ' observations';
  }

  /**
   * One row per histogram series: the quantiles of the observations since the previous snapshot
   * and how many arrived per second; on the first snapshot (no interval yet), those of all time.
   */
  function renderHistograms(snapshot) {
    const histograms = snapshot.histograms || [];
    $('histograms-panel').hidden = histograms.length === 0;
    $('histograms').tBodies[0].replaceChildren(...histograms.map((histogram) => {
      const tr = element('tr');
      const interval = histogram.interval;
      const shown = interval ? interval.shown : histogram.shown;
      const name = histogram.family + (Object.keys(histogram.labels).length > 0 ? ' ' + labelText(histogram.labels) : '');
      tr.dataset.family = histogram.family;
      tr.title = (histogram.help ? histogram.help + '\n' : '') + allTime(histogram);
      tr.append(element('td', '', name));
      for (const q of QUANTILES) tr.append(element('td', 'number', shown[q] === null ? '–' : shown[q]));
      const rate = interval && interval.seconds > 0 ? (interval.count / interval.seconds).toFixed(1) : '–';
      tr.append(element('td', 'number', rate));
      return tr;
    }));
  }

  // ---- polling ----

  async function tick() {
    try {
      const response = await fetch('/api/snapshot', { cache: 'no-store', headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const snapshot = await response.json();
      const entriesByLabel = byLabel(snapshot);
      const seriesByLabel = new Map(snapshot.series.map((series) => [series.label, series]));
      $('where').textContent = snapshot.directory + '/' + snapshot.pattern;
      renderStats(snapshot, entriesByLabel, seriesByLabel);
      renderFiles(snapshot);
      renderHistograms(snapshot);
      updateCharts(snapshot, entriesByLabel, seriesByLabel);
      previous = snapshot;
      ticks++;
      document.body.dataset.ticks = String(ticks);
      $('status').textContent = 'updated ' + new Date(snapshot.time * 1000).toLocaleTimeString();
    } catch (err) {
      $('status').textContent = 'cannot reach the server (' + err.message + '); retrying';
    }
    schedule();
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(tick, intervalMs);
  }

  function readInterval() {
    const input = $('interval');
    const seconds = Number(input.value);
    if (!Number.isFinite(seconds)) return;
    intervalMs = Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, Math.round(seconds * 1000)));
    input.value = String(intervalMs / 1000);
    schedule();
  }

  function start() {
    $('search').addEventListener('input', applySearch);
    $('interval').addEventListener('change', readInterval);
    readInterval();
    let resizeTimer = 0;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => { for (const state of charts.values()) state.plot.setSize({ width: chartWidth(), height: 170 }); }, 100);
    });
    clearTimeout(timer);
    tick();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
