#!/usr/bin/env python3
"""Independent decoder for mmstats format v1 files.

Written from SPEC.md alone, as a second, independent reader of the format:
it shares no code with any other implementation, so agreement between the two
is evidence that the specification is complete and language-neutral.

Usage: python3 spec_decoder.py FILE [FILE...]

Prints one JSON document to stdout:
  {"files": [{"file": ..., "records": [{"label", "type", "buffered",
                                        "write_index", "value"}]}]}
64-bit integers are exact; non-finite floats are the strings "NaN",
"Infinity" and "-Infinity". Any malformed file is reported on stderr as
"spec_decoder: FILE: <reason> at offset N"; every file is still checked, but
then nothing is printed to stdout and the exit status is 1.
Standard library only (Python 3.9+).
"""
import json
import math
import struct
import sys

# SPEC §4.1: fixed sizes, always little-endian, never the platform's native sizes.
FIXED = {
    b"Q": ("<Q", 8), b"q": ("<q", 8), b"L": ("<Q", 8), b"l": ("<q", 8),
    b"I": ("<I", 4), b"i": ("<i", 4), b"H": ("<H", 2), b"h": ("<h", 2),
    b"b": ("<b", 1), b"?": (None, 1), b"f": ("<f", 4), b"d": ("<d", 8),
}
DIGITS = b"0123456789"


class FormatError(Exception):
    def __init__(self, offset, reason):
        super().__init__(reason)
        self.offset, self.reason = offset, reason


def lookup_signature(sig):
    """Return (struct format or None or "s", slot size), or None if unknown (§4)."""
    if sig in FIXED:
        return FIXED[sig]
    # §4.2: <N>s, N in decimal ASCII, no leading zero, 1 <= N <= 2^31 - 1.
    digits = sig[:-1]
    # Length is capped before int() (Python limits int() on very long strings).
    if (2 <= len(sig) <= 11 and sig.endswith(b"s") and digits[:1] != b"0"
            and all(c in DIGITS for c in digits) and int(digits) <= 2**31 - 1):
        return ("s", int(digits))
    return None


def decode_value(kind, raw):
    if kind is None:                                  # '?': any non-zero byte is true
        return raw[0] != 0
    if kind == "s":                                   # §8.2: cut at first NUL
        return raw.split(b"\x00", 1)[0].decode("utf-8", errors="replace")
    value = struct.unpack(kind, raw)[0]
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def decode_file(data):
    n = len(data)
    if n == 0:
        raise FormatError(0, "empty file")
    if data[0] != 0x01:
        raise FormatError(0, "not an mmstats v1 file (version byte 0x%02x)" % data[0])
    pos, records = 1, []
    while pos < n:                                    # §6 case 1: r = 0 stops
        rec = "record %d: " % len(records)
        if n - pos == 1:                              # §6 case 2
            if data[pos] == 0:
                break
            raise FormatError(pos, rec + "truncated (one non-zero byte left)")
        length = data[pos] | data[pos + 1] << 8
        if length == 0:                               # §6 case 3
            break
        if length > n - (pos + 2):
            raise FormatError(pos, rec + "label runs past end of file")
        label = data[pos + 2:pos + 2 + length].decode("utf-8", errors="replace")
        p = pos + 2 + length
        if n - p < 2:
            raise FormatError(p, rec + "signature length runs past end of file")
        slen = data[p] | data[p + 1] << 8
        if slen > n - (p + 2):
            raise FormatError(p, rec + "signature runs past end of file")
        sig = data[p + 2:p + 2 + slen]
        found = lookup_signature(sig)
        if found is None:
            shown = sig[:20].decode("ascii", "backslashreplace") + ("..." if slen > 20 else "")
            raise FormatError(p + 2, rec + "unknown type signature '%s'" % shown)
        kind, size = found
        p += 2 + slen
        if p >= n:
            raise FormatError(p, rec + "write-buffer byte missing (end of file)")
        w = data[p]
        if w not in (0x00, 0x01, 0xFF):
            raise FormatError(p, rec + "bad write-buffer byte 0x%02x" % w)
        p += 1
        count = 1 if w == 0xFF else 2
        if size * count > n - p:
            raise FormatError(p, rec + "slot(s) run past end of file (truncated record)")
        at = p if count == 1 else p + size * (w ^ 1)  # §4.4
        records.append({"label": label, "type": sig.decode("ascii"), "buffered": count == 2,
                        "write_index": w, "value": decode_value(kind, data[at:at + size])})
        pos = p + size * count
    return records


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: spec_decoder.py FILE [FILE...]\n")
        return 2
    files, failed = [], False
    for name in argv[1:]:
        try:
            with open(name, "rb") as fh:
                data = fh.read()
            files.append({"file": name, "records": decode_file(data)})
        except FormatError as e:
            sys.stderr.write("spec_decoder: %s: %s at offset %d\n" % (name, e.reason, e.offset))
            failed = True
        except OSError as e:
            sys.stderr.write("spec_decoder: %s: cannot read: %s\n" % (name, e.strerror))
            failed = True
    if failed:
        return 1
    sys.stdout.write(json.dumps({"files": files}, allow_nan=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
