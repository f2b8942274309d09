// The self-checking values of the stress test: what the writer publishes, and how a reader tells
// a value the writer published from a torn one (bytes of two publications mixed).
//
// Fixed-size numbers use a repetition code: publication k (1 … 254) stores k in every byte of the
// slot, so any mix of two different publications has unequal bytes and fails the check exactly.
// Successive publications into one slot always differ (k moves on by one per publication and a
// slot gets every second one), so every tear is visible. k never reaches 0xff, which in a float's
// every byte would be a NaN.
// Counters only rise by COUNTER_STEP: a tear breaks divisibility by it, or goes backwards.
// Strings come from a fixed set of runs of distinct characters and lengths, so a mix of two
// (a shorter string written over a longer one, cut mid-character …) is not in the set. An
// in-place string reads as '' while it is being rewritten (SPEC.md §7.3): counted as 'blank'.
// The writer publishes once before any reader starts, so zeros (the values before the first
// publication) are never valid.

const { BaseMmStats, field } = require('@mmstats/writer');

/** A step that changes four bytes of the counter at once. */
const COUNTER_STEP = 0x01010101;

/** Size of the two string fields. */
const STRING_SIZE = 64;

/** Every text the string fields hold. */
const TEXTS = ['a', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'cc', 'ddddddddddddddddddddd', 'éééééééééééé', 'ffffffffffffffffffffffffffffffffffffffff', '✓✓✓✓✓✓✓✓✓', 'gggggggggggggggggggggggggggggggggggggggggggggggggggggggggg', 'h'];
const TEXT_SET = new Set(TEXTS);

/** The fixed values of the static fields. */
const STATICS = {
  static_uint: 4000000000,
  static_int64: -(2n ** 62n),
  static_uint64: 2n ** 64n - 1n,
  static_float: -0.25,
  static_double: 1e-300,
  static_text: 'naïve ✓',
};

/** The stats class of the stress writer: one field of every type. */
class StressStats extends BaseMmStats {
  static fields = {
    counter: field.counter({ label: 'counter' }),
    uint64: field.uint64({ label: 'uint64' }),
    uint: field.uint({ label: 'uint' }),
    int: field.int({ label: 'int' }),
    short: field.short({ label: 'short' }),
    ushort: field.ushort({ label: 'ushort' }),
    byte: field.byte({ label: 'byte' }),
    bool: field.bool({ label: 'bool' }),
    float: field.float({ label: 'float' }),
    double: field.double({ label: 'double' }),
    text: field.string({ label: 'string.in_place', size: STRING_SIZE }),
    bufferedText: field.string({ label: 'string.buffered', size: STRING_SIZE, buffered: true }),
    average: field.average({ label: 'average' }),
    movingAverage: field.movingAverage({ label: 'moving_average', size: 3 }),
    timer: field.timer({ label: 'timer' }),
    staticUInt: field.staticUInt({ label: 'static_uint', value: STATICS.static_uint }),
    staticInt64: field.staticInt64({ label: 'static_int64', value: STATICS.static_int64 }),
    staticUInt64: field.staticUInt64({ label: 'static_uint64', value: STATICS.static_uint64 }),
    staticFloat: field.staticFloat({ label: 'static_float', value: STATICS.static_float }),
    staticDouble: field.staticDouble({ label: 'static_double', value: STATICS.static_double }),
    staticText: field.staticText({ label: 'static_text', value: STATICS.static_text }),
  };
}

const scratch = new DataView(new ArrayBuffer(8));

/** The number whose binary64 bytes are all `k`. */
function doubleOf(k) {
  for (let i = 0; i < 8; i++) scratch.setUint8(i, k);
  return scratch.getFloat64(0, true);
}

/** The number whose binary32 bytes are all `k`. */
function floatOf(k) {
  for (let i = 0; i < 4; i++) scratch.setUint8(i, k);
  return scratch.getFloat32(0, true);
}

/** Precomputed publications, so the writer's loop is only stores. */
const PUBLICATIONS = Array.from({ length: 254 }, (_, i) => {
  const k = i + 1;
  return {
    uint64: k * 0x010101010101, // six bytes of k (exact below 2^53), then two zero bytes
    uint: (k * 0x01010101) >>> 0,
    int: (k * 0x01010101) | 0,
    short: ((k * 0x0101) << 16) >> 16,
    ushort: k * 0x0101,
    byte: (k << 24) >> 24,
    bool: (k & 1) === 1,
    float: floatOf(k),
    double: doubleOf(k),
    text: TEXTS[k % TEXTS.length],
  };
});

/** Writes publication `n` (any integer ≥ 0) into every field of `stats`. */
function publish(stats, n) {
  const p = PUBLICATIONS[n % PUBLICATIONS.length];
  stats.counter.inc(COUNTER_STEP);
  stats.uint64 = p.uint64;
  stats.uint = p.uint;
  stats.int = p.int;
  stats.short = p.short;
  stats.ushort = p.ushort;
  stats.byte = p.byte;
  stats.bool = p.bool;
  stats.float = p.float;
  stats.double = p.double;
  stats.text = p.text;
  stats.bufferedText = p.text;
  stats.average.add(n % 2 === 0 ? 1 : 3);
  stats.movingAverage.add(n % 2 === 0 ? 1 : 3);
  stats.timer.start();
  stats.timer.stop();
}

/** Whether the first `width` bytes of `bytes` are all `bytes[0]`, not 0, and the rest are 0. */
function repeated(bytes, width) {
  if (bytes[0] === 0) return false;
  for (let i = 1; i < width; i++) if (bytes[i] !== bytes[0]) return false;
  for (let i = width; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

const checkView = new DataView(new ArrayBuffer(8));
const checkBytes = new Uint8Array(checkView.buffer);

function integerBytes(value, size, signed) {
  if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
  if (size === 8) checkView.setBigUint64(0, BigInt.asUintN(64, BigInt(value)), true);
  else if (size === 4) signed ? checkView.setInt32(0, value, true) : checkView.setUint32(0, value, true);
  else signed ? checkView.setInt16(0, value, true) : checkView.setUint16(0, value, true);
  return checkBytes.subarray(0, size);
}

/**
 * The check of each label: 'torn' when the value cannot be one the writer published (mixed
 * bytes), 'invalid' when it is wrong otherwise (out of range, wrong type, a static changed),
 * 'blank' for an in-place string read while it was being rewritten.
 */
const CHECKS = {
  uint64: (v) => codeword(integerBytes(v, 8, false), 6),
  uint: (v) => codeword(integerBytes(v, 4, false), 4),
  int: (v) => codeword(integerBytes(v, 4, true), 4),
  short: (v) => codeword(integerBytes(v, 2, true), 2),
  ushort: (v) => codeword(integerBytes(v, 2, false), 2),
  byte: (v) => (Number.isInteger(v) && v >= -128 && v <= 127 ? 'ok' : 'invalid'),
  bool: (v) => (typeof v === 'boolean' ? 'ok' : 'invalid'),
  float: (v) => (typeof v === 'number' ? (checkView.setFloat32(0, v, true), codeword(checkBytes.subarray(0, 4), 4)) : 'invalid'),
  double: (v) => (typeof v === 'number' ? (checkView.setFloat64(0, v, true), codeword(checkBytes.subarray(0, 8), 8)) : 'invalid'),
  'string.in_place': (v) => (TEXT_SET.has(v) ? 'ok' : v === '' ? 'blank' : 'torn'),
  'string.buffered': (v) => (TEXT_SET.has(v) ? 'ok' : 'torn'),
  average: (v) => (v >= 1 && v <= 3 ? 'ok' : 'invalid'),
  moving_average: (v) => (v >= 1 && v <= 3 ? 'ok' : 'invalid'),
  timer: (v) => (typeof v === 'number' && v >= 0 && v < 60 ? 'ok' : 'invalid'),
  // The timer's latest duration, in its own record since the timer keeps a moving mean.
  'timer.last': (v) => (typeof v === 'number' && v >= 0 && v < 60 ? 'ok' : 'invalid'),
};

function codeword(bytes, width) {
  if (!bytes) return 'invalid';
  return repeated(bytes, width) && bytes[0] !== 0xff ? 'ok' : 'torn';
}

/** Checks values of one file as one reader sees them over time (counters must never go back). */
class Checker {
  constructor() {
    this.lastCounter = 0;
  }

  /** 'ok', 'torn', 'invalid' or 'blank' for the value of `label`. */
  check(label, value) {
    if (label === 'counter') {
      if (typeof value !== 'number' || value === 0 || value % COUNTER_STEP !== 0) return 'torn';
      if (value < this.lastCounter) return 'invalid';
      this.lastCounter = value;
      return 'ok';
    }
    const check = CHECKS[label];
    if (check) return check(value);
    if (label in STATICS) return value === STATICS[label] ? 'ok' : 'invalid';
    return 'invalid';
  }
}

module.exports = { StressStats, publish, Checker, TEXTS, COUNTER_STEP, STRING_SIZE };
