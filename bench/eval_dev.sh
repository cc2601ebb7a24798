#!/usr/bin/env bash
# Score claimdex's extraction on the dev gold claims:
#   bench/eval_dev.sh [--verbose]
# Runs `claimdex extract --json` over the documents of
# ../shared/eval/dev/gold.jsonl (from ../shared, so doc paths match) and
# scores the output with ../shared/eval/score.py.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
gold=$shared/eval/dev/gold.jsonl
bin=${BIN:-$PWD/build/claimdex}
[ -f "$gold" ] || { echo "skipped: $gold not found" >&2; exit 0; }
[ -x "$bin" ] || { echo "build first: ./claimdex.sh build" >&2; exit 2; }
pred=$(mktemp)
trap 'rm -f "$pred"' EXIT
mapfile -t docs < <(python3 -c 'import json,sys; print("\n".join(sorted({json.loads(l)["doc"] for l in open(sys.argv[1]) if l.strip()})))' "$gold")
(cd "$shared" && "$bin" --quiet extract --json "${docs[@]}") > "$pred"
python3 "$shared/eval/score.py" "$gold" "$pred" "$@"
