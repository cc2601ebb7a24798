#!/usr/bin/env bash
# Instructions of the ingest's prepare side, a build against a peer build
# measured in the same run (instruction counts, not time: the machine is
# shared and its clocks are noise):
#   bench/prep_instr.sh PEER_BUILD [BUILD]     (default BUILD: build)
# Runs `claimdex ingest --threads 1` of the BBC corpus under callgrind
# with each binary and prints, per function group, both counts and the
# ratio BUILD / PEER: reading checks (binary sniff, charset guess),
# sentence splitting, tokenizing, the preparer's token handling, term
# folding and stemming, the content hash, block packing, the whole
# cdx_index_doc_prepare(), and the whole run. Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
peer=${1:?usage: bench/prep_instr.sh PEER_BUILD [BUILD]}
build=${2:-build}
corpus=${CORPUS:-../shared/corpora/bbc-news}
[ -d "$corpus" ] || { echo "skipped: $corpus not found" >&2; exit 0; }
command -v valgrind > /dev/null || { echo "needs valgrind" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for b in "$peer" "$build"; do
	n=$(basename "$b")
	valgrind --tool=callgrind --callgrind-out-file="$tmp/$n.cg" \
		"$b/claimdex" --db "$tmp/db-$n" --quiet ingest --threads 1 \
		"$corpus" 2> /dev/null
	callgrind_annotate "$tmp/$n.cg" > "$tmp/$n.self"
	callgrind_annotate --inclusive=yes "$tmp/$n.cg" > "$tmp/$n.incl"
done
python3 - "$tmp" "$(basename "$peer")" "$(basename "$build")" <<'PY'
import re, sys
tmp, peer, build = sys.argv[1:]
groups = [  # (label, [(function, inclusive?)])
    ("reader checks", [("corpus_is_binary", 0), ("corpus_guess_charset", 0)]),
    ("split", [("cdx_corpus_split", 1)]),
    ("tokenize (self)", [("cdx_corpus_tokenize", 0)]),
    ("prep tokens", [("on_token", 0), ("flush_chunk", 0),
                     ("token_miss", 0), ("index_doc_terms", 0)]),
    ("fold + stem", [("index_term_of", 1)]),
    ("content hash", [("index_hash64", 0)]),
    ("pack", [("index_pack_put", 1)]),
    ("doc_prepare (all)", [("cdx_index_doc_prepare", 1)]),
]
def load(name, kind):
    d = {}
    for line in open(f"{tmp}/{name}.{kind}"):
        m = re.match(r"\s*([\d,]+) .*\?\?\?:([A-Za-z_0-9]+)", line)
        if m and m.group(2) not in d:
            d[m.group(2)] = int(m.group(1).replace(",", ""))
    return d
def total(name):
    for line in open(f"{tmp}/{name}.self"):
        if "PROGRAM TOTALS" in line:
            return int(line.split()[0].replace(",", ""))
def count(name, fns):
    s, i = load(name, "self"), load(name, "incl")
    return sum((i if inc else s).get(f, 0) for f, inc in fns)
print(f"{'group':20} {peer:>14} {build:>14}  ratio")
for label, fns in groups + [("whole ingest", None)]:
    a = count(peer, fns) if fns else total(peer)
    b = count(build, fns) if fns else total(build)
    print(f"{label:20} {a:14,} {b:14,}  {b / a if a else 0:.2f}")
PY
