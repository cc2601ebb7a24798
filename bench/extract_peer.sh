#!/usr/bin/env bash
# claimdex beside Microsoft Recognizers-Text on the dev gold documents:
#   bench/extract_peer.sh [BUILD_DIR]      (default: build)
# Installs the peer (npm @microsoft/recognizers-text-suite) into
# bench/.peer/ once, prints both documents' texts as claimdex extracts
# them (bench/extract_speed.c --text), runs the peer over them
# (bench/extract_peer.js: its types mapped to our kinds, UTF-16 indices
# turned into byte offsets), scores both claim files with
# ../shared/eval/score.py, and times both in this run (CPU time of the
# extraction alone: the peer's recognizers, claimdex's cdx_extract_run()).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shared=../shared
gold=$shared/eval/dev/gold.jsonl
peer=$PWD/bench/.peer
[ -f "$gold" ] || { echo "skipped: $gold not found" >&2; exit 0; }
[ -x "$build/claimdex" ] || { echo "build first: meson compile -C $build" >&2; exit 2; }
command -v node > /dev/null || { echo "needs node and npm (Debian: nodejs npm)" >&2; exit 2; }
if [ ! -d "$peer/node_modules/@microsoft/recognizers-text-suite" ]; then
	mkdir -p "$peer"
	npm install --prefix "$peer" --no-audit --no-fund --silent \
		@microsoft/recognizers-text-suite > /dev/null
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
data=$PWD/extractors/data
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Icommon -Icorpus -Iextractors \
	bench/extract_speed.c "$build/libcdxextract.a" "$build/libcdxcorpus.a" \
	"$build/libcdxcommon.a" $(pkg-config --libs libpcre2-8 libxml-2.0 libutf8proc) \
	-lm -o "$tmp/extract_speed"
bin=$(cd "$build" && pwd)/claimdex
js=$PWD/bench/extract_peer.js
mapfile -t docs < <(python3 -c 'import json,sys; print("\n".join(sorted({json.loads(l)["doc"] for l in open(sys.argv[1]) if l.strip()})))' "$gold")
(
	cd "$shared"
	"$tmp/extract_speed" --text "${docs[@]}" > "$tmp/texts.jsonl"
	CLAIMDEX_DATA=$data "$bin" --quiet extract --json "${docs[@]}" > "$tmp/claimdex.jsonl"
	CLAIMDEX_DATA=$data "$tmp/extract_speed" "${docs[@]}" > "$tmp/speed.txt"
	PEER_DIR=$peer node "$js" < "$tmp/texts.jsonl" > "$tmp/peer.jsonl" 2> "$tmp/peer.cpu"
)
echo "== claimdex"
python3 "$shared/eval/score.py" "$gold" "$tmp/claimdex.jsonl" | tee "$tmp/c.txt"
echo "== Recognizers-Text"
python3 "$shared/eval/score.py" "$gold" "$tmp/peer.jsonl" | tee "$tmp/p.txt"
cf=$(sed -n 's/^micro-F1 \([0-9.]*\).*/\1/p' "$tmp/c.txt")
pf=$(sed -n 's/^micro-F1 \([0-9.]*\).*/\1/p' "$tmp/p.txt")
cr=$(sed -n 's/.* \([0-9.]*\) MB\/s$/\1/p' "$tmp/speed.txt")
read -r _ ps pb < "$tmp/peer.cpu"
awk -v cf="$cf" -v pf="$pf" -v cr="$cr" -v ps="$ps" -v pb="$pb" 'BEGIN {
	pr = pb / (ps > 0 ? ps : 1e-6) / 1e6
	printf "\n%-20s %9s %14s\n", "", "micro-F1", "throughput"
	printf "%-20s %9.3f %9.3f MB/s\n", "claimdex", cf, cr
	printf "%-20s %9.3f %9.4f MB/s  (%.1f s CPU for %d bytes)\n", \
		"Recognizers-Text", pf, pr, ps, pb
	printf "claimdex/peer: F1 +%.3f, speed x%.0f\n", cf - pf, cr / pr
}'
