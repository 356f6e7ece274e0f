#!/usr/bin/env python3
"""The pandas peer: the same per-group counts, bases and percentages as
survey-lens, for every question, from the same template.

It matches answers the way survey-lens does (case, spacing and curly
apostrophes ignored; group prefixes such as "LB" dropped; multi-select cells
matched against the known options), so the benchmark can check that both
produce the same counts before comparing their speed.

    python3 benches/peer/peer.py TEMPLATE.toml EXPORT.csv|.xlsx > counts.json
"""
import json
import re
import sys
import tomllib

import pandas as pd

CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def key(s):
    return re.sub(r"\s+", " ", str(s).translate(CURLY)).strip().lower()


def main(template_path, export_path):
    t = tomllib.load(open(template_path, "rb"))
    if export_path.endswith(".xlsx"):
        df = pd.read_excel(export_path, dtype=str).fillna("")
    else:
        df = pd.read_csv(export_path, dtype=str, keep_default_na=False)
    headers = {key(c).rstrip("?:.* ,"): c for c in df.columns}

    g = t["group"]
    gq = next(q for q in t["questions"] if q["id"] == g["question"])
    prefixes = [key(p) + " " for p in g.get("ignore_prefixes", [])]
    names = {}
    for v in g["values"]:
        for n in [v["name"]] + v.get("aliases", []):
            names[key(n)] = v["name"]

    def group_of(raw):
        k = key(raw)
        if not k:
            return g.get("not_stated", "Not stated")
        for p in prefixes:
            if k.startswith(p) and len(k) > len(p):
                k = k[len(p):]
                break
        return names.get(k, g.get("other", "Other"))

    col = headers[key(gq["text"]).rstrip("?:.* ,")]
    # Normalise each distinct value once, then map: the idiomatic fast path.
    groups = df[col].map({v: group_of(v) for v in df[col].unique()})

    out = {}
    for q in t["questions"]:
        if q["id"] == g["question"] or q["kind"] == "text":
            continue
        c = headers.get(key(q["text"]).rstrip("?:.* ,"))
        if c is None:
            continue
        opts = q["options"]
        okeys = {key(o): o for o in opts}
        if q["kind"] == "multi":
            pieces = df[c].str.split(";").explode().map(lambda p: okeys.get(key(p)))
            ticked = pd.DataFrame({"row": pieces.index, "option": pieces.values}).dropna().drop_duplicates()
            ticked["group"] = groups.loc[ticked["row"]].values
            counts = ticked.groupby(["group", "option"]).size()
            base = ticked.drop_duplicates("row").groupby("group").size()
        else:
            mapped = df[c].map({v: okeys.get(key(v)) for v in df[c].unique()})
            if "other" in okeys:
                mapped = mapped.where(mapped.notna() | (df[c].str.strip() == ""), okeys["other"])
            frame = pd.DataFrame({"group": groups, "option": mapped}).dropna()
            counts = frame.groupby(["group", "option"]).size()
            base = frame.groupby("group").size()
        cells = {}
        for (grp, opt), n in counts.items():
            cells.setdefault(grp, {})[opt] = int(n)
        out[q["id"]] = {
            "base": {k: int(v) for k, v in base.items()},
            "base_all": int(base.sum()),
            "counts": cells,
            "percent": {
                grp: {o: 100.0 * n / int(base[grp]) for o, n in row.items()} for grp, row in cells.items()
            },
        }
    json.dump(out, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
