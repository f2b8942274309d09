#!/usr/bin/env python3
"""Independent decoder for mmstats format v1 files.

Written from SPEC.md alone, as a second, independent reader of the format:
it shares no code with any other implementation, so agreement between the two
is evidence that the specification is complete and language-neutral.

Usage: python3 spec_decoder.py [--outcome] FILE [FILE...]

Prints one JSON document to stdout:
  {"files": [{"file": ..., "records": [{"label", "type", "buffered",
                                        "write_index", "value"}],
              "meanings": [{"family", "kind", "labels"}],
              "histograms": [{"family", "labels", "bounds", "buckets",
                              "count", "sum"}],
              "metadata": null or {"records_end", "metadata_start",
                                   "families": {name: {"kind", ...}}}}]}
64-bit integers are exact; non-finite floats are the strings "NaN",
"Infinity" and "-Infinity". "meanings" gives each record's meaning, in the
order of "records" (SPEC §14.3, §14.4): family null, kind null and labels {}
for a record without metadata. "histograms" gives every histogram series
(SPEC §14.6): its labels without le, its bounds (the last "Infinity"), its
buckets as stored, the count readers publish (the sum of the buckets) and the
sum. "metadata" is null for a file without a metadata block (SPEC §14.2).

Any malformed file is reported on stderr as
"spec_decoder: FILE: <reason> at offset N"; every file is still checked, but
then nothing is printed to stdout and the exit status is 1. With --outcome, a
malformed file is reported in the output instead, as
{"file": ..., "error": {"offset": N, "kind": K}}, and each file that reads as
{"file": ..., "records": [...], "metadata": ...} with the meaning in each
record: the outcome of packages/format/conformance/README.md. The exit status
is then 0.
Standard library only (Python 3.9+).
"""
import json
import math
import re
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
    """A malformed file: where, which kind of problem (conformance/README.md), and why."""

    def __init__(self, offset, kind, reason):
        super().__init__(reason)
        self.offset, self.kind, self.reason = offset, kind, reason


# §4.5: the whitespace a signature may have before and after its type code.
SIGNATURE_SPACE = b" \t\n\x0b\x0c\r"


def lookup_signature(sig):
    """Return (struct format or None or "s", slot size), or None if unknown (§4, §4.5)."""
    sig = sig.strip(SIGNATURE_SPACE)
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


def decode_records(data, records_end):
    """The records of a v1 file (§3-§6, §13), stopping at records_end R when not None (§14.2)."""
    n = len(data)
    pos, records = 1, []
    while pos < n:                                    # §6 case 1: r = 0 stops
        if pos == records_end:                        # §14.2: stop at R
            break
        rec = "record %d: " % len(records)
        if n - pos == 1:                              # §6 case 2
            if data[pos] == 0:
                break
            raise FormatError(pos, "truncated", rec + "truncated (one non-zero byte left)")
        length = data[pos] | data[pos + 1] << 8
        if length == 0:                               # §6 case 3
            break
        if length > n - (pos + 2):
            raise FormatError(pos, "truncated", rec + "label runs past end of file")
        label = data[pos + 2:pos + 2 + length].decode("utf-8", errors="replace")
        p = pos + 2 + length
        if n - p < 2:
            raise FormatError(p, "truncated", rec + "signature length runs past end of file")
        slen = data[p] | data[p + 1] << 8
        if slen > n - (p + 2):
            raise FormatError(p, "truncated", rec + "signature runs past end of file")
        sig = data[p + 2:p + 2 + slen]
        found = lookup_signature(sig)
        if found is None:
            shown = sig[:20].decode("ascii", "backslashreplace") + ("..." if slen > 20 else "")
            raise FormatError(p + 2, "bad_signature", rec + "unknown type signature '%s'" % shown)
        kind, size = found
        p += 2 + slen
        if p >= n:
            raise FormatError(p, "truncated", rec + "write-buffer byte missing (end of file)")
        w = data[p]
        if w not in (0x00, 0x01, 0xFF):
            raise FormatError(p, "bad_write_index", rec + "bad write-buffer byte 0x%02x" % w)
        p += 1
        count = 1 if w == 0xFF else 2
        if size * count > n - p:
            raise FormatError(p, "truncated", rec + "slot(s) run past end of file (truncated record)")
        end = p + size * count
        if records_end is not None and end > records_end:
            raise FormatError(pos, "past_records_end", rec + "runs past the records end %d" % records_end)
        at = p if count == 1 else p + size * (w ^ 1)  # §4.4
        records.append({"label": label, "type": sig.strip(SIGNATURE_SPACE).decode("ascii"), "buffered": count == 2,
                        "write_index": w, "value": decode_value(kind, data[at:at + size]),
                        "label_offset": pos + 2})
        pos = end
    return records


# ---------------------------------------------------------------------------------------------
# §14: the metadata block

MAGIC = b"mmx1"
TRAILER = 16
KINDS = ("counter", "gauge", "average", "moving_average", "timer", "histogram", "text", "constant")
AGGREGATES = ("sum", "mean", "max", "min", "last")
UNIT_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"


def u32(data, at):
    return data[at] | data[at + 1] << 8 | data[at + 2] << 16 | data[at + 3] << 24


def decode_trailer(data):
    """(R, M) from the trailer, or None for a file without metadata (§14.2)."""
    n = len(data)
    if n < TRAILER + 1 or data[n - 4:] != MAGIC:
        return None
    base = n - TRAILER
    records_end, metadata_start = u32(data, base), u32(data, base + 4)
    if not (1 <= records_end and records_end + 2 <= metadata_start <= base):
        raise FormatError(base, "bad_trailer", "trailer: records end %d, metadata start %d, trailer at %d"
                          % (records_end, metadata_start, base))
    return records_end, metadata_start


def reject_constant(name):
    # Python's json accepts NaN, Infinity and -Infinity; RFC 8259 does not (§14.3).
    raise ValueError("%s is not JSON" % name)


def parse_entry(text, at):
    """The members of one entry, checked as §14.3 requires of every entry, whatever its kind."""
    try:
        # Numbers are never a valid value of a known member: parse them all as floats, so that no
        # number, however long, can fail differently from invalid JSON.
        obj = json.loads(text, parse_constant=reject_constant, parse_int=float)
    except (ValueError, RecursionError) as e:
        raise FormatError(at, "entry_json", "metadata entry: not valid JSON (%s)" % e)
    if not isinstance(obj, dict):
        raise FormatError(at, "bad_entry", "metadata entry: not a JSON object")
    for member in ("name", "kind", "help", "unit", "aggregate"):
        if member in obj and not isinstance(obj[member], str):
            raise FormatError(at, "bad_entry", "metadata entry: member %s is not a string" % member)
    if not obj.get("name"):
        raise FormatError(at, "bad_entry", "metadata entry: no name")
    if "kind" not in obj:
        raise FormatError(at, "bad_entry", "metadata entry: no kind")
    labels = obj.get("labels")
    if labels is not None and not (isinstance(labels, list) and all(isinstance(x, str) for x in labels)):
        raise FormatError(at, "bad_entry", "metadata entry: labels is not an array of strings")
    if "labels" in obj and labels is None:
        raise FormatError(at, "bad_entry", "metadata entry: labels is null")
    family = {"kind": obj["kind"]}
    if "help" in obj:
        family["help"] = obj["help"]
    unit = obj.get("unit")
    if unit is not None and 1 <= len(unit) <= 64 and all(c in UNIT_CHARS for c in unit):
        family["unit"] = unit                         # any other unit is ignored
    if labels is not None:
        family["labels"] = labels
    if obj.get("aggregate") in AGGREGATES:            # any other aggregate is ignored
        family["aggregate"] = obj["aggregate"]
    return obj["name"], family


def decode_entries(data, metadata_start):
    """The families of the entries from M to the trailer, by name; unknown kinds left out (§14.3)."""
    end = len(data) - TRAILER
    at, names, families = metadata_start, set(), {}
    while at < end:
        if end - at < 4:
            raise FormatError(at, "entry_length", "metadata entry: %d bytes left, too few for a length" % (end - at))
        length = u32(data, at)
        if length < 2 or length > end - at - 4:
            raise FormatError(at, "entry_length", "metadata entry: length %d does not fit" % length)
        name, family = parse_entry(data[at + 4:at + 4 + length].decode("utf-8", errors="replace"), at)
        if name in names:
            raise FormatError(at, "duplicate_family", "metadata entry: family %s described twice" % json.dumps(name))
        names.add(name)
        if family["kind"] in KINDS:
            families[name] = family
        at += 4 + length
    return families


# §14.4: a series label's value, as written between its quotes
SIMPLE_ESCAPES = {"\\": "\\", '"': '"', "n": "\n"}
HEX_DIGITS = "0123456789abcdef"
KEY_START = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"
KEY_CHARS = KEY_START + "0123456789"


def parse_series_label(label, open_at):
    """The label pairs of `name{key="value",...}` in order, or None if it does not follow §14.4."""
    pairs, at, n = {}, open_at + 1, len(label)
    while True:
        eq = label.find("=", at)
        key = label[at:eq] if eq >= 0 else ""
        if not key or key[0] not in KEY_START or any(c not in KEY_CHARS for c in key) or key in pairs:
            return None
        at = eq + 1
        if label[at:at + 1] != '"':
            return None
        at += 1
        value = []
        while True:
            if at >= n:
                return None
            c = label[at]
            if c == '"':
                break
            if c != "\\":
                value.append(c)
                at += 1
                continue
            e = label[at + 1:at + 2]
            if e in SIMPLE_ESCAPES:
                value.append(SIMPLE_ESCAPES[e])
                at += 2
            elif e in ("x", "u"):
                width = 2 if e == "x" else 4
                digits = label[at + 2:at + 2 + width]
                if len(digits) != width or any(d not in HEX_DIGITS for d in digits):
                    return None
                code = int(digits, 16)
                if 0xD800 <= code <= 0xDFFF:
                    return None
                value.append(chr(code))
                at += 2 + width
            else:
                return None
        pairs[key] = "".join(value)
        at += 1                                       # past the closing quote
        if label[at:at + 1] == ",":
            at += 1
            continue
        if label[at:] == "}":
            return pairs
        return None


PARTS = ("bucket", "count", "sum")
PART_TYPES = {"bucket": "Q", "count": "Q", "sum": "d"}


def histogram_part(base, families):
    """(family, part) when `base`, a label before any "{", names a part of a histogram (§14.6)."""
    for part in PARTS:
        suffix = "." + part
        family = base[:-len(suffix)]
        if base.endswith(suffix) and families.get(family, {}).get("kind") == "histogram":
            return family, part
    return None, None


def add_meanings(records, families):
    """Gives each record its family, kind and labels (§14.3, §14.4), and its histogram part (§14.6)."""
    for r in records:
        label, at = r["label"], r["label_offset"]
        family, labels, part = None, {}, None
        if families is not None:
            open_at = label.find("{")
            base = label[:open_at] if open_at > 0 else label
            if label in families:
                family = label
            elif open_at > 0 and base in families:
                family = base
            else:
                family, part = histogram_part(base, families)
            if family is not None and family != label and open_at > 0:
                labels = parse_series_label(label, open_at)
                if labels is None:
                    raise FormatError(at, "bad_series_label", "series label %s does not parse" % json.dumps(label))
        r["family"] = family
        r["kind"] = families[family]["kind"] if family is not None else None
        r["labels"] = labels
        r["part"] = part


# §14.6: a bucket's bound
BOUND = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?\Z")


def parse_bound(text):
    if text == "+Inf":
        return math.inf
    if not BOUND.match(text):
        return None
    bound = float(text)
    return bound if math.isfinite(bound) else None


def histograms(records):
    """The histogram series of a file's records (§14.6), checked in the order the section gives."""
    series, order = {}, []
    for r in records:
        part = r["part"]
        if part is None:
            continue
        at, labels = r["label_offset"], dict(r["labels"])
        le = labels.pop("le", None)
        fail = lambda reason: FormatError(at, "bad_histogram", "histogram: " + reason)
        if r["type"] != PART_TYPES[part]:
            raise fail("%s record of type %s" % (part, r["type"]))
        if part != "bucket" and le is not None:
            raise fail("%s record with le" % part)
        key = (r["family"], tuple(sorted(labels.items())))
        s = series.get(key)
        if s is None:
            s = series[key] = {"family": r["family"], "labels": labels, "first": at, "buckets": [], "count": None, "sum": None}
            order.append(s)
        if part == "bucket":
            bound = parse_bound(le) if le is not None else None
            if bound is None:
                raise fail("bucket without a le bound")
            if any(b == bound for b, _ in s["buckets"]):
                raise fail("bound %s twice" % le)
            s["buckets"].append((bound, r["value"]))
        else:
            if s[part] is not None:
                raise fail("%s twice" % part)
            s[part] = r["value"]
    out = []
    for s in order:
        if not any(b == math.inf for b, _ in s["buckets"]) or s["count"] is None or s["sum"] is None:
            raise FormatError(s["first"], "bad_histogram", "histogram: a series lacks a part")
        buckets = sorted(s["buckets"], key=lambda b: b[0])
        out.append({"family": s["family"], "labels": s["labels"],
                    "bounds": ["Infinity" if b == math.inf else b for b, _ in buckets],
                    "buckets": [v for _, v in buckets], "count": sum(v for _, v in buckets), "sum": s["sum"]})
    return out


def decode_file(data):
    """A file's records with their meaning, and its metadata; checks in the order of §14.2."""
    n = len(data)
    if n == 0:
        raise FormatError(0, "not_v1", "empty file")
    if data[0] != 0x01:
        raise FormatError(0, "not_v1", "not an mmstats v1 file (version byte 0x%02x)" % data[0])
    trailer = decode_trailer(data)
    records = decode_records(data, trailer[0] if trailer else None)
    metadata = None
    if trailer is not None:
        families = decode_entries(data, trailer[1])
        metadata = {"records_end": trailer[0], "metadata_start": trailer[1], "families": families}
    add_meanings(records, metadata["families"] if metadata else None)
    found = histograms(records)
    for r in records:
        del r["label_offset"], r["part"]
    return records, metadata, found


def main(argv):
    outcome = len(argv) > 1 and argv[1] == "--outcome"
    names = argv[2:] if outcome else argv[1:]
    if not names:
        sys.stderr.write("usage: spec_decoder.py [--outcome] FILE [FILE...]\n")
        return 2
    files, failed = [], False
    for name in names:
        try:
            with open(name, "rb") as fh:
                data = fh.read()
            records, metadata, found = decode_file(data)
            if outcome:
                files.append({"file": name, "records": records, "histograms": found, "metadata": metadata})
                continue
            meanings = [{key: r.pop(key) for key in ("family", "kind", "labels")} for r in records]
            files.append({"file": name, "records": records, "meanings": meanings, "histograms": found, "metadata": metadata})
        except FormatError as e:
            if outcome:
                files.append({"file": name, "error": {"offset": e.offset, "kind": e.kind}})
                continue
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
