#!/usr/bin/env python3
"""The survey-lens benchmark: report speed and memory at 10k, 100k and 1M
responses (CSV), 100k (.xlsx), a many-groups survey (100 groups) and, with
--big, 10M responses, against a floor (a plain parse of the same file in
Rust) and three peers computing the same per-group counts and bases in the
same run: DuckDB (SQL), polars (lazy) and pandas. The peers must agree with
survey-lens's counts or the benchmark stops. Prints a table and writes
benches/results.md. On each input, survey-lens (all formats, then json
only), the floor and any baseline are run in turn, round after round, and
each row gives medians: a slow spell of the machine then slows them alike.

    pip install -r benches/peer/requirements.txt
    python3 benches/bench.py            # --quick: no 1M; --big: add 10M

The .xlsx target ("no slower than 1.08 s") was set by the build at commit
241ab04 on the day of its benchmark; machines differ from day to day, so
`--baseline BIN` times that build's binary on the same workbook in the same
run, and the target compares the two:

    git worktree add /tmp/b 241ab04 && (cd /tmp/b && cargo build --release)
    python3 benches/bench.py --baseline /tmp/b/target/release/survey-lens
"""
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "survey-lens"
DATA = ROOT / "benches" / "data"
PEERS = ROOT / "benches" / "peer"
QUICK = "--quick" in sys.argv
BIG = "--big" in sys.argv
MANY = 100
BASELINE = None
if "--baseline" in sys.argv:
    BASELINE = Path(sys.argv[sys.argv.index("--baseline") + 1])


def sh(args, **kw):
    return subprocess.run(args, check=True, **kw)


def once(args):
    """Wall time and peak RSS (KB) of one run of `args`."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + [str(a) for a in args], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, args))}\n{p.stderr}")
    return wall, int(p.stderr.strip().splitlines()[-1])


def interleaved(commands, runs):
    """(median wall time, peak RSS in KB) of each of `commands`, run in turn
    `runs` times: A B C A B C ... A slow minute on a shared machine then
    slows every command alike, so ratios between them (ours against the
    floor) stay steadier than when each is timed in a block of its own."""
    walls = [[] for _ in commands]
    rss = [0 for _ in commands]
    for _ in range(runs):
        for k, args in enumerate(commands):
            w, r = once(args)
            walls[k].append(w)
            rss[k] = max(rss[k], r)
    return [(statistics.median(w), r) for w, r in zip(walls, rss)]


def floor_binary():
    """Builds benches/floor.rs and returns its path."""
    out = sh(
        ["cargo", "bench", "--bench", "floor", "--no-run", "--message-format=json", "--quiet"],
        cwd=ROOT, capture_output=True, text=True,
    ).stdout
    for line in out.splitlines():
        m = json.loads(line)
        if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "floor" and m.get("executable"):
            return m["executable"]
    sys.exit("could not build benches/floor.rs")


def many_groups(template):
    """A survey grouped 100 ways, sized like the R community survey (2,000
    responses): the SEL sample with its borough column replaced by areas of
    very different sizes, so many groups are small."""
    f, t = DATA / f"many-{MANY}.csv", DATA / f"many-{MANY}.toml"
    if not f.exists():
        import csv

        src = DATA / "sample-2000.csv"
        if not src.exists():
            sh([BIN, "sample", "--rows", "2000", "--seed", "42", "-o", src])
        rng = random.Random(42)
        weights = [1 / (k + 1) for k in range(MANY)]
        areas = [f"Area {k + 1:03}" for k in range(MANY)]
        with open(src, newline="", encoding="utf-8-sig") as fh, open(f, "w", newline="", encoding="utf-8") as out:
            r, w = csv.reader(fh), csv.writer(out)
            head = next(r)
            col = next(i for i, h in enumerate(head) if "borough" in h.lower())
            w.writerow(head)
            for row in r:
                row[col] = rng.choices(areas, weights)[0]
                w.writerow(row)
        text = template.read_text()
        values = "values = [\n" + "".join(f'  {{ name = "{a}" }},\n' for a in areas) + '  { name = "Cross-borough" },\n]'
        text = re.sub(r"values = \[\n.*?\n\]", lambda _: values, text, count=1, flags=re.S)
        t.write_text(text)
    return f, t


def make_inputs(template):
    DATA.mkdir(exist_ok=True)
    sizes = [10_000, 100_000] + ([] if QUICK else [1_000_000]) + ([10_000_000] if BIG else [])
    files = []
    for n in sizes:
        f = DATA / f"sample-{n}.csv"
        if not f.exists():
            sh([BIN, "sample", "--rows", str(n), "--seed", "42", "-o", f])
        label = f"{n // 1000}k CSV" if n < 1_000_000 else f"{n // 1_000_000}M CSV"
        files.append((label, n, f, template))
    x = DATA / "sample-100000.xlsx"
    if not x.exists():
        import csv

        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Form1")
        with open(DATA / "sample-100000.csv", newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                ws.append(row)
        wb.save(x)
    files.insert(2, ("100k xlsx", 100_000, x, template))
    f, t = many_groups(template)
    files.append((f"{MANY} groups CSV", 2000, f, t))
    return files


def ours_counts(summary):
    out = {}
    for q in summary["questions"]:
        if q["kind"] == "text":
            continue
        counts = {}
        for c in q["cells"]:
            if c["group"] != "All" and c["count"]:
                counts.setdefault(c["group"], {})[c["option"]] = c["count"]
        base = {g: n for g, n in q["answered"].items() if g != "All" and n}
        out[q["id"]] = {"base": base, "base_all": q["answered"]["All"], "counts": counts}
    return out


def run_peer(script, template, f, ours, label, tmp):
    """Runs a peer once; its wall time, after checking it agrees with us."""
    out = Path(tmp) / f"{script}.json"
    t0 = time.perf_counter()
    with open(out, "w") as fh:
        sh([sys.executable, PEERS / f"{script}.py", template, f], stdout=fh)
    t = time.perf_counter() - t0
    peer = json.loads(out.read_text())
    for q in ours:
        for k in ("base", "base_all", "counts"):
            if ours[q][k] != peer[q][k]:
                sys.exit(f"{label}: {script} and survey-lens disagree on {q} {k}")
    return t


def main():
    sh(["cargo", "build", "--release", "--quiet"], cwd=ROOT)
    floor = floor_binary()
    DATA.mkdir(exist_ok=True)
    template = DATA / "sel.toml"
    template.write_bytes(subprocess.run([BIN, "template"], capture_output=True, check=True).stdout)
    rows = []
    for label, n, f, t in make_inputs(template):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "r"
            runs = 1 if "groups" in label else 7 if n <= 1_000_000 else 3
            cfg = ["--config", t]
            # One untimed pass of the floor brings the file into the page
            # cache, so that no row (the 10M one runs 3 times) times a read
            # from disk.
            csv_in = f.suffix == ".csv"
            if csv_in:
                once([floor, f])
            commands = [
                [BIN, "report", f, *cfg, "--out", out, "-q"],
                [BIN, "report", f, *cfg, "--out", out, "-q", "--format", "json"],
            ]
            if csv_in:
                commands.append([floor, f])
            # The build that set the .xlsx target, on the same workbook (its
            # built-in template is the SEL one, as `t` is).
            baseline = BASELINE and f.suffix == ".xlsx"
            if baseline:
                commands.append([BASELINE, "report", f, "--out", Path(tmp) / "b", "-q"])
            times = interleaved(commands, runs)
            (all_t, all_rss), (json_t, json_rss) = times[0], times[1]
            floor_t = times[2][0] if csv_in else None
            base_t = times[-1][0] if baseline else None
            # Counts to check against the peers: no suppression.
            sh([BIN, "report", f, *cfg, "--out", out, "-q", "--format", "json", "--min-cell", "0"])
            ours = ours_counts(json.loads((out / "summary.json").read_text()))
            peers = {}
            if n <= 1_000_000:
                csv_only = f.suffix == ".csv"
                for name, script in [("duckdb", "peer_duckdb"), ("polars", "peer_polars"), ("pandas", "peer")]:
                    if csv_only or name == "pandas":
                        peers[name] = run_peer(script, t, f, ours, label, tmp)
        row = dict(label=label, n=n, all=all_t, json=json_t, rss=max(all_rss, json_rss), floor=floor_t, baseline=base_t, **peers)
        rows.append(row)
        shown = "  ".join(f"{k} {v:.2f} s" for k, v in peers.items())
        fl = f", floor {floor_t:.3f} s" if floor_t else f", 241ab04 {base_t:.3f} s" if base_t else ""
        print(f"{label:>15}: all {all_t:6.3f} s, json {json_t:6.3f} s, peak {row['rss'] / 1024:5.0f} MB{fl}  {shown}", flush=True)
    write_results(rows)


def cell(v, fmt="{:.2f} s"):
    return "—" if v is None else fmt.format(v)


def write_results(rows):
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    lines = [
        "# survey-lens benchmark",
        "",
        f"Machine: {os.cpu_count()} cores ({cpu}). One run of `python3 benches/bench.py{' --big' if BIG else ''}{' --baseline BIN' if BASELINE else ''}`; every row below comes from it.",
        "`report` writes every format (md, json, csv, svg, png, html, xlsx) unless noted; times are medians of 7 runs",
        "(3 at 10M, where the page cache may not hold the whole file; 1 for the many-groups row), with survey-lens, the floor and any baseline",
        "run in turn each round so that a slow spell slows them alike; peers ran once. Peak memory is the maximum RSS.",
        "",
        "- **floor**: a plain single-threaded parse of the same file with the `csv` crate, counting records and nothing",
        "  else (`benches/floor.rs`). No report can be faster than splitting the rows once.",
        "- **peers** compute the same per-group counts and bases for every question with the same matching rules",
        "  (`benches/peer/`); the benchmark stopped unless every peer's counts equalled survey-lens's.",
        "",
        "| input | responses | survey-lens, all formats | json only | peak RSS | floor | ours / floor | DuckDB | polars | pandas | DuckDB / ours |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ratio = f"{r['all'] / r['floor']:.2f}x" if r["floor"] else "—"
        duck = f"{r['duckdb'] / r['all']:.1f}x" if r.get("duckdb") else "—"
        lines.append(
            f"| {r['label']} | {r['n']:,} | {r['all']:.3f} s | {r['json']:.3f} s | {r['rss'] / 1024:.0f} MB | "
            f"{cell(r['floor'], '{:.3f} s')} | {ratio} | {cell(r.get('duckdb'))} | {cell(r.get('polars'))} | "
            f"{cell(r.get('pandas'))} | {duck} |"
        )
    by = {r["label"]: r for r in rows}
    csv_rows = sorted((r for r in rows if r["label"].endswith("M CSV") or r["label"].endswith("k CSV")), key=lambda r: r["n"])
    lines += ["", "## Scaling", ""]
    for a, b in zip(csv_rows, csv_rows[1:]):
        if a["n"] >= 100_000:
            lines.append(
                f"- {a['n']:,} to {b['n']:,} CSV responses ({b['n'] // a['n']}x): time grew {b['all'] / a['all']:.1f}x, "
                f"peak memory by {(b['rss'] - a['rss']) * 1024 / (b['n'] - a['n']):.0f} bytes per response."
            )
    many = by.get(f"{MANY} groups CSV")
    if many:
        lines.append(
            f"- {MANY} groups, {many['n']:,} responses: {many['all']:.2f} s for all formats, "
            f"{1000 * many['all'] / MANY:.1f} ms per group ({1000 * many['json'] / MANY:.1f} ms per group for json only)."
        )
    lines += ["", "## Targets", ""]
    checks = []
    if "1M CSV" in by:
        r = by["1M CSV"]
        checks += [
            ("1M CSV, all formats at most 1.5x the floor", r["all"] <= 1.5 * r["floor"], f"{r['all'] / r['floor']:.2f}x ({r['all']:.3f} s against {r['floor']:.3f} s)"),
            ("1M CSV, at least 12x faster than DuckDB", r["duckdb"] / r["all"] >= 12, f"{r['duckdb'] / r['all']:.1f}x"),
            ("1M CSV, peak memory at most 160 MB", r["rss"] <= 160 * 1024, f"{r['rss'] / 1024:.0f} MB"),
        ]
    if "100k xlsx" in by:
        r = by["100k xlsx"]
        if r.get("baseline"):
            checks.append((
                "100k xlsx, all formats no slower than the build that set the target (241ab04: 1.08 s on its day), timed in this run",
                r["all"] <= r["baseline"],
                f"{r['all']:.3f} s against {r['baseline']:.3f} s for 241ab04 (which also writes no workbook)",
            ))
        else:
            checks.append(("100k xlsx, all formats no slower than 1.08 s (pass --baseline to time 241ab04 in the same run)", r["all"] <= 1.08, f"{r['all']:.3f} s"))
    if "10M CSV" in by and "1M CSV" in by:
        a, b = by["1M CSV"], by["10M CSV"]
        lin = b["all"] / a["all"]
        checks.append(("10M CSV completes, time linear (10x the responses)", lin <= 12, f"{b['all']:.1f} s, {lin:.1f}x the 1M time, {b['rss'] / 1024:.0f} MB"))
    if many:
        checks.append((f"{MANY} groups, all formats at most 3 s", many["all"] <= 3, f"{many['all']:.2f} s"))
    for what, ok, shown in checks:
        lines.append(f"- {what}: {shown}, {'met' if ok else '**not met**'}")
    lines += [
        "",
        "Regenerate with `python3 benches/bench.py` (add `--big` for 10M, and `--baseline BIN` to time the build that set",
        "the .xlsx target, commit 241ab04, in the same run; inputs are cached in `benches/data/`).",
    ]
    (ROOT / "benches" / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
