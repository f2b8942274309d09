// Time per write of a string field in place (first byte stored last) and buffered, next to the
// original write order on a plain Buffer; and the bytes each record takes. SPEC.md §8.3 quotes it.
//   node scripts/stress/string-cost.js
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { decodeFile } = require('@mmstats/format');
const { BaseMmStats, field } = require('@mmstats/writer');

class Texts extends BaseMmStats {
  static fields = { inPlace: field.string(), buffered: field.string({ buffered: true }) };
}

const WRITES = 5e6;
const TEXTS = ['GET /index.html', 'POST /api/v1/items', 'x'];

/** The best of five timed rounds, in nanoseconds per write. */
function nsPerWrite(write) {
  for (let i = 0; i < 1e5; i++) write(TEXTS[i % 3]);
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < WRITES; i++) write(TEXTS[i % 3]);
    best = Math.min(best, Number(process.hrtime.bigint() - started) / WRITES);
  }
  return best;
}

const dir = mkdtempSync(join(tmpdir(), 'mmstats-string-cost-'));
try {
  const stats = new Texts({ path: dir, filename: 'texts.mmstats' });
  const plain = Buffer.alloc(255);
  const rows = [
    ['original order, plain Buffer', nsPerWrite((text) => {
      const written = plain.write(text, 0, 255, 'utf8');
      if (written < 255) plain[written] = 0;
    })],
    ['in place, first byte last', nsPerWrite((text) => (stats.inPlace = text))],
    ['buffered', nsPerWrite((text) => (stats.buffered = text))],
  ];
  for (const [name, ns] of rows) console.log(`${name.padEnd(30)} ${ns.toFixed(1)} ns/write`);
  for (const record of decodeFile(readFileSync(stats.filename))) {
    console.log(`${record.label.padEnd(30)} ${record.signature}, ${record.layout.end - record.layout.offset} bytes`);
  }
  stats.remove();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
