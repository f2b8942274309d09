#!/usr/bin/env node
// Writes the conformance vectors: each `vectors/<name>.mmstats` with the `vectors/<name>.json` that
// every conforming reader must produce from it (README.md). The expected JSON comes from what this
// script wrote (labels, values, write indexes, families, the offset of each planted fault), never
// from decoding the files. Run from the repository after `npm run build`:
//   node packages/format/conformance/generate.js [OUTPUT_DIRECTORY]
'use strict';
const fs = require('fs');
const path = require('path');
const format = require('@mmstats/format');
const { toJson } = require('./json');

const { encodeFile, writeSlot, parseTypeSignature, appendRecord, appendRecords, appendFamily, encodeFamilyMeta, seriesLabel, histogramRecordSpecs, TRAILER_SIZE } = format;

// ---------------------------------------------------------------------------------------------
// Building a file and knowing what it holds

const ZERO = { uint: 0, int: 0, float: 0, bool: false, string: '' };

function u32le(bytes, at, value) {
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).writeUInt32LE(value, at);
}

/** What a reader reports for a value: non-finite floats as strings. */
function shown(value) {
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  return value;
}

/** The value a slot holds once `value` is written into it, where the writer does not convert it. */
function stored(type, value) {
  if (type.kind === 'float' && type.size === 4) return Math.fround(value);
  if (type.kind === 'string' && Buffer.byteLength(value) > type.size) throw new Error(`"${value}" does not fit ${type.signature}: give the expected text`);
  return value;
}

/**
 * A file under construction: encodes it with the codec's writer side, and keeps, beside the bytes,
 * what each record holds and means, from what was written.
 */
class Builder {
  /** `records`: [{ spec, family?, labels? }]; `options`: encodeFile's. */
  constructor(records, options = {}) {
    const { bytes, plan } = encodeFile(
      records.map((r) => r.spec),
      options,
    );
    this.bytes = bytes;
    this.plan = plan;
    /** Records added live are laid out like the ones at creation (SPEC §4.5). */
    this.layoutOptions = { layout: options.layout };
    this.families = options.metadata ? Object.fromEntries(options.metadata.map((meta) => [meta.name, familyJson(meta)])) : undefined;
    this.recordsEnd = plan.contentSize;
    this.metadataStart = plan.metadataStart;
    this.records = records.map((r, i) => this.track(plan.records[i], r));
    /** Histogram series, in the order of their first record: [{ family, labels, bounds, parts: record indexes }]. */
    this.histograms = [];
  }

  /** Remembers the histogram series whose records are `indexes` (buckets by bound, count, sum). */
  trackHistogram(family, labels, bounds, indexes) {
    this.histograms.push({ family, labels, bounds: [...bounds, Infinity], parts: indexes });
    return indexes;
  }

  /** Adds the records of a histogram series to the live file as one group (SPEC §14.5, §14.6); returns their indexes. */
  appendHistogram(family, bounds, labels = {}) {
    const keys = Object.keys(labels);
    const specs = histogramRecordSpecs(family, bounds, keys, keys.map((k) => labels[k]));
    const layouts = appendRecords(this.bytes, specs, this.records.length, 0, this.layoutOptions);
    if (layouts === undefined) throw new Error(`no room for a series of ${family}`);
    this.recordsEnd = layouts[layouts.length - 1].end;
    const first = this.records.length;
    layouts.forEach((layout, i) => this.records.push(this.track(layout, histogramPart(family, labels, specs[i]))));
    return this.trackHistogram(family, labels, bounds, layouts.map((_, i) => first + i));
  }

  track(layout, { spec, family = null, labels = {} }) {
    const type = layout.type;
    const initial = spec.initial === undefined ? ZERO[type.kind] : stored(type, spec.initial);
    return {
      layout,
      state: { w: spec.buffered ? (spec.initial === undefined ? 0 : 1) : 0xff },
      expected: { label: spec.label, type: spec.signature, buffered: spec.buffered, value: initial, family, labels },
    };
  }

  /** Publishes `value` into record `i` as a writer does (SPEC §7.2, §7.3); `expected` if the slot changes it. */
  publish(i, value, expected = stored(this.records[i].layout.type, value)) {
    const { layout, state } = this.records[i];
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
    if (layout.buffered) {
      writeSlot(view, layout.slotOffsets[state.w], layout.type, value);
      state.w ^= 1;
      this.bytes[layout.writeIndexOffset] = state.w;
    } else {
      writeSlot(view, layout.slotOffsets[0], layout.type, value);
    }
    this.records[i].expected.value = expected;
    return this;
  }

  /** Adds a record to the live file (SPEC §14.5) and returns its index. */
  append(record) {
    const layout = appendRecord(this.bytes, record.spec, this.records.length, 0, this.layoutOptions);
    if (layout === undefined) throw new Error(`no room for ${record.spec.label}`);
    this.recordsEnd = layout.end;
    this.records.push(this.track(layout, record));
    return this.records.length - 1;
  }

  /** Adds a family to the live file (SPEC §14.5). */
  appendFamily(meta) {
    if (!appendFamily(this.bytes, meta)) throw new Error(`no room for family ${meta.name}`);
    this.metadataStart -= encodeFamilyMeta(meta).length;
    this.families[meta.name] = familyJson(meta);
  }

  /** Adds an entry of any JSON text below the others; `family` is what readers make of it, null if they ignore it. */
  appendRawEntry(text, name, family) {
    const body = Buffer.from(text, 'utf8');
    const at = this.metadataStart - 4 - body.length;
    u32le(this.bytes, at, body.length);
    this.bytes.set(body, at + 4);
    this.setMetadataStart(at);
    if (family !== null) this.families[name] = family;
    return at;
  }

  setMetadataStart(at) {
    this.metadataStart = at;
    u32le(this.bytes, this.bytes.length - TRAILER_SIZE + 4, at);
  }

  setRecordsEnd(at) {
    this.recordsEnd = at;
    u32le(this.bytes, this.bytes.length - TRAILER_SIZE, at);
  }

  /** The JSON a conforming reader produces, for the first `count` records. */
  expected(count = this.records.length) {
    const histograms = this.histograms
      .filter(({ parts }) => parts.every((i) => i < count))
      .map(({ family, labels, bounds, parts }) => {
        const buckets = parts.slice(0, -2).map((i) => BigInt(this.records[i].expected.value));
        return { family, labels, bounds: bounds.map(shown), buckets, count: buckets.reduce((a, b) => a + b, 0n), sum: shown(this.records[parts[parts.length - 1]].expected.value) };
      });
    return {
      histograms,
      metadata: this.families === undefined ? null : { records_end: this.recordsEnd, metadata_start: this.metadataStart, families: this.families },
      records: this.records.slice(0, count).map(({ expected, state }) => ({
        label: expected.label,
        type: expected.type,
        buffered: expected.buffered,
        write_index: state.w,
        value: shown(expected.value),
        family: expected.family,
        kind: expected.family === null ? null : this.families[expected.family].kind,
        labels: expected.labels,
      })),
    };
  }
}

/** A family as readers report it (README.md): the members it has, without its name. */
function familyJson(meta) {
  const family = { kind: meta.kind };
  for (const key of ['help', 'unit', 'labels', 'aggregate']) if (meta[key] !== undefined) family[key] = meta[key];
  return family;
}

/** A record of no family. */
const plain = (label, signature, buffered, initial) => ({ spec: { label, signature, buffered, initial } });
/** The record of an unlabelled family. */
const member = (family, signature, buffered, initial) => ({ spec: { label: family, signature, buffered, initial }, family });
/** A record of a histogram series (SPEC §14.6): its family, and its labels, `le` included for a bucket. */
function histogramPart(family, labels, spec) {
  const le = /le="([^"]*)"\}$/.exec(spec.label);
  return { spec, family, labels: le ? { ...labels, le: le[1] } : { ...labels } };
}

/** The records of a histogram series at creation, with their meaning. */
function histogramRecords(family, bounds, labels = {}) {
  const keys = Object.keys(labels);
  return histogramRecordSpecs(family, bounds, keys, keys.map((k) => labels[k])).map((spec) => histogramPart(family, labels, spec));
}

/** Publishes the observations `values` into the histogram series at record indexes `parts` of `b`, as a writer does. */
function observeAll(b, parts, bounds, values) {
  const all = [...bounds, Infinity];
  const buckets = all.map(() => 0);
  for (const value of values) buckets[all.findIndex((bound) => value <= bound)]++;
  buckets.forEach((count, i) => {
    if (count > 0) b.publish(parts[i], count);
  });
  b.publish(parts[parts.length - 2], values.length);
  b.publish(parts[parts.length - 1], values.reduce((a, v) => a + v, 0));
}

/** The record of one series of a labelled family. */
function series(family, labels, signature = 'Q') {
  const keys = Object.keys(labels);
  const label = seriesLabel(
    family,
    keys,
    keys.map((k) => labels[k]),
  );
  return { spec: { label, signature, buffered: true }, family, labels };
}

const vectors = [];

/** Registers a vector whose reading succeeds. */
function valid(name, description, build) {
  vectors.push({ name, description, make: () => ({ bytes: build.bytes, expected: build.expected() }) });
}

/** Registers a vector whose reading fails with error `kind` at `offset`. */
function hostile(name, description, bytes, kind, offset) {
  vectors.push({ name, description, make: () => ({ bytes, expected: { error: { offset, kind } } }) });
}

// ---------------------------------------------------------------------------------------------
// Files without metadata (SPEC §3-§13)

{
  // SPEC §9: the model and writes of test/fixtures/original/basic.mmstats, written by the
  // original Python mmstats 0.8.0; the bytes are the same.
  const b = new Builder([plain('load', 'd', true), plain('hits', 'Q', true), plain('name', '16s', false), plain('up', '?', false)]);
  b.publish(0, 0.5).publish(0, 2.25);
  b.publish(1, 1).publish(1, 2).publish(1, 5);
  b.publish(2, 'hello world').publish(2, 'hi');
  b.publish(3, true);
  valid('basic-original', 'the original mmstats 0.8.0 file of SPEC §9, byte for byte', b);
}

{
  const b = new Builder(
    [
      plain('u64', 'Q', true),
      plain('i64', 'q', true),
      plain('u64.legacy', 'L', false),
      plain('i64.legacy', 'l', false),
      plain('u32', 'I', true),
      plain('i32', 'i', true),
      plain('u16', 'H', false),
      plain('i16', 'h', true),
      plain('i8', 'b', false),
      plain('bool', '?', false),
      plain('bool.two', '?', true),
      plain('f32', 'f', true),
      plain('f64', 'd', true),
      plain('f64.nan', 'd', true),
      plain('f64.inf', 'd', false),
      plain('f32.neg_inf', 'f', false),
      plain('u64.never_written', 'Q', true),
      plain('u64.initial', 'Q', true, 7),
      plain('f64.big', 'd', false),
    ],
    { allowLegacySignatures: true },
  );
  b.publish(0, 2n ** 64n - 1n);
  b.publish(1, -(2n ** 63n)).publish(1, -(2n ** 53n) - 1n);
  b.publish(2, 2n ** 53n + 1n);
  b.publish(3, -(2n ** 53n) - 1n);
  b.publish(4, 4294967295);
  b.publish(5, -2147483648).publish(5, 123456789);
  b.publish(6, 65535);
  b.publish(7, -32768);
  b.publish(8, -128);
  b.publish(9, true);
  b.publish(10, true);
  b.bytes[b.records[10].layout.slotOffsets[0]] = 2; // the current slot holds 0x02: any non-zero byte is true
  b.publish(11, 0.1);
  b.publish(12, 1.5).publish(12, -1234.5678);
  b.publish(13, NaN);
  b.publish(14, Infinity);
  b.publish(15, -Infinity);
  b.publish(17, 8);
  b.publish(18, 1e300);
  valid('every-type', 'every signature of SPEC §4.1, buffered and not, extremes, NaN and infinities, legacy L and l', b);
}

{
  const b = new Builder([
    plain('in_place', '16s', false),
    plain('full', '8s', false),
    plain('emptied', '8s', false),
    plain('utf8', '16s', false),
    plain('cut', '4s', false),
    plain('buffered', '16s', true),
    plain('buffered.initial', '255s', true, 'x'),
    plain('one', '1s', false),
    plain('static', '256s', false, 'naïve ✓'),
  ]);
  b.publish(0, 'hello world').publish(0, 'hi'); // 'lo world' stays after the NUL
  b.publish(1, 'abcdefgh'); // fills the slot: no NUL
  b.publish(2, 'abc').publish(2, '');
  b.publish(3, 'Grüße 😀');
  b.publish(4, 'ab€', 'ab'); // cut on a character boundary (SPEC §8.2)
  b.publish(5, 'first value').publish(5, 'second').publish(5, '3rd'); // '3rd' over 'first value' in slot 0
  b.publish(7, 'a');
  valid('strings', 'strings: stale bytes after the NUL, a full slot, text cut on a character boundary, buffered strings (SPEC §8.2)', b);
}

{
  const b = new Builder([plain('a\u0000b', 'b', false, 1), plain('température', 'b', false, 2), plain('x'.repeat(300), 'b', false, 3), plain('web{route="/"}', 'b', false, 4), plain('dup-a', 'b', false, 5), plain('dup-b', 'b', false, 6)]);
  // Two records with one label: readers report both (SPEC §3).
  b.bytes[b.records[5].layout.labelOffset + 4] = 0x61;
  b.records[5].expected.label = 'dup-a';
  valid('labels-v1', 'labels without metadata: a NUL inside, UTF-8, 300 bytes, braces (no metadata: not parsed), a duplicate (SPEC §3)', b);
}

{
  const b = new Builder([plain('bad?', 'b', false, 1), plain('text', '8s', false)]);
  b.bytes[b.records[0].layout.labelOffset + 3] = 0xff;
  b.records[0].expected.label = 'bad\ufffd';
  b.bytes.set([0x78, 0xe2, 0x82, 0x79, 0], b.records[1].layout.slotOffsets[0]);
  b.records[1].expected.value = 'x\ufffdy';
  valid('invalid-utf8', 'invalid UTF-8 in a label and a string: U+FFFD for each maximal invalid subpart (SPEC §8.2)', b);
}

{
  const records = [plain('a', 'Q', true, 1), plain('b', 'b', false, -1)];
  const content = 1 + (2 + 1 + 2 + 1 + 1 + 16) + (2 + 1 + 2 + 1 + 1 + 1);
  valid('end-exact', 'records that fill the file exactly: no end marker (SPEC §6 case 1)', new Builder(records, { pageSize: content }));
  valid('end-one-zero-byte', 'records, then a single zero byte (SPEC §6 case 2)', new Builder(records, { pageSize: content + 1 }));
  valid('no-records', 'a version byte and zeros: no records', new Builder([]));
}

// ---------------------------------------------------------------------------------------------
// Signatures padded with whitespace (SPEC §4.5)

/** Every fixed type but the legacy ones, buffered and not, and strings; labels of varied lengths move the slots. */
function everyAlignedType() {
  const names = ['u64', 'i64.x', 'f64.abc', 'u32', 'i32.abcd', 'f32.ab', 'u16.abcde', 'i16', 'i8.a', 'bool', 'text.odd'];
  const signatures = ['Q', 'q', 'd', 'I', 'i', 'f', 'H', 'h', 'b', '?', '13s'];
  return signatures.flatMap((signature, i) => [plain(names[i], signature, true), plain(`${names[i]}.static`, signature, false)]);
}
const ALIGNED_VALUES = [2n ** 64n - 1n, 2n ** 64n - 2n, -(2n ** 63n), 5, -0.1, 1e300, 4294967295, 7, -2147483648, 9, 0.5, -1.25, 65535, 3, -32768, 11, -128, 12, true, false, 'odd size', 'x'];

{
  const b = new Builder([...everyAlignedType(), member('requests', 'Q', true)], {
    layout: 'aligned',
    metadata: [
      { name: 'requests', kind: 'counter' },
      { name: 'jobs', kind: 'gauge', labels: ['queue'] },
    ],
    reserve: 1500,
  });
  ALIGNED_VALUES.forEach((value, i) => b.publish(i, value));
  b.publish(ALIGNED_VALUES.length, 41).publish(ALIGNED_VALUES.length, 42);
  b.publish(b.append(series('jobs', { queue: 'high' }, 'd')), 2.5);
  b.publish(b.append(series('jobs', { queue: 'a' }, 'I')), 3);
  b.publish(b.append(plain('late.h', 'h', true)), -2);
  valid('aligned', 'slots of 2-, 4- and 8-byte numbers at multiples of their size: signatures padded with trailing spaces, at creation and in records added live (SPEC §4.5)', b);
}

{
  // The padding of an aligned file moved and changed, the offsets kept: readers skip whitespace
  // on either side of the type code, as Python's struct does (SPEC §4.5).
  const b = new Builder(everyAlignedType(), { layout: 'aligned' });
  ALIGNED_VALUES.forEach((value, i) => b.publish(i, value));
  const forms = ['leading', 'both', 'tab', 'newline', 'vertical-tab', 'form-feed', 'return'];
  const spaceFor = { tab: 0x09, newline: 0x0a, 'vertical-tab': 0x0b, 'form-feed': 0x0c, return: 0x0d };
  let rewritten = 0;
  for (const { layout } of b.records) {
    const padding = layout.signatureLength - layout.signature.length;
    if (padding === 0) continue;
    const at = layout.writeIndexOffset - layout.signatureLength;
    const form = forms[rewritten++ % forms.length];
    const lead = form === 'leading' ? padding : form === 'both' ? padding >> 1 : 0;
    const space = spaceFor[form] ?? 0x20;
    const text = [...Array(lead).fill(0x20), ...Buffer.from(layout.signature, 'latin1'), ...Array(padding - lead).fill(space)];
    b.bytes.set(text, at);
  }
  if (rewritten < forms.length) throw new Error('padded-signatures: too few padded records for every form');
  valid('padded-signatures', 'type codes with whitespace before, after and on both sides: spaces, tabs, line feeds, vertical tabs, form feeds, carriage returns (SPEC §4.5)', b);
}

// ---------------------------------------------------------------------------------------------
// Files with metadata (SPEC §14)

const KINDS = [
  { name: 'requests', kind: 'counter', help: 'Requests answered, "all" of them\nsince start ✓' },
  { name: 'temperature', kind: 'gauge', unit: 'celsius', aggregate: 'max' },
  { name: 'queue.depth', kind: 'gauge', aggregate: 'sum' },
  { name: 'load', kind: 'gauge', unit: 'ratio', aggregate: 'mean' },
  { name: 'free', kind: 'gauge', unit: 'bytes', aggregate: 'min' },
  { name: 'last_hit', kind: 'gauge', unit: 'epoch_seconds', aggregate: 'last' },
  { name: 'request_time', kind: 'average', unit: 'seconds' },
  { name: 'recent_time', kind: 'moving_average', unit: 'seconds', aggregate: 'max' },
  { name: 'handler', kind: 'timer', help: 'Time in the handler' },
  { name: 'latency', kind: 'histogram', unit: 'seconds' },
  { name: 'status', kind: 'text' },
  { name: 'sys.pid', kind: 'constant' },
];

{
  const b = new Builder(
    [
      member('requests', 'Q', true),
      member('temperature', 'd', true),
      member('queue.depth', 'I', true),
      member('load', 'f', true),
      member('free', 'Q', true),
      member('last_hit', 'd', true),
      member('request_time', 'd', true),
      member('recent_time', 'd', true),
      member('handler', 'd', true),
      plain('latency.total', 'Q', true), // not a part of histogram latency (SPEC §14.6): no metadata
      member('status', '64s', true),
      member('sys.pid', 'I', false, 4242),
      plain('plain', 'q', true),
    ],
    { metadata: KINDS },
  );
  [12, 21.5, 3, 0.75, 2n ** 40n, 1700000000.25, 0.125, 0.5, 0.001, 9, 'serving', undefined, -5].forEach((value, i) => {
    if (value !== undefined) b.publish(i, value);
  });
  valid('metadata-kinds', 'every kind, help, the known units and another, every aggregate (SPEC §14.3)', b);
}

{
  const values = ['/a', '/a"b', 'C:\\dir\\', 'line\nbreak', '\u001b[31mred', '\u007f\u0085', '\u2028\u202e\u2066', 'é😀', '', '{x=1},y="2"'];
  const records = values.map((route, i) => series('http.requests', { route, status: i % 2 ? '5xx' : '2xx' }));
  records.push(series('http.requests', { overflow: 'true' }));
  records.push(series('pool.size', { pool: 'main' }, 'd'));
  // An escape a writer would not write (A needs none) still follows the grammar (SPEC §14.4).
  records.push({ spec: { label: 'pool.size{pool="\\x41\\u00e9"}', signature: 'd', buffered: true }, family: 'pool.size', labels: { pool: 'Aé' } });
  const b = new Builder(records, {
    metadata: [
      { name: 'http.requests', kind: 'counter', labels: ['route', 'status'], help: 'By route and status' },
      { name: 'pool.size', kind: 'gauge', labels: ['pool'], aggregate: 'max' },
    ],
  });
  b.records.forEach((_, i) => b.publish(i, i + 1));
  valid('series-labels', 'series labels with every escape of SPEC §14.4, an overflow series, raw braces and commas in a value', b);
}

/** The file of the appended vectors: two records and one family at creation, the rest added live. */
function appendedFile() {
  const b = new Builder([member('requests', 'Q', true), member('sys.pid', 'I', false, 99)], {
    metadata: [
      { name: 'requests', kind: 'counter' },
      { name: 'sys.pid', kind: 'constant' },
    ],
    reserve: 2000,
  });
  b.publish(0, 10);
  b.appendFamily({ name: 'jobs', kind: 'gauge', labels: ['queue'], unit: 'seconds', aggregate: 'max' });
  b.publish(b.append(series('jobs', { queue: 'high' }, 'd')), 2.5);
  b.publish(b.append(series('jobs', { queue: 'low "q"' }, 'd')), 0.25);
  b.publish(b.append(plain('late', 'Q', true)), 3);
  b.appendFamily({ name: 'note', kind: 'text', help: 'added last' });
  b.publish(b.append(member('note', '32s', false)), 'appended');
  return b;
}

valid('appended', 'families and records added to a live file with appendFamily and appendRecord (SPEC §14.5)', appendedFile());

{
  // A copy made between steps (2) and (3) of SPEC §14.5: the record is whole, the trailer does
  // not count it yet. Readers stop at the trailer's R; the original reader sees the record.
  const b = appendedFile();
  const counted = b.records.length;
  const before = b.recordsEnd;
  b.publish(b.append(plain('pending', 'Q', true)), 1);
  b.setRecordsEnd(before);
  valid('appended-pending', 'a record added whole but not yet counted by the trailer: readers stop at R (SPEC §14.2, §14.5)', { bytes: b.bytes, expected: () => b.expected(counted) });
}

{
  // A copy made before step (2): the label length's low byte is still 0, an end marker.
  const b = appendedFile();
  const counted = b.records.length;
  const before = b.recordsEnd;
  b.append(plain('unpublished', 'Q', true));
  b.bytes[before] = 0;
  b.setRecordsEnd(before);
  valid('appended-unpublished', 'a record being added, its label length not yet stored (SPEC §14.5)', { bytes: b.bytes, expected: () => b.expected(counted) });
}

{
  const b = new Builder([member('hits', 'Q', true), plain('summary.x{quantile="0.5"}', 'd', true), plain('summary.x{bad', 'd', true), member('ratio', 'd', true), member('long.unit', 'd', true), member('unit64', 'd', true), member('empty.labels', 'Q', true)], {
    metadata: [],
    reserve: 1000,
  });
  b.appendRawEntry('{"name":"hits","kind":"counter","colour":"red","help":"h","extra":{"nested":[1,2.5,{"a":null}],"n":-1e999}}', 'hits', { kind: 'counter', help: 'h' });
  b.appendRawEntry('{"name":"summary.x","kind":"summary","help":"a kind readers do not know"}', 'summary.x', null);
  b.appendRawEntry('{"name":"blank.kind","kind":""}', 'blank.kind', null);
  b.appendRawEntry('{"name":"ratio","kind":"gauge","unit":"Per-Cent","aggregate":"median"}', 'ratio', { kind: 'gauge' });
  b.appendRawEntry(`{"name":"long.unit","kind":"gauge","unit":"${'a'.repeat(65)}"}`, 'long.unit', { kind: 'gauge' });
  b.appendRawEntry(`{"name":"unit64","kind":"gauge","unit":"${'u'.repeat(64)}"}`, 'unit64', { kind: 'gauge', unit: 'u'.repeat(64) });
  b.appendRawEntry(' \n\t{"name":"empty.labels","kind":"counter","labels":[]}\r\n ', 'empty.labels', { kind: 'counter', labels: [] });
  b.publish(0, 1);
  valid('unknown-kinds-and-members', 'members and kinds readers do not know, units and aggregates they ignore, whitespace around the JSON (SPEC §14.3)', b);
}

valid('metadata-empty', 'a metadata block without entries: no record has a family', new Builder([plain('a', 'Q', true, 3)], { metadata: [] }));

{
  const b = new Builder([plain('a', 'Q', true, 3)], { metadata: [], reserve: 100 });
  b.setRecordsEnd(b.recordsEnd + 40);
  valid('end-marker-before-records-end', 'the end marker before the trailer’s R, as a copy made in one read can show (SPEC §14.2)', b);
}

// ---------------------------------------------------------------------------------------------
// Histograms (SPEC §14.6)

const PROM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A file with histogram `latency` (prom-client's default buckets) and a plain counter, at creation. */
function histogramFile() {
  const records = [...histogramRecords('latency', PROM_BUCKETS), member('requests', 'Q', true)];
  const b = new Builder(records, {
    metadata: [
      { name: 'latency', kind: 'histogram', unit: 'seconds', help: 'Request latency' },
      { name: 'requests', kind: 'counter' },
    ],
    reserve: 3000,
  });
  const parts = b.trackHistogram('latency', {}, PROM_BUCKETS, records.slice(0, -1).map((_, i) => i));
  observeAll(b, parts, PROM_BUCKETS, [0.003, 0.005, 0.0051, 0.2, 0.2, 0.75, 3, 12, -1]);
  b.publish(records.length - 1, 9);
  return { b, parts };
}

valid('histogram', 'a histogram with prom-client’s default buckets: non-cumulative buckets, count and sum (SPEC §14.6)', histogramFile().b);

{
  // A copy taken in the middle of observe(): the bucket counts one more observation than the
  // count record and the sum. Readers publish the sum of the buckets as the count.
  const { b, parts } = histogramFile();
  b.publish(parts[4], 1);
  valid('histogram-half-observation', 'a copy between the stores of one observe(): a bucket ahead of the count record and the sum; readers publish the sum of the buckets (SPEC §14.6)', b);
}

/** A file whose labelled histogram gets its series added live, as groups of records. */
function labelledHistogramFile() {
  const b = new Builder([member('sys.pid', 'I', false, 7)], { metadata: [{ name: 'sys.pid', kind: 'constant' }], reserve: 3000 });
  b.appendFamily({ name: 'http.duration', kind: 'histogram', labels: ['route', 'method'], unit: 'seconds' });
  const bounds = [0.01, 0.1, 1];
  observeAll(b, b.appendHistogram('http.duration', bounds, { route: '/a', method: 'GET' }), bounds, [0.05, 0.5, 0.5, 2]);
  observeAll(b, b.appendHistogram('http.duration', bounds, { route: '/b "q"', method: 'POST' }), bounds, [0.001]);
  observeAll(b, b.appendHistogram('http.duration', bounds, { overflow: 'true' }), bounds, [0.2, 0.3]);
  b.appendFamily({ name: 'size', kind: 'histogram', unit: 'bytes' });
  observeAll(b, b.appendHistogram('size', [1e3, 1e6]), [1e3, 1e6], [1500, 2e6, 10]);
  return b;
}

valid('histogram-labelled', 'a labelled histogram whose series, the overflow series among them, were added to the live file as groups of records, le after the series’ labels (SPEC §14.5, §14.6)', labelledHistogramFile());

{
  // A copy made between steps (2) and (3) for a group: the series is whole, the trailer does not
  // count it yet. Readers stop at R and see no part of it.
  const b = labelledHistogramFile();
  const counted = b.records.length;
  const before = b.recordsEnd;
  b.appendHistogram('size', [1e3, 1e6], {});
  b.setRecordsEnd(before);
  valid('histogram-series-pending', 'a histogram series added whole but not yet counted by the trailer: readers see none of its records (SPEC §14.6)', { bytes: b.bytes, expected: () => b.expected(counted) });
}

/** Registers a hostile vector made from `histogramFile()` by `plant(b)`, which returns the fault's offset. */
function hostileHistogram(name, description, plant) {
  const { b } = histogramFile();
  hostile(name, `${description} (SPEC §14.6)`, b.bytes, 'bad_histogram', plant(b));
}
/** Adds a record of `label` and `signature` to the live file and returns its label offset. */
const appendedPart = (b, label, signature = 'Q') => b.records[b.append(plain(label, signature, true))].layout.labelOffset;

hostileHistogram('histogram-duplicate-bound', 'a bucket whose bound another one of the series has (1.0 is 1)', (b) => appendedPart(b, 'latency.bucket{le="1.0"}'));
hostileHistogram('histogram-bucket-without-le', 'a bucket record without le', (b) => appendedPart(b, 'latency.bucket{x="1"}'));
hostileHistogram('histogram-bad-bound', 'a le that is not a number', (b) => appendedPart(b, 'latency.bucket{le="0x10"}'));
hostileHistogram('histogram-count-twice', 'a second count record', (b) => appendedPart(b, 'latency.count'));
hostileHistogram('histogram-sum-type', 'a sum of type f in a new series', (b) => appendedPart(b, 'latency.sum{x="1"}', 'f'));
hostileHistogram('histogram-count-with-le', 'a count record with le', (b) => appendedPart(b, 'latency.count{le="1"}'));
hostileHistogram('histogram-missing-parts', 'a series with a bucket only: no +Inf bucket, count or sum', (b) => appendedPart(b, 'latency.bucket{x="1",le="1"}'));
{
  // The series labels are checked before the histograms (SPEC §14.2): a malformed label after a
  // series that lacks its sum is reported.
  const { b } = histogramFile();
  appendedPart(b, 'latency.bucket{x="1",le="+Inf"}');
  appendedPart(b, 'latency.count{x="1"}');
  const bad = appendedPart(b, 'latency.sum{x=1}', 'd');
  hostile('order-series-before-histograms', 'a histogram series without its sum and, after it, a malformed series label: the label is reported (SPEC §14.2)', b.bytes, 'bad_series_label', bad);
}

// ---------------------------------------------------------------------------------------------
// Hostile files without metadata (SPEC §11): error kind and offset

const hex = (text) => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const basic = () => new Builder([plain('load', 'd', true), plain('hits', 'Q', true), plain('name', '16s', false), plain('up', '?', false)]).bytes;

/** A version byte and one record of label `f`, signature `sig`, write byte `w`, then zeros to 4096 bytes. */
function oneRecord(sig, w) {
  const file = new Uint8Array(4096);
  const head = Buffer.concat([Buffer.from([1, 1, 0, 0x66]), Buffer.from([sig.length & 0xff, sig.length >> 8]), Buffer.from(sig, 'latin1'), Buffer.from([w])]);
  file.set(head, 0);
  return file;
}

hostile('empty', 'an empty file', new Uint8Array(0), 'not_v1', 0);
hostile('version-2', 'version byte 0x02 (a later, incompatible format)', Object.assign(basic(), { 0: 2 }), 'not_v1', 0);
hostile('version-0', 'version byte 0x00', Object.assign(basic(), { 0: 0 }), 'not_v1', 0);
hostile('label-past-end', 'a label length past the end of the file', hex('01 1000 6162'), 'truncated', 1);
hostile('label-length-ffff', 'label length 65535 where the end marker was', Object.assign(basic(), { 0x5a: 0xff, 0x5b: 0xff }), 'truncated', 0x5a);
hostile('one-byte-left', 'one non-zero byte left where a record would start', Object.assign(basic().slice(0, 0x5b), { 0x5a: 5 }), 'truncated', 0x5a);
hostile('signature-length-cut', 'the file ends inside a signature length', hex('01 0200 6162 05'), 'truncated', 5);
hostile('signature-past-end', 'a signature length past the end of the file', hex('01 0200 6162 0500 51'), 'truncated', 5);
hostile('write-index-missing', 'the file ends before the write-buffer byte', hex('01 0100 66 0100 51'), 'truncated', 7);
hostile('slots-cut-buffered', 'two slots of 8 bytes, 12 bytes left', hex('01 0100 66 0100 51 00' + '00'.repeat(12)), 'truncated', 8);
hostile('slot-cut-unbuffered', 'a 16-byte slot, 3 bytes left', hex('01 0100 66 0300 313673 ff 616263'), 'truncated', 10);
hostile('string-largest-size', 'the largest string size is known, then the slot is past the end', oneRecord('2147483647s', 0xff), 'truncated', 18);
for (const [name, sig] of [
  ['x', 'x'],
  ['0s', '0s'],
  ['016s', '016s'],
  ['s', 's'],
  ['plus-8s', '+8s'],
  ['repeat-2I', '2I'],
  ['prefix-lt-Q', '<Q'],
  ['prefix-lt-space-Q', '< Q'],
  ['space-inside-count', '1 6s'],
  ['space-before-s', '16 s'],
  ['two-codes', 'Q Q'],
  ['spaces-only', '   '],
  ['nul-after-code', 'Q\0'],
  ['empty', ''],
  ['too-large-string', '2147483648s'],
  ['B', 'B'],
  ['e', 'e'],
]) {
  hostile(`signature-${name}`, `unknown type signature ${JSON.stringify(sig)} (SPEC §4.3)`, oneRecord(sig, 0xff), 'bad_signature', 6);
}
hostile('signature-second-record', 'an unknown signature in the second record', Object.assign(basic(), { 0x23: 0x78 }), 'bad_signature', 0x23);
hostile('write-index-7', 'write-buffer byte 0x07', oneRecord('Q', 7), 'bad_write_index', 7);

// ---------------------------------------------------------------------------------------------
// Hostile files with metadata (SPEC §14): error kind and offset

/** A small file with metadata and room to spare. */
function withMetadata() {
  return new Builder([plain('hits', 'Q', true, 1), plain('web.requests{route="/"}', 'Q', true)], {
    metadata: [
      { name: 'hits', kind: 'counter' },
      { name: 'web.requests', kind: 'counter', labels: ['route'] },
    ],
    reserve: 500,
  });
}

/** Registers a hostile vector made from `withMetadata()` by `plant(b)`, which returns the fault's offset. */
function hostileWith(name, description, kind, plant) {
  const b = withMetadata();
  const offset = plant(b);
  hostile(name, description, b.bytes, kind, offset);
}
const trailerAt = (b) => b.bytes.length - TRAILER_SIZE;
/** The signature byte of record `i` (each has a one-letter signature). */
const signatureAt = (b, i) => b.records[i].layout.writeIndexOffset - 1;

hostileWith('trailer-records-end-0', 'trailer: R = 0', 'bad_trailer', (b) => (b.setRecordsEnd(0), trailerAt(b)));
hostileWith('trailer-start-inside-records', 'trailer: M < R + 2', 'bad_trailer', (b) => (b.setMetadataStart(b.recordsEnd + 1), trailerAt(b)));
hostileWith('trailer-start-past-trailer', 'trailer: M > Z - 16', 'bad_trailer', (b) => (b.setMetadataStart(trailerAt(b) + 1), trailerAt(b)));
hostileWith('trailer-offsets-u32-max', 'trailer: R and M of 2^32 - 1 (compare without overflow)', 'bad_trailer', (b) => {
  b.setRecordsEnd(0xffffffff);
  b.setMetadataStart(0xffffffff);
  return trailerAt(b);
});
{
  const small = new Uint8Array(17);
  small[0] = 1;
  small.set([1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0x6d, 0x6d, 0x78, 0x31], 1);
  hostile('trailer-17-bytes', 'the smallest file with the magic: its trailer cannot be right', small, 'bad_trailer', 1);
}
hostileWith('entry-length-past-trailer', 'an entry length past the trailer', 'entry_length', (b) => (u32le(b.bytes, b.metadataStart, 1 << 30), b.metadataStart));
hostileWith('entry-length-1', 'an entry length below 2', 'entry_length', (b) => (u32le(b.bytes, b.metadataStart, 1), b.metadataStart));
hostileWith('entry-3-bytes-left', 'three bytes between M and the trailer', 'entry_length', (b) => (b.setMetadataStart(trailerAt(b) - 3), b.metadataStart));
hostileWith('entry-zero-length', 'M moved 8 bytes down into the zero reserve: an entry of length 0', 'entry_length', (b) => (b.setMetadataStart(b.metadataStart - 8), b.metadataStart));

for (const [name, text, kind, why] of [
  ['entry-not-json', '{"name":"x","kind":"gauge"', 'entry_json', 'not JSON: unclosed'],
  ['entry-trailing-comma', '{"name":"x","kind":"gauge",}', 'entry_json', 'not JSON: a trailing comma'],
  ['entry-nan-literal', '{"name":"x","kind":"gauge","v":NaN}', 'entry_json', 'NaN is not JSON'],
  ['entry-infinity-literal', '{"name":"x","kind":"gauge","v":-Infinity}', 'entry_json', '-Infinity is not JSON'],
  ['entry-bom', '\ufeff{"name":"x","kind":"gauge"}', 'entry_json', 'a byte-order mark before the object'],
  ['entry-two-values', '{"name":"x","kind":"gauge"} {}', 'entry_json', 'two JSON values'],
  ['entry-single-quotes', "{'name':'x','kind':'gauge'}", 'entry_json', 'single quotes'],
  ['entry-raw-control', '{"name":"x\u0001","kind":"gauge"}', 'entry_json', 'a raw control character in a string'],
  ['entry-array', '[{"name":"x","kind":"gauge"}]', 'bad_entry', 'an array, not an object'],
  ['entry-string', '"x"', 'bad_entry', 'a string, not an object'],
  ['entry-null', 'null', 'bad_entry', 'null, not an object'],
  ['entry-no-name', '{"kind":"gauge"}', 'bad_entry', 'no name'],
  ['entry-empty-name', '{"name":"","kind":"gauge"}', 'bad_entry', 'an empty name'],
  ['entry-name-number', '{"name":5,"kind":"gauge"}', 'bad_entry', 'a number as name'],
  ['entry-no-kind', '{"name":"x"}', 'bad_entry', 'no kind'],
  ['entry-kind-null', '{"name":"x","kind":null}', 'bad_entry', 'kind null'],
  ['entry-help-number', '{"name":"x","kind":"gauge","help":1}', 'bad_entry', 'help not a string'],
  ['entry-unit-array', '{"name":"x","kind":"gauge","unit":["s"]}', 'bad_entry', 'unit not a string'],
  ['entry-aggregate-true', '{"name":"x","kind":"gauge","aggregate":true}', 'bad_entry', 'aggregate not a string'],
  ['entry-labels-string', '{"name":"x","kind":"counter","labels":"route"}', 'bad_entry', 'labels not an array'],
  ['entry-labels-number', '{"name":"x","kind":"counter","labels":["route",1]}', 'bad_entry', 'labels holding a number'],
  ['entry-labels-null', '{"name":"x","kind":"counter","labels":null}', 'bad_entry', 'labels null'],
  ['entry-unknown-kind-bad-member', '{"name":"x","kind":"summary","help":false}', 'bad_entry', 'an unknown kind does not excuse a member of the wrong type'],
  ['duplicate-family', '{"name":"hits","kind":"gauge"}', 'duplicate_family', 'a second entry for family hits'],
  ['duplicate-family-unknown-kind', '{"name":"hits","kind":"summary"}', 'duplicate_family', 'an entry of an unknown kind repeating the name hits'],
]) {
  hostileWith(name, `metadata entry: ${why} (SPEC §14.3)`, kind, (b) => {
    const older = b.metadataStart;
    const at = b.appendRawEntry(text, 'x', null);
    // The new entry is met first from M: a repeated name is reported at the older entry.
    return kind === 'duplicate_family' ? older : at;
  });
}

hostileWith('record-crosses-records-end', 'the trailer’s R falls inside the second record', 'past_records_end', (b) => {
  b.setRecordsEnd(b.records[1].layout.end - 1);
  return b.records[1].layout.offset;
});

/** The label offset of a record added to `b` with `label`. */
const appendedLabel = (b, label) => b.records[b.append(plain(label, 'Q', true))].layout.labelOffset;

for (const [name, label] of [
  ['unquoted', 'web.requests{route=/a}'],
  ['unclosed-value', 'web.requests{route="/a}'],
  ['unclosed-brace', 'web.requests{route="/a"'],
  ['empty-braces', 'web.requests{}'],
  ['no-value', 'web.requests{route}'],
  ['after-brace', 'web.requests{route="/a"}x'],
  ['trailing-comma', 'web.requests{route="/a",}'],
  ['space', 'web.requests{route="/a", status="2xx"}'],
  ['key-digit-first', 'web.requests{1route="/a"}'],
  ['key-twice', 'web.requests{route="/a",route="/b"}'],
  ['unknown-escape', 'web.requests{route="\\q"}'],
  ['short-x-escape', 'web.requests{route="\\x1"}'],
  ['upper-case-hex', 'web.requests{route="\\x1B"}'],
  ['surrogate-escape', 'web.requests{route="\\ud800"}'],
  ['single-quotes', "web.requests{route='/a'}"],
]) {
  hostileWith(`series-${name}`, `a series label of a known family that does not follow SPEC §14.4: ${label}`, 'bad_series_label', (b) => appendedLabel(b, label));
}

// The order of checks (SPEC §14.2): only the first fault is reported.
hostileWith('order-version-before-trailer', 'version byte 0x02 and a bad trailer', 'not_v1', (b) => {
  b.bytes[0] = 2;
  b.setRecordsEnd(0);
  return 0;
});
hostileWith('order-trailer-before-records', 'a bad trailer and a bad signature', 'bad_trailer', (b) => {
  b.bytes[signatureAt(b, 0)] = 0x78;
  b.setRecordsEnd(0);
  return trailerAt(b);
});
hostileWith('order-records-before-entries', 'a bad signature and an entry that is not JSON', 'bad_signature', (b) => {
  b.bytes[signatureAt(b, 1)] = 0x78;
  b.appendRawEntry('{', 'x', null);
  return signatureAt(b, 1);
});
hostileWith('order-entries-before-series', 'a malformed series label and a bad entry', 'bad_entry', (b) => {
  appendedLabel(b, 'web.requests{route=/x}');
  return b.appendRawEntry('{"name":7,"kind":"gauge"}', 'x', null);
});
hostileWith('order-series-in-file-order', 'two malformed series labels: the first is reported', 'bad_series_label', (b) => {
  const first = appendedLabel(b, 'web.requests{a="\\q"}');
  appendedLabel(b, 'web.requests{b}');
  return first;
});

// ---------------------------------------------------------------------------------------------

/** Every vector: name, description, the file's bytes and the JSON a reader must produce. */
function buildVectors() {
  return vectors.map(({ name, description, make }) => {
    const { bytes, expected } = make();
    return { name, description, bytes, expected: typeof expected === 'function' ? expected() : expected };
  });
}

/** The text of a vector's `.json` file. */
function expectedText(vector) {
  return toJson({ description: vector.description, ...vector.expected }) + '\n';
}

function main() {
  const directory = process.argv[2] ?? path.join(__dirname, 'vectors');
  fs.rmSync(directory, { recursive: true, force: true });
  fs.mkdirSync(directory, { recursive: true });
  const all = buildVectors();
  for (const vector of all) {
    fs.writeFileSync(path.join(directory, `${vector.name}.mmstats`), vector.bytes);
    fs.writeFileSync(path.join(directory, `${vector.name}.json`), expectedText(vector));
  }
  process.stdout.write(`${all.length} vectors in ${directory}\n`);
}

module.exports = { buildVectors, expectedText };

if (require.main === module) main();
