#!/usr/bin/env bash
# Extraction throughput over the BBC corpus, single thread:
#   bench/extract_speed.sh [BUILD_DIR[=DATA_DIR]]...   (default: build)
# With several builds (an old one beside a new one, each with the data
# folder it was made for), all are measured in this same run, so a busy
# machine slows them alike. For each build it prints, over the same files:
#   extractor  cdx_extract_run() alone on documents already in memory
#              (bench/extract_speed.c, CPU time of its fastest pass);
#   command    `claimdex extract --json` end to end (reading, splitting,
#              extracting, printing JSON), CPU time, best of three;
# and once the peer: Python's re module finding numbers with a unit or
# currency (percent, money, tons) in the same files, CPU time: the
# cheapest figure finder one would write by hand, with no entities,
# counts, dates or subjects.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${CORPUS:-../shared/corpora/bbc-news}
[ -d "$corpus" ] || { echo "skipped: $corpus not found" >&2; exit 0; }
[ $# -gt 0 ] || set -- build
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mapfile -t files < <(find "$corpus" -name '*.txt' | sort)
bytes=$(cat "${files[@]}" | wc -c)

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
pr=$(awk -v b="$bytes" -v p="$peer_s" 'BEGIN{print b / (p > 0 ? p : 1e-3) / 1e6}')
printf 'bytes %d (%d files); peer re %.1f MB/s (%.2f s CPU)\n' \
	"$bytes" "${#files[@]}" "$pr" "$peer_s"
printf '%-28s %12s %12s %8s %8s\n' build 'extractor' 'command' 'ex/peer' 'cmd/peer'

i=0
for arg in "$@"; do
	build=${arg%%=*}
	data=extractors/data
	[ "$arg" != "$build" ] && data=${arg#*=}
	[ -x "$build/claimdex" ] || { echo "build first: meson compile -C $build" >&2; exit 2; }
	# The bench program links the build's static libraries (and the
	# headers of this tree, whose public API the builds share).
	cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Icommon -Icorpus -Iextractors \
		bench/extract_speed.c "$build/libcdxextract.a" "$build/libcdxcorpus.a" \
		"$build/libcdxcommon.a" $(pkg-config --libs libpcre2-8 libxml-2.0 libutf8proc) \
		-lm -o "$tmp/extract_speed$i"
	CLAIMDEX_DATA=$data "$tmp/extract_speed$i" "${files[@]}" > "$tmp/ex$i.txt"
	ex_rate=$(sed -n 's/.* \([0-9.]*\) MB\/s$/\1/p' "$tmp/ex$i.txt")
	cmd_s=$(CLAIMDEX_DATA=$data cpu "$build/claimdex" --quiet extract --json "${files[@]}")
	awk -v n="$build" -v b="$bytes" -v c="$cmd_s" -v e="$ex_rate" -v p="$pr" 'BEGIN {
		cr = b / (c > 0 ? c : 1e-3) / 1e6
		printf "%-28s %7.1f MB/s %7.1f MB/s %8.2f %8.2f\n", n, e, cr, e / p, cr / p
	}'
	i=$((i + 1))
done
