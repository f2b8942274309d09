/**
 * Python 2 `str()` of a float, which slurpstats used for every float it printed: 12 significant
 * digits, correctly rounded (ties to even on the exact binary value), trailing zeros dropped,
 * exponent form for very large or small magnitudes and `.0` added to whole numbers. Checked
 * against CPython 2.7 itself in test/render/number.test.ts.
 */

/** Significant digits of Python 2's `str(float)` (`PyFloat_STR_PRECISION`). */
export const FLOAT_STR_PRECISION = 12;

/** The significant digits of a positive finite number, rounded, and where the decimal point goes. */
interface Digits {
  /** Significant digits, e.g. `"225"`; trailing zeros dropped except in `roundSmallInteger`. */
  readonly digits: string;
  /** value = 0.d1d2d3… × 10^decpt, e.g. 2.25 → decpt 1. */
  readonly decpt: number;
}

/**
 * Formats a float the way Python 2's `str()` does: `5.0`, `2.25`, `1e+11`, `1e-05`, `0.333333333333`,
 * `inf`, `-inf`, `nan`, `-0.0`.
 */
export function formatFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  if (value === 0) return sign + '0.0';
  const fixed = fixedNotation(Math.abs(value));
  if (fixed !== undefined) return sign + fixed;
  const { digits, decpt } = roundToSignificant(Math.abs(value), FLOAT_STR_PRECISION);
  // CPython's format_float_short with Py_DTSF_ADD_DOT_0: exponent form when decpt <= -4 or
  // decpt > precision - 1, so that no whole number is printed with more than 11 digits plus ".0".
  if (decpt <= -4 || decpt > FLOAT_STR_PRECISION - 1) {
    const mantissa = digits.length === 1 ? digits : digits[0] + '.' + digits.slice(1);
    const exponent = decpt - 1;
    const expSign = exponent < 0 ? '-' : '+';
    return `${sign}${mantissa}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/**
 * The common case the quick way, or undefined: a number from 1 to 10^11 that cannot be a tie at
 * 12 significant digits is printed in fixed notation, and `toPrecision(12)` rounds it exactly as
 * Python does; only trailing zeros differ. A tie there would have at most 13 significant digits,
 * hence at most 12 bits after the binary point: anything with more (a third, a seventh) is not one.
 */
function fixedNotation(value: number): string | undefined {
  if (value < 1 || value >= 1e11 || Number.isInteger(value * 4096)) return undefined;
  const text = value.toPrecision(FLOAT_STR_PRECISION);
  const point = text.indexOf('.');
  // Rounded up to 10^11: twelve digits, no point, and Python's exponent form.
  if (point < 0) return undefined;
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48) end--;
  // At least one digit after the point, as Python's `5.0`.
  return text.slice(0, end === point + 1 ? end + 1 : end);
}

/**
 * Rounds a positive finite number to `precision` significant digits, ties to even on its exact
 * binary value. `toExponential` rounds correctly except on exact ties, which it rounds away from
 * zero; a tie shows as "5" followed by zeros in the next digits, so only then is the exact value
 * worked out with BigInt.
 */
function roundToSignificant(value: number, precision: number): Digits {
  if (Number.isInteger(value) && value < DTOA_SMALL_INTEGER_LIMIT) return roundSmallInteger(value, precision);
  if (isTie(value.toExponential(precision + 3), precision)) return roundExact(value, precision);
  const { digits, decpt } = splitExponential(value.toExponential(precision - 1));
  return { digits: stripTrailingZeros(digits), decpt };
}

/**
 * Whether `wide`, a number's `toExponential(precision + 3)` (`"d.ddd…e±x"`), has "5000" for its
 * digits after the first `precision`: an exact tie, or too close to one to trust `toExponential`.
 * Read in place: this runs for every float printed.
 */
function isTie(wide: string, precision: number): boolean {
  // Digit k (0-based) of the mantissa is at k, then k + 1 past the point.
  const at = precision + 1;
  return wide.charCodeAt(at) === 53 && wide.charCodeAt(at + 1) === 48 && wide.charCodeAt(at + 2) === 48 && wide.charCodeAt(at + 3) === 48;
}

/** Whole numbers below this can take the "small integer" path of CPython's dtoa (`k <= Int_max`, 14). */
const DTOA_SMALL_INTEGER_LIMIT = 1e15;

/**
 * A whole number below 10^15, rounded as CPython's dtoa rounds it. Its quick floating-point path
 * settles every case but an exact tie; a tie falls through to the "small integer" path, which
 * rounds half to even and, when it rounds down, keeps the digits it generated, trailing zeros
 * included. So Python 2 prints `str(8397550145605.0)` as `8.39755014560e+12`, and so do we.
 */
function roundSmallInteger(value: number, precision: number): Digits {
  const exact = String(value); // below 10^15 (< 10^21): plain digits, exact
  const decpt = exact.length;
  if (exact.length <= precision) return { digits: stripTrailingZeros(exact), decpt };
  const kept = exact.slice(0, precision);
  const rest = exact.slice(precision);
  if (roundsUp(kept, rest)) return bumpUp(kept, decpt);
  return { digits: /^50*$/.test(rest) ? kept : stripTrailingZeros(kept), decpt };
}

/** Whether `kept` followed by the dropped digits `rest` rounds up (ties to even). */
function roundsUp(kept: string, rest: string): boolean {
  const first = rest.charCodeAt(0) - 48;
  if (first !== 5) return first > 5;
  if (!/^0*$/.test(rest.slice(1))) return true;
  return (kept.charCodeAt(kept.length - 1) - 48) % 2 === 1;
}

/** `kept` plus one in its last place, trailing zeros dropped; 999… becomes 1 with decpt + 1. */
function bumpUp(kept: string, decpt: number): Digits {
  let digits = (BigInt(kept) + 1n).toString();
  if (digits.length > kept.length) {
    digits = digits.slice(0, kept.length);
    decpt += 1;
  }
  return { digits: stripTrailingZeros(digits), decpt };
}

/** `"2.2500e+0"` → digits `"22500"`, decpt 1. */
function splitExponential(text: string): Digits {
  const e = text.indexOf('e');
  // Without a point when there is one digit only ("5e+0").
  const digits = e > 1 ? text[0] + text.slice(2, e) : text.slice(0, e);
  return { digits, decpt: Number(text.slice(e + 1)) + 1 };
}

function stripTrailingZeros(digits: string): string {
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  return digits.slice(0, end);
}

/** The exact decimal expansion of a positive finite double, rounded half to even. */
function roundExact(value: number, precision: number): Digits {
  const { mantissa, exponent } = decompose(value);
  // value = mantissa × 2^exponent; for a negative exponent that is mantissa × 5^-exponent / 10^-exponent.
  let exact: string;
  let scale: number; // value = exact × 10^scale
  if (exponent >= 0) {
    exact = (mantissa << BigInt(exponent)).toString();
    scale = 0;
  } else {
    exact = (mantissa * 5n ** BigInt(-exponent)).toString();
    scale = exponent;
  }
  const decpt = exact.length + scale;
  if (exact.length <= precision) return { digits: stripTrailingZeros(exact), decpt };
  const kept = exact.slice(0, precision);
  const rest = exact.slice(precision);
  if (roundsUp(kept, rest)) return bumpUp(kept, decpt);
  return { digits: stripTrailingZeros(kept), decpt };
}

/** A positive finite double as an integer mantissa and a power of two. */
function decompose(value: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}
