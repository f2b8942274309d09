#!/usr/bin/env python3
"""The reading algorithm of the original Python mmstats (0.8.0), as SPEC.md §13 and §14 describe it.

A test reader: it shows what the original tools see in a file. It walks the records as
`label_sz, label, sig_sz, sig, wb, value(s)` with Python's struct module, stops at the first zero
label length (or at the end of the data), sizes each value by struct.calcsize of its signature,
takes slot `wb ^ 1` of a buffered record, cuts strings at the first NUL and drops invalid UTF-8.
It makes no other check, exactly like the original: anything else it cannot read raises. struct
skips whitespace in a format, so a signature padded to align its slots (SPEC.md §4.5) reads as
its type code here as it did in the original (CPython 2.7 and 3 alike).

Usage: python3 original_reader.py FILE [FILE...]
       python3 original_reader.py --live FILE LABEL SECONDS
The second form reads a live file through a mapping, as the original tools did, over and over
until the record LABEL has a non-zero value or SECONDS pass, and prints what it saw:
{"reads": N, "counts": [distinct record counts], "errors": [...], "done": bool}, after a first
line "ready" once the file is mapped.
Prints {"files": [{"file": ..., "records": [{"label": ..., "value": ...}]}]}; non-finite floats
are the strings "NaN", "Infinity" and "-Infinity". Standard library only.
"""
import io
import json
import math
import mmap
import struct
import sys
import time

UNBUFFERED = 255


def read_records(stream):
    """(label, value) of every record the original reader yields, in file order."""
    if stream.read(1) != b"\x01":
        raise ValueError("not a version 1 file")
    while True:
        raw_label_sz = stream.read(2)
        if raw_label_sz in (b"", b"\x00", b"\x00\x00"):
            return
        (label_sz,) = struct.unpack("H", raw_label_sz)
        label = stream.read(label_sz).decode("utf8", "ignore")
        (sig_sz,) = struct.unpack("H", stream.read(2))
        sig = stream.read(sig_sz)
        size = struct.calcsize(sig)
        (wb,) = struct.unpack("B", stream.read(1))
        if wb == UNBUFFERED:
            value = struct.unpack(sig, stream.read(size))[0]
        else:
            buffers = stream.read(size * 2)
            at = size * (wb ^ 1)
            value = struct.unpack(sig, buffers[at:at + size])[0]
        if isinstance(value, bytes):
            value = value.split(b"\x00", 1)[0].decode("utf8", "ignore")
        yield label, value


def as_json(value):
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def watch_live(name, done_label, seconds):
    """Reads a live file through a mapping until `done_label` is non-zero or time runs out."""
    reads, counts, errors, done = 0, set(), [], False
    deadline = time.monotonic() + seconds
    with open(name, "rb") as fh:
        mapping = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        while not done and time.monotonic() < deadline:
            mapping.seek(0)
            try:
                records = list(read_records(mapping))
            except Exception as error:  # a malformed record: what must never happen
                errors.append(repr(error))
                continue
            reads += 1
            counts.add(len(records))
            done = any(label == done_label and value for label, value in records)
    return {"reads": reads, "counts": sorted(counts), "errors": errors[:10], "done": done}


def main(argv):
    if len(argv) == 5 and argv[1] == "--live":
        sys.stdout.write(json.dumps(watch_live(argv[2], argv[3], float(argv[4]))) + "\n")
        return 0
    files = []
    for name in argv[1:]:
        with open(name, "rb") as fh:
            stream = io.BytesIO(fh.read())
        records = [{"label": label, "value": as_json(value)} for label, value in read_records(stream)]
        files.append({"file": name, "records": records})
    sys.stdout.write(json.dumps({"files": files}, allow_nan=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
