#!/usr/bin/env python3
"""The polars peer: the same per-group counts and bases as survey-lens,
with polars (lazy), every column read as text, and the matching rules of
rules.py applied to each column's distinct values.

    python3 benches/peer/peer_polars.py TEMPLATE.toml EXPORT.csv > counts.json
"""
import json
import sys

import polars as pl

from rules import Rules


def main(template_path, export_path):
    lf = pl.scan_csv(export_path, infer_schema=False, encoding="utf8").with_row_index("rid")
    headers = [c for c in lf.collect_schema().names() if c != "rid"]
    rules = Rules(template_path, headers)
    g = rules.group_col
    gvals = lf.select(pl.col(g).fill_null("").unique()).collect()[g].to_list()
    gmap = {v: rules.group_of(v) for v in gvals}
    lf = lf.with_columns(pl.col(g).fill_null("").replace_strict(gmap).alias("__group"))
    df = lf.collect()

    out = {}
    for qid, kind, c, okeys in rules.questions:
        col = df.select("rid", "__group", pl.col(c).fill_null(""))
        if kind == "multi":
            pieces = col.with_columns(pl.col(c).str.split(";")).explode(c)
            pmap = {v: Rules.piece(okeys, v) for v in pieces[c].unique().to_list()}
            ticked = (
                pieces.with_columns(pl.col(c).replace_strict(pmap, default=None, return_dtype=pl.String).alias("opt"))
                .drop_nulls("opt")
                .unique(["rid", "opt"])
            )
            counts = ticked.group_by("__group", "opt").len()
            base = ticked.unique("rid").group_by("__group").len()
        else:
            vmap = {v: Rules.single(okeys, v) for v in col[c].unique().to_list()}
            frame = col.with_columns(
                pl.col(c).replace_strict(vmap, default=None, return_dtype=pl.String).alias("opt")
            ).drop_nulls("opt")
            counts = frame.group_by("__group", "opt").len()
            base = frame.group_by("__group").len()
        cells = {}
        for grp, opt, n in counts.iter_rows():
            cells.setdefault(grp, {})[opt] = int(n)
        out[qid] = {
            "base": {grp: int(n) for grp, n in base.iter_rows()},
            "base_all": int(base["len"].sum()),
            "counts": cells,
        }
    json.dump(out, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
