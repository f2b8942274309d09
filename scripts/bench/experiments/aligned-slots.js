'use strict';
// Aligned slots: is a v1 counter or double write faster through typed arrays at 8-aligned offsets
// than through a DataView at the odd offsets the original packing gives? Bare classes that do
// exactly what a write does (value into slot[wb], then flip the write-buffer byte), in the shapes
// programs write: a module constant, held in an array and rotated, a function parameter.
// Prints ns per write and the ratio to a raw Float64Array increment.
// Usage: node scripts/bench/experiments/aligned-slots.js
// Result (BENCHMARKS.md, "Write shapes and aligned slots"): buffered writes through typed arrays
// at aligned offsets are no clear win (counter up to 10 % faster, double up to 25 % slower); an
// aligned double written in place, one 8-byte store, is 1.5–1.8× faster where the object is not a
// constant; a counter in place, its u64 passed through a double, is 2× slower (the 8-byte load
// after two 4-byte stores cannot be forwarded from the store buffer).
const { timeLoops } = require('../lib/harness');

const OPS = 4e6;
const memory = new ArrayBuffer(4096);

// What every variant keeps on the JS side: the slot's offset, the write index it shadows and, for
// counters, the count as two 32-bit halves (as the library's Counter does).
class Shadow {
  constructor(slot0, aligned) {
    if (aligned && slot0 % 8 !== 0) throw new Error(`slot at ${slot0} is not 8-aligned`);
    this.slot0 = slot0;
    this.wbAt = slot0 - 1;
    this.wb = 0;
    this.low = 0;
    this.high = 0;
  }
  /** Flips the shadowed write index and returns the slot to write now (0 or 1). */
  flip() {
    const wb = this.wb;
    this.wb = wb ^ 1;
    return wb;
  }
  /** Adds one to the count and returns its low half. */
  step() {
    return (this.low += 1);
  }
}

/** A v1 counter write through a DataView, both halves each time (the library before issue 14). */
class DataViewCounter extends Shadow {
  constructor(slot0) {
    super(slot0, false);
    this.view = new DataView(memory);
  }
  inc() {
    const low = this.step();
    const wb = this.flip();
    const at = this.slot0 + (wb << 3);
    this.view.setUint32(at, low, true);
    this.view.setUint32(at + 4, this.high, true);
    this.view.setUint8(this.wbAt, wb ^ 1);
  }
}

class AlignedCounter extends Shadow {
  constructor(slot0) {
    super(slot0, true);
    this.words = new Uint32Array(memory);
    this.bytes = new Uint8Array(memory);
  }
  inc() {
    const low = this.step();
    const wb = this.flip();
    const at = (this.slot0 >> 2) + (wb << 1);
    const words = this.words;
    words[at] = low;
    words[at + 1] = this.high;
    this.bytes[this.wbAt] = wb ^ 1;
  }
}

class DataViewDouble extends Shadow {
  constructor(slot0) {
    super(slot0, false);
    this.view = new DataView(memory);
  }
  set(value) {
    const wb = this.flip();
    this.view.setFloat64(this.slot0 + (wb << 3), value, true);
    this.view.setUint8(this.wbAt, wb ^ 1);
  }
}

class AlignedDouble extends Shadow {
  constructor(slot0) {
    super(slot0, true);
    this.doubles = new Float64Array(memory);
    this.bytes = new Uint8Array(memory);
  }
  set(value) {
    const wb = this.flip();
    this.doubles[(this.slot0 >> 3) + wb] = value;
    this.bytes[this.wbAt] = wb ^ 1;
  }
}

// Aligned 8-byte slots cannot tear (one 8-byte store), so a record could also be unbuffered:
// one slot written in place, no write-buffer byte to flip. The counter's u64 bits then pass
// through a double (scratch words read as a Float64): no NaN can arise below 2^62.
const scratchWords = new Uint32Array(2);
const scratchDouble = new Float64Array(scratchWords.buffer);
class InPlaceCounter extends Shadow {
  constructor(slot0) {
    super(slot0, true);
    this.doubles = new Float64Array(memory);
  }
  inc() {
    scratchWords[0] = this.step();
    scratchWords[1] = this.high;
    this.doubles[this.slot0 >> 3] = scratchDouble[0];
  }
}
class InPlaceDouble extends Shadow {
  constructor(slot0) {
    super(slot0, true);
    this.doubles = new Float64Array(memory);
  }
  set(value) {
    this.doubles[this.slot0 >> 3] = value;
  }
}

// Four records each, 64 bytes apart; the DataView ones at the odd offsets of a packed file.
const odd = (k) => 64 * k + 17;
const aligned = (k) => 64 * k + 24 + 1024;
const dvCounters = [0, 1, 2, 3].map((k) => new DataViewCounter(odd(k)));
const alCounters = [0, 1, 2, 3].map((k) => new AlignedCounter(aligned(k)));
const dvDoubles = [0, 1, 2, 3].map((k) => new DataViewDouble(odd(k) + 2048));
const alDoubles = [0, 1, 2, 3].map((k) => new AlignedDouble(aligned(k) + 2048));
const ipCounters = [0, 1, 2, 3].map((k) => new InPlaceCounter(aligned(k) + 512));
const ipDoubles = [0, 1, 2, 3].map((k) => new InPlaceDouble(aligned(k) + 2560));
const [ic0, ic1, ic2, ic3] = ipCounters;
const [id0, id1, id2, id3] = ipDoubles;
const [dc0, dc1, dc2, dc3] = dvCounters;
const [ac0, ac1, ac2, ac3] = alCounters;
const [dd0, dd1, dd2, dd3] = dvDoubles;
const [ad0, ad1, ad2, ad3] = alDoubles;
const raw = new Float64Array(new ArrayBuffer(64));

// Each case gets its own copy of the loop (compiled from source), so each has its own type
// feedback, as separate functions in a program would: the stats objects come in as parameters.
const parameterLoop = (call) => new Function('a', 'b', 'c', 'd', 'n', `for (let i = 0; i < n; i += 4) { const v = i + 0.5; a.${call}; b.${call}; c.${call}; d.${call}; }`);
const incParameter = parameterLoop('inc()');
const incParameterAligned = parameterLoop('inc()');
const incParameterInPlace = parameterLoop('inc()');
const setParameter = parameterLoop('set(v)');
const setParameterAligned = parameterLoop('set(v)');
const setParameterInPlace = parameterLoop('set(v)');

const cases = [
  ['raw Float64Array increment', (n) => { const a = raw; for (let i = 0; i < n; i++) a[i & 3] += 1; }],
  ['counter, DataView, constant', (n) => { for (let i = 0; i < n; i += 4) { dc0.inc(); dc1.inc(); dc2.inc(); dc3.inc(); } }],
  ['counter, aligned, constant', (n) => { for (let i = 0; i < n; i += 4) { ac0.inc(); ac1.inc(); ac2.inc(); ac3.inc(); } }],
  ['counter, DataView, array rotated', (n) => { const c = dvCounters; for (let i = 0; i < n; i++) c[i & 3].inc(); }],
  ['counter, aligned, array rotated', (n) => { const c = alCounters; for (let i = 0; i < n; i++) c[i & 3].inc(); }],
  ['counter, DataView, parameter', (n) => incParameter(dc0, dc1, dc2, dc3, n)],
  ['counter, aligned, parameter', (n) => incParameterAligned(ac0, ac1, ac2, ac3, n)],
  ['counter, aligned in place, constant', (n) => { for (let i = 0; i < n; i += 4) { ic0.inc(); ic1.inc(); ic2.inc(); ic3.inc(); } }],
  ['counter, aligned in place, array rotated', (n) => { const c = ipCounters; for (let i = 0; i < n; i++) c[i & 3].inc(); }],
  ['counter, aligned in place, parameter', (n) => incParameterInPlace(ic0, ic1, ic2, ic3, n)],
  ['double, DataView, constant', (n) => { for (let i = 0; i < n; i += 4) { const v = i + 0.5; dd0.set(v); dd1.set(v); dd2.set(v); dd3.set(v); } }],
  ['double, aligned, constant', (n) => { for (let i = 0; i < n; i += 4) { const v = i + 0.5; ad0.set(v); ad1.set(v); ad2.set(v); ad3.set(v); } }],
  ['double, DataView, array rotated', (n) => { const d = dvDoubles; for (let i = 0; i < n; i++) d[i & 3].set(i + 0.5); }],
  ['double, aligned, array rotated', (n) => { const d = alDoubles; for (let i = 0; i < n; i++) d[i & 3].set(i + 0.5); }],
  ['double, DataView, parameter', (n) => setParameter(dd0, dd1, dd2, dd3, n)],
  ['double, aligned, parameter', (n) => setParameterAligned(ad0, ad1, ad2, ad3, n)],
  ['double, aligned in place, constant', (n) => { for (let i = 0; i < n; i += 4) { const v = i + 0.5; id0.set(v); id1.set(v); id2.set(v); id3.set(v); } }],
  ['double, aligned in place, array rotated', (n) => { const d = ipDoubles; for (let i = 0; i < n; i++) d[i & 3].set(i + 0.5); }],
  ['double, aligned in place, parameter', (n) => setParameterInPlace(id0, id1, id2, id3, n)],
];

const timed = timeLoops(cases.map(([name, loop]) => ({ name, loop, ops: OPS })), 7);
const rawNs = timed.get('raw Float64Array increment');
for (const [name] of cases) console.log(`${timed.get(name).toFixed(2).padStart(6)} ns  ${(timed.get(name) / rawNs).toFixed(2).padStart(5)}×  ${name}`);
if (raw[0] === -1) console.error('unreachable');
