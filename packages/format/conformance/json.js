// JSON text for the conformance vectors: deterministic, ASCII only, 64-bit integers exact
// (bigints are written as their digits, which JSON.stringify cannot do).
'use strict';

function quote(text) {
  // JSON.stringify escapes quotes, backslashes, C0 controls and lone surrogates; escape the rest
  // of what is not printable ASCII too, so every vector's JSON is plain ASCII.
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** `value` as JSON text, two-space indented, members in insertion order. */
function toJson(value, indent = '') {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`non-finite number ${value}: write it as a string`);
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return quote(value);
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return '[\n' + value.map((item) => inner + toJson(item, inner)).join(',\n') + '\n' + indent + ']';
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return '{}';
  return '{\n' + keys.map((key) => inner + quote(key) + ': ' + toJson(value[key], inner)).join(',\n') + '\n' + indent + '}';
}

module.exports = { toJson };
