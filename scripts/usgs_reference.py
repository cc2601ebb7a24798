#!/usr/bin/env python3
"""Regenerate corpus/reference/usgs_mcs.csv, the reference table claimdex
audits claims against, from the USGS Mineral Commodity Summaries long tables
in ../shared/corpora/usgs-mcs/reference/ (built there from the official MCS
data-release CSVs; public domain).

Run from the project root:  python3 scripts/usgs_reference.py [--mcs DIR]

What it keeps, for rare earths, lithium, cobalt, copper, graphite, nickel,
gallium and germanium, every edition present (MCS 2022, 2023, 2024 and the
transcribed MCS 2026 supplement):
  mine_production, refinery_production, primary_production (gallium),
  reserves                      world and per country, in metric tons (t)
  net_import_reliance           United States, percent of apparent consumption
  import_source_share           U.S. import sources, percent of U.S. imports
  import_source_rank            U.S. import sources, rank (1 = largest)
  <production or reserves>_share  a country's percent of the world total,
                                computed here, rounded to a whole percent as
                                USGS rounds its own shares (derived = 1), or
                                as USGS published it (MCS 2024 table 5)
The output columns are documented in corpus/reference/README.md.

Quirks handled (see the usgs-mcs README): W / NA / XX / E / "( )" cells keep
an empty value and their raw text; ">95" and ">50%" become qualifier ">";
"e"-prefixed cells and estimate columns set estimated = 1; footnote digits
and a glued estimate "e" are stripped from country names ("Japane",
"Korea, Republic ofe"); units are converted to t; duplicated rows (the MCS
2023 copper reserves listed under both mine and refinery headings, NIR in
both the salient and the trends tables) are kept once.
"""
import argparse
import csv
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "corpus", "reference", "usgs_mcs.csv")

COMMODITIES = ["rare earths", "lithium", "cobalt", "copper", "graphite",
               "nickel", "gallium", "germanium"]

# USGS country names to claims.md canonical names (the gazetteer's).
COUNTRIES = {
    "Congo (Kinshasa)": "Democratic Republic of the Congo",
    "Korea, Republic of": "South Korea",
    "Korea, North": "North Korea",
    "Burma": "Myanmar",
    "New Caledonia (overseas territory of France)": "New Caledonia",
    "World total (rounded)": "World",
    "World total (rounded), excluding U.S. production":
        "World excluding United States",
    "World": "World",
    "Other countries": "Other countries",
    "Other": "Other countries",
    "other": "Other countries",
}
KNOWN = set()  # filled with every name seen without a glued suffix

TO_TONS = {"metric tons": 1.0, "thousand metric tons": 1000.0,
           "kilograms": 0.001, "million metric tons": 1e6}

HEADER = ["commodity", "country", "metric", "year", "value", "unit", "source",
          "edition", "estimated", "qualifier", "derived", "raw_value", "note"]

SOURCE = "USGS Mineral Commodity Summaries"


def edition_of(src):
    m = re.match(r"MCS(\d{4})", src)
    return int(m.group(1)) if m else None


def clean_country(name):
    n = re.sub(r"\d+$", "", name.strip()).strip()
    if n in COUNTRIES:
        return COUNTRIES[n]
    # an estimate marker glued to the name: "Japane", "Russiae"
    if n.endswith("e") and n[:-1] in KNOWN:
        n = n[:-1]
    return COUNTRIES.get(n, n)


def fmt(v):
    if v is None:
        return ""
    if abs(v - round(v)) < 1e-9:
        return str(int(round(v)))
    return ("%.6f" % v).rstrip("0").rstrip(".")


def parse_raw(raw):
    """(value or None, qualifier) from a raw cell the long table left empty."""
    m = re.fullmatch(r"([<>])\s*([\d.,]+)\s*%?", raw.strip())
    if m:
        return float(m.group(2).replace(",", "")), m.group(1)
    return None, ""


def production_metric(commodity, typ, metric):
    t = typ.lower()
    if metric == "production_refinery" or "refinery production" in t:
        if commodity == "germanium":
            return "refinery_production"
        return "refinery_production"
    if commodity == "gallium":
        return "primary_production"
    return "mine_production"


def load(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def convert(r, out, seen):
    key = r["commodity_key"]
    if key not in COMMODITIES:
        return
    metric = r["metric"]
    edition = edition_of(r["source"])
    if edition is None:
        return
    src = SOURCE + (" (transcribed)" if "transcribed" in r["source"] else "")
    unit = r["unit"]
    value = float(r["value"]) if r["value"] != "" else None
    qual = r["qualifier"]
    if value is None:
        value, q2 = parse_raw(r["raw_value"])
        qual = qual or q2
    est = 1 if r["estimated"] == "1" else 0
    country = clean_country(r["country"])
    year = r["year"]
    note = ""
    if metric in ("production", "production_mine", "production_refinery",
                  "reserves"):
        if metric == "reserves":
            m = "reserves"
            # MCS 2023 copper lists reserves under both headings: once
            if "refinery" in r["type"].lower() and r["raw_value"] == "XX":
                return
        else:
            m = production_metric(key, r["type"], metric)
        if unit not in TO_TONS:
            return
        if value is not None:
            value *= TO_TONS[unit]
        unit = "t"
    elif metric == "net_import_reliance" or (
            metric.startswith("salient:NIR") and
            not metric.endswith("Concentrate")):
        m = "net_import_reliance"
        unit = "%"
        country = "United States"
    elif metric == "import_source_share":
        m = "import_source_share"
        unit = "%"
    elif metric == "major_import_source_rank":
        m = "import_source_rank"
        unit = "rank"
        # the rank file's country field is the source country itself
    elif metric == "leading_country_share_of_world_production":
        m = None  # the published share: named after the production metric
        prod = "primary_production" if key == "gallium" else (
            "refinery_production" if key == "germanium" else
            "mine_production")
        m = prod + "_share"
        unit = "%"
    else:
        return
    if value is None and r["raw_value"] in ("", "—"):
        return
    if value is None:
        note = {"W": "withheld", "NA": "not available", "XX": "not applicable",
                "E": "net exporter", "( )": "none or negligible"}.get(
                    r["raw_value"], r["raw_value"])
    row = {"commodity": key, "country": country, "metric": m, "year": year,
           "value": value, "unit": unit, "source": src, "edition": edition,
           "estimated": est, "qualifier": qual, "derived": 0,
           "raw_value": r["raw_value"], "note": note}
    k = (key, country, m, year, edition)
    if k in seen:
        return
    seen.add(k)
    out.append(row)


def derive_shares(rows):
    """A country's percent of the world total, per metric, year and edition,
    rounded to a whole percent; under 0.5 % it is "<1"."""
    world = {}
    for r in rows:
        if r["metric"] not in ("mine_production", "refinery_production",
                               "primary_production", "reserves"):
            continue
        if r["value"] is None:
            continue
        k = (r["commodity"], r["metric"], r["year"], r["edition"])
        if r["country"] == "World":
            world[k] = r["value"]
        elif r["country"] == "World excluding United States":
            world.setdefault(k, r["value"])
    have = {(r["commodity"], r["country"], r["metric"], r["year"],
             r["edition"]) for r in rows}
    out = []
    for r in rows:
        k = (r["commodity"], r["metric"], r["year"], r["edition"])
        if k not in world or r["value"] is None or world[k] <= 0:
            continue
        if r["country"].startswith("World") or r["country"] == "Other countries":
            continue
        share = 100.0 * r["value"] / world[k]
        metric = r["metric"] + "_share"
        if (r["commodity"], r["country"], metric, r["year"],
                r["edition"]) in have:
            continue  # USGS published this share itself
        qual, v = "", float(int(share + 0.5))
        if 0 < share < 0.5:
            qual, v = "<", 1.0
        out.append({"commodity": r["commodity"], "country": r["country"],
                    "metric": metric, "year": r["year"], "value": v,
                    "unit": "%", "source": r["source"],
                    "edition": r["edition"], "estimated": r["estimated"],
                    "qualifier": qual, "derived": 1, "raw_value": "",
                    "note": "%s / world %s" % (fmt(r["value"]),
                                               fmt(world[k]))})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mcs", default=os.path.join(ROOT, "..", "shared",
                                                  "corpora", "usgs-mcs"))
    ap.add_argument("--out", default=OUT)
    a = ap.parse_args()
    ref = os.path.join(a.mcs, "reference")
    src = []
    for name in ("mcs_reference_long.csv", "mcs2026_supplement_long.csv"):
        p = os.path.join(ref, name)
        if not os.path.exists(p):
            sys.exit("usgs_reference: missing %s" % p)
        src += load(p)
    for r in src:
        n = r["country"].strip()
        if not re.search(r"\d$", n):
            KNOWN.add(n)
    rows, seen = [], set()
    # the published T5 shares first, so that a derived one defers to them
    src.sort(key=lambda r: r["metric"] != "leading_country_share_of_world_production")
    for r in src:
        convert(r, rows, seen)
    rows += derive_shares(rows)
    rows.sort(key=lambda r: (r["commodity"], r["metric"], r["country"],
                             r["year"], r["edition"]))
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        for r in rows:
            w.writerow([r["commodity"], r["country"], r["metric"], r["year"],
                        fmt(r["value"]), r["unit"], r["source"],
                        r["edition"], r["estimated"], r["qualifier"],
                        r["derived"], r["raw_value"], r["note"]])
    print("wrote %d rows to %s" % (len(rows), a.out))


if __name__ == "__main__":
    main()
