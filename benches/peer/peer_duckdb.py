#!/usr/bin/env python3
"""The DuckDB peer: the same per-group counts and bases as survey-lens, in
SQL over `read_csv` with every column read as text, with the matching rules
of rules.py applied to each column's distinct values.

    python3 benches/peer/peer_duckdb.py TEMPLATE.toml EXPORT.csv > counts.json
"""
import csv
import json
import sys

import duckdb

from rules import Rules


def main(template_path, export_path):
    with open(export_path, newline="", encoding="utf-8-sig") as fh:
        headers = next(csv.reader(fh))
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE d AS SELECT row_number() OVER () AS rid, * FROM "
        "read_csv(?, header = true, all_varchar = true, quote = '\"', escape = '\"')",
        [export_path],
    )
    cols = [r[0] for r in con.execute("DESCRIBE d").fetchall()][1:]
    name = dict(zip(headers, cols))
    rules = Rules(template_path, headers)

    def q(c):
        return '"' + name[c].replace('"', '""') + '"'

    def mapping(table, pairs):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} (v VARCHAR, o VARCHAR)")
        con.executemany(f"INSERT INTO {table} VALUES (?, ?)", [(v, o) for v, o in pairs if o is not None])

    g = q(rules.group_col)
    distinct = [r[0] for r in con.execute(f"SELECT DISTINCT {g} FROM d").fetchall()]
    mapping("gmap", [(v if v is not None else "", rules.group_of(v)) for v in distinct])
    con.execute(f"CREATE TEMP TABLE rg AS SELECT rid, gmap.o AS grp FROM d JOIN gmap ON coalesce({g}, '') = gmap.v")

    out = {}
    for qid, kind, c, okeys in rules.questions:
        col = q(c)
        if kind == "multi":
            pieces = con.execute(f"SELECT DISTINCT unnest(string_split({col}, ';')) FROM d").fetchall()
            mapping("qmap", [(p[0], Rules.piece(okeys, p[0])) for p in pieces if p[0] is not None])
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE t AS SELECT DISTINCT s.rid, qmap.o AS opt FROM "
                f"(SELECT rid, unnest(string_split({col}, ';')) AS p FROM d) s JOIN qmap ON s.p = qmap.v"
            )
            counts = con.execute("SELECT grp, opt, count(*) FROM t JOIN rg USING (rid) GROUP BY ALL").fetchall()
            base = con.execute("SELECT grp, count(DISTINCT rid) FROM t JOIN rg USING (rid) GROUP BY ALL").fetchall()
        else:
            values = con.execute(f"SELECT DISTINCT {col} FROM d").fetchall()
            mapping("qmap", [(v[0] if v[0] is not None else "", Rules.single(okeys, v[0])) for v in values])
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE t AS SELECT rid, qmap.o AS opt FROM d "
                f"JOIN qmap ON coalesce({col}, '') = qmap.v"
            )
            counts = con.execute("SELECT grp, opt, count(*) FROM t JOIN rg USING (rid) GROUP BY ALL").fetchall()
            base = con.execute("SELECT grp, count(*) FROM t JOIN rg USING (rid) GROUP BY ALL").fetchall()
        cells = {}
        for grp, opt, n in counts:
            cells.setdefault(grp, {})[opt] = int(n)
        out[qid] = {
            "base": {grp: int(n) for grp, n in base},
            "base_all": int(sum(n for _, n in base)),
            "counts": cells,
        }
    json.dump(out, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
