#!/usr/bin/env python3
"""The pandas peer: the same per-group counts, bases and percentages as
survey-lens, for every question, with the matching rules of rules.py.

    python3 benches/peer/peer.py TEMPLATE.toml EXPORT.csv|.xlsx > counts.json
"""
import json
import sys

import pandas as pd

from rules import Rules


def main(template_path, export_path):
    if export_path.endswith(".xlsx"):
        df = pd.read_excel(export_path, dtype=str).fillna("")
    else:
        df = pd.read_csv(export_path, dtype=str, keep_default_na=False)
    rules = Rules(template_path, df.columns)
    col = rules.group_col
    # Normalise each distinct value once, then map: the idiomatic fast path.
    groups = df[col].map({v: rules.group_of(v) for v in df[col].unique()})

    out = {}
    for qid, kind, c, okeys in rules.questions:
        if kind == "multi":
            split = df[c].str.split(";").explode()
            pieces = split.map({p: Rules.piece(okeys, p) for p in split.unique()})
            ticked = pd.DataFrame({"row": pieces.index, "option": pieces.values}).dropna().drop_duplicates()
            ticked["group"] = groups.loc[ticked["row"]].values
            counts = ticked.groupby(["group", "option"]).size()
            base = ticked.drop_duplicates("row").groupby("group").size()
        else:
            mapped = df[c].map({v: Rules.single(okeys, v) for v in df[c].unique()})
            frame = pd.DataFrame({"group": groups, "option": mapped}).dropna()
            counts = frame.groupby(["group", "option"]).size()
            base = frame.groupby("group").size()
        cells = {}
        for (grp, opt), n in counts.items():
            cells.setdefault(grp, {})[opt] = int(n)
        out[qid] = {
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
