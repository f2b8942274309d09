// Hostile stats files for fuzzing the readers: valid files written with @mmstats/format, then
// mutated, truncated, spliced or replaced by random bytes, plus hand-made hostile records. Seeded,
// so a reported case is reproduced from its seed and index. Shared by `scripts/fuzz/run.js` (long
// runs) and packages/cli/test/fuzz.test.ts (the short CI run).
'use strict';

const { encodeFile } = require('@mmstats/format');

/** A seeded pseudo-random generator (mulberry32): numbers in [0, 1). */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Records like those of a writer's `MmStats`, for the process `pid`, created at `created`. */
function writerSpecs(pid, created) {
  return [
    { label: 'sys.pid', signature: 'I', buffered: false, initial: pid },
    { label: 'sys.tid', signature: 'q', buffered: false, initial: 0 },
    { label: 'org.nodejs.version', signature: '256s', buffered: false, initial: 'node v20' },
    { label: 'sys.created', signature: 'd', buffered: false, initial: created },
    { label: 'web.hits', signature: 'Q', buffered: true, initial: 12345 },
    { label: 'web.load', signature: 'd', buffered: true, initial: 0.75 },
    { label: 'web.last_path', signature: '64s', buffered: false, initial: '/index.html' },
    { label: 'web.up', signature: '?', buffered: false, initial: true },
    { label: 'web.port', signature: 'H', buffered: true, initial: 8080 },
    { label: 'x'.repeat(300), signature: 'f', buffered: true, initial: 1.5 },
  ];
}

/** A record's raw bytes, lengths as given (they may lie). */
function rawRecord(label, signature, writeIndex, slots, labelLength = label.length, signatureLength = signature.length) {
  const head = Buffer.alloc(2);
  head.writeUInt16LE(labelLength);
  const sig = Buffer.alloc(2);
  sig.writeUInt16LE(signatureLength);
  return Buffer.concat([head, label, sig, signature, Buffer.from([writeIndex]), slots]);
}

/** The hostile files the issue lists, each built around a valid first record. */
function hostileFile(random) {
  const first = rawRecord(Buffer.from('ok'), Buffer.from('Q'), 0xff, Buffer.alloc(8, 1));
  const pick = Math.floor(random() * 6);
  let tail;
  if (pick === 0) tail = rawRecord(Buffer.from('far'), Buffer.from('Q'), 0, Buffer.alloc(16), 0xfff0); // label length past the end
  else if (pick === 1) tail = rawRecord(Buffer.alloc(65535, 0x41), Buffer.from('d'), 0, Buffer.alloc(16)); // a 64 KiB label
  else if (pick === 2) tail = rawRecord(Buffer.from('big'), Buffer.from('2147483648s'), 0xff, Buffer.alloc(64)); // string size 2^31
  else if (pick === 3) tail = rawRecord(Buffer.from('big'), Buffer.from('2147483647s'), 0, Buffer.alloc(64)); // largest string, truncated
  else if (pick === 4) tail = rawRecord(Buffer.from('sig'), Buffer.alloc(1000, 0x51), 0xff, Buffer.alloc(8)); // 1,000-character signature
  else tail = rawRecord(Buffer.from('\u001b[2J\n'), Buffer.from('8s'), 0xff, Buffer.from('\u001b]0;x\u0007\r\n')); // escapes in text
  const content = Buffer.concat([Buffer.from([1]), first, tail]);
  const size = random() < 0.5 ? content.length : Math.ceil(content.length / 4096) * 4096;
  const file = Buffer.alloc(size);
  content.copy(file);
  return file;
}

/**
 * A corpus of fuzz files for one batch. `deadPid` names a process that no longer exists and
 * `livePid` one that does: mutated files keep naming them, so `clean` decides on real pids.
 * Returns `{ valid, make(index) }`: the untouched valid files by name, and a function that builds
 * fuzz file number `index` of the batch as `{ name, bytes }`.
 */
function corpus({ seed, livePid, deadPid, now = Date.now() / 1000 }) {
  const random = seededRandom(seed);
  const int = (n) => Math.floor(random() * n);
  const dead = Buffer.from(encodeFile(writerSpecs(deadPid, now - 3600)).bytes);
  const live = Buffer.from(encodeFile(writerSpecs(livePid, now - 1)).bytes);
  const bases = [dead, live];

  function mutate(base) {
    const content = [...base.subarray(0, 500)];
    const edits = 1 + int(random() < 0.2 ? 8 : 2);
    for (let k = 0; k < edits; k++) {
      const at = int(content.length);
      const what = int(4);
      if (what === 0) content[at] = int(256);
      else if (what === 1) content[at] ^= 1 << int(8);
      else if (what === 2) content.splice(at, 0, int(256));
      else content.splice(at, 1 + int(4));
    }
    const file = Buffer.concat([Buffer.from(content), base.subarray(500)]);
    return random() < 0.3 ? file.subarray(0, int(file.length + 1)) : file;
  }

  function make(index) {
    const kind = int(10);
    let bytes;
    if (kind === 0) {
      bytes = Buffer.alloc(int(600));
      for (let k = 0; k < bytes.length; k++) bytes[k] = int(256);
      if (bytes.length > 0 && random() < 0.8) bytes[0] = 1;
    } else if (kind === 1) {
      bytes = hostileFile(random);
    } else if (kind === 2) {
      // Two files spliced: a record cut in the middle continues with another's bytes.
      const a = bases[int(2)];
      const b = bases[int(2)];
      bytes = Buffer.concat([a.subarray(0, int(400)), b.subarray(int(400))]);
    } else {
      bytes = mutate(bases[int(2)]);
    }
    return { name: `fuzz-${String(index).padStart(6, '0')}.mmstats`, bytes };
  }

  return { valid: { 'valid-dead.mmstats': dead, 'valid-live.mmstats': live }, make };
}

module.exports = { corpus, seededRandom, writerSpecs };
