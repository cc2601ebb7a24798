#!/usr/bin/env bash
# The index writer's cost in instructions, build beside build:
#   bench/writer_cost.sh [-t THREADS] [-c CORPUS] BUILD_DIR...
#   (defaults: 2 threads, ../shared/corpora/bbc-news, BUILD_DIR build)
# Each build ingests the same corpus under valgrind's callgrind (one
# thread per profile), in this same run; instruction counts do not
# depend on how busy the machine is, where times on a shared machine do.
# Per build it prints, in millions of instructions:
#   writer   cdx_index_writer_add_prepared: the writer thread's work per
#            document (maps, records, claims, the batch's postings);
#   commit   cdx_index_writer_commit on the writer's thread (encoding the
#            batch's postings, storing the segment, merges);
#   close    cdx_index_close (the merge of all segments and the repack of
#            an ingest that wrote much): nothing else runs then;
#   helper   what helper threads did for commits and merges (encode.c),
#            beside the writer rather than after it;
#   total    every thread's instructions;
# and each figure's ratio to the first build's.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=2
corpus=../shared/corpora/bbc-news
while getopts t:c: o; do
	case $o in
	t) threads=$OPTARG ;;
	c) corpus=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- build
[ -d "$corpus" ] || { echo "skipped: $corpus not found" >&2; exit 0; }
command -v valgrind > /dev/null || { echo "needs valgrind" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
i=0
for b in "$@"; do
	[ -x "$b/claimdex" ] || { echo "no $b/claimdex" >&2; exit 2; }
	valgrind --tool=callgrind --separate-threads=yes \
		--callgrind-out-file="$tmp/b$i.cg" "$b/claimdex" \
		--db "$tmp/db$i" --quiet ingest --threads "$threads" "$corpus" \
		> /dev/null 2>&1
	for f in "$tmp/b$i.cg"*; do
		# one file per thread (the first is empty)
		[ -s "$f" ] || continue
		callgrind_annotate --inclusive=yes --threshold=100 "$f" \
			2> /dev/null || true
		echo "@@"
	done > "$tmp/b$i.txt"
	i=$((i + 1))
done
python3 - "$tmp" "$@" <<'EOF'
import re, sys
tmp, builds = sys.argv[1], sys.argv[2:]
keys = {"writer": "cdx_index_writer_add_prepared",
        "commit": "cdx_index_writer_commit", "close": "cdx_index_close",
        "helper": "encode_thread", "total": "PROGRAM TOTALS"}
rows = []
for i, b in enumerate(builds):
    got = dict.fromkeys(keys, 0)
    for part in open(f"{tmp}/b{i}.txt").read().split("@@"):
        for name, fn in keys.items():
            for line in part.splitlines():
                m = re.match(r"\s*([\d,]+) .*(?:\?\?\?:|\s)" + re.escape(fn)
                             + r"(?:\s|$)", line)
                if m:
                    got[name] += int(m.group(1).replace(",", ""))
                    break
    rows.append(got)
print("%-28s" % "build" + "".join("%14s" % k for k in keys))
for b, got in zip(builds, rows):
    print("%-28s" % b[-28:] + "".join("%13.1fM" % (got[k] / 1e6)
                                        for k in keys))
    if got is not rows[0]:
        print("%-28s" % "  ratio to the first" +
              "".join("%14s" % ("%.2f" % (got[k] / rows[0][k])
                                if rows[0][k] else "-") for k in keys))
EOF
