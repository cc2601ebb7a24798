#!/usr/bin/env bash
# Extraction throughput over the BBC corpus, single thread:
#   bench/extract_speed.sh [BUILD_DIR]      (default: build)
# Prints three rates over the same files, measured in this run:
#   extractor  cdx_extract_run() alone on documents already in memory
#              (bench/extract_speed.c, CPU time of its fastest pass);
#   command    `claimdex extract --json` end to end (reading, splitting,
#              extracting, printing JSON), CPU time;
#   peer       Python's re module finding numbers with a unit or currency
#              (percent, money, tons) in the same files, CPU time: the
#              cheapest figure finder one would write by hand, with no
#              entities, counts, dates or subjects.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
corpus=${CORPUS:-../shared/corpora/bbc-news}
[ -d "$corpus" ] || { echo "skipped: $corpus not found" >&2; exit 0; }
[ -x "$build/claimdex" ] || { echo "build first: meson compile -C $build" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mapfile -t files < <(find "$corpus" -name '*.txt' | sort)
bytes=$(cat "${files[@]}" | wc -c)

# The bench program links the build's static libraries.
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Icommon -Icorpus -Iextractors \
	bench/extract_speed.c "$build/libcdxextract.a" "$build/libcdxcorpus.a" \
	"$build/libcdxcommon.a" $(pkg-config --libs libpcre2-8 libxml-2.0 libutf8proc) \
	-lm -o "$tmp/extract_speed"
CLAIMDEX_DATA=${CLAIMDEX_DATA:-extractors/data} "$tmp/extract_speed" "${files[@]}" |
	tee "$tmp/ex.txt"
ex_rate=$(sed -n 's/.* \([0-9.]*\) MB\/s$/\1/p' "$tmp/ex.txt")

# CPU seconds (user + system) of a command, best of three runs.
cpu() {
	local best=
	for _ in 1 2 3; do
		/usr/bin/time -f '%U %S' -o "$tmp/t" "$@" > /dev/null
		t=$(awk '{print $1 + $2}' "$tmp/t")
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a < b)}'; then
			best=$t
		fi
	done
	echo "$best"
}

cmd_s=$(cpu "$build/claimdex" --quiet extract --json "${files[@]}")
cat > "$tmp/peer.py" <<'PY'
import re, sys
pat = re.compile(r"(?:[$\u20ac\u00a3]\s?)?\b\d[\d,]*(?:\.\d+)?"
                 r"(?:\s?(?:million|billion|bn|m))?"
                 r"(?:\s?(?:%|percent|per cent|tons?|tonnes?))?")
n = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8", errors="replace") as f:
        n += sum(1 for _ in pat.finditer(f.read()))
print(n)
PY
peer_s=$(cpu python3 "$tmp/peer.py" "${files[@]}")
NFILES=${#files[@]} awk -v b="$bytes" -v c="$cmd_s" -v p="$peer_s" -v e="$ex_rate" 'BEGIN {
	cr = b / (c > 0 ? c : 1e-3) / 1e6; pr = b / (p > 0 ? p : 1e-3) / 1e6
	printf "bytes       %d (%s files)\n", b, ENVIRON["NFILES"]
	printf "extractor   %8.1f MB/s\n", e
	printf "command     %8.1f MB/s  (%.2f s CPU)\n", cr, c
	printf "peer re     %8.1f MB/s  (%.2f s CPU)\n", pr, p
	printf "ratio extractor/peer %.2f, command/peer %.2f\n", e / pr, cr / pr
}'
