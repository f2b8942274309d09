#!/usr/bin/env bash
# Smoke test of the whole write-then-read path, the way a user's CI checks its own stats: runs a
# deterministic writer (scripts/smoke/writer.js), then compares what `mmstats slurp` prints and
# the stats file's bytes with the golden files in scripts/smoke/. Prints a unified diff and exits 1
# on a mismatch.
#
#   bash scripts/smoke.sh            compare (run `npx tsc -b` first; `npm run smoke` does)
#   bash scripts/smoke.sh --update   rewrite the golden files from this run
#
# MMSTATS_SMOKE_GOLDEN names another directory of golden files (the tests use a tampered copy).
# The hex dump assumes 4 KiB pages: the file is padded to whole pages.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
golden="${MMSTATS_SMOKE_GOLDEN:-$root/scripts/smoke}"
mmstats="$root/packages/cli/bin/mmstats"

update=false
case "${1-}" in
  '') ;;
  --update) update=true ;;
  *)
    echo "usage: bash scripts/smoke.sh [--update]" >&2
    exit 2
    ;;
esac

work="$(mktemp -d "${TMPDIR:-/tmp}/mmstats-smoke-XXXXXX")"
trap 'rm -rf "$work"' EXIT
stats="$work/stats"
mkdir "$stats"

node "$root/scripts/smoke/writer.js" "$stats"

# Run from the stats directory with relative names, so the `==> file` headers do not carry the
# temporary directory's name. The process fields vary between runs and machines: excluded.
(cd "$stats" && node "$mmstats" slurp --sort --exclude sys. --exclude org.nodejs. app.mmstats fields.mmstats) \
  >"$work/slurp.txt"
# fields.mmstats has no process fields, so every byte is stable. od folds repeated lines into `*`.
(cd "$stats" && LC_ALL=C od -A x -t x1z fields.mmstats) >"$work/hex.txt"

if $update; then
  mkdir -p "$golden"
  cp "$work/slurp.txt" "$golden/expected.slurp.txt"
  cp "$work/hex.txt" "$golden/expected.hex.txt"
  echo "smoke: golden files written to $golden"
  exit 0
fi

failed=0
for kind in slurp hex; do
  expected="$golden/expected.$kind.txt"
  if [ ! -f "$expected" ]; then
    echo "smoke: $expected is missing (bash scripts/smoke.sh --update writes it)" >&2
    failed=1
  elif ! diff -u --label "$expected" --label "$kind output of this run" "$expected" "$work/$kind.txt"; then
    failed=1
  fi
done

if [ "$failed" -ne 0 ]; then
  echo "smoke: FAILED: output differs from the golden files above (if the change is intended: bash scripts/smoke.sh --update)" >&2
  exit 1
fi
echo "smoke: ok (slurp output and file bytes match $golden)"
