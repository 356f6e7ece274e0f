#!/usr/bin/env python3
"""The survey-lens benchmark: report speed and memory at 10k, 100k and 1M
responses (CSV) and 100k (.xlsx), against a pandas peer on the same files in
the same run. It checks that the peer's counts equal ours, prints a table and
writes benches/results.md.

    pip install -r benches/peer/requirements.txt
    python3 benches/bench.py            # add --quick to skip the 1M file
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "survey-lens"
DATA = ROOT / "benches" / "data"
QUICK = "--quick" in sys.argv


def sh(args, **kw):
    return subprocess.run(args, check=True, **kw)


def timed(args, runs):
    """Median wall time and the peak RSS (KB) of `args` over `runs` runs."""
    walls, rss = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M"] + args, capture_output=True, text=True)
        walls.append(time.perf_counter() - t0)
        if p.returncode != 0:
            sys.exit(f"failed: {' '.join(map(str, args))}\n{p.stderr}")
        rss = max(rss, int(p.stderr.strip().splitlines()[-1]))
    return statistics.median(walls), rss


def make_inputs():
    DATA.mkdir(exist_ok=True)
    sizes = [10_000, 100_000] + ([] if QUICK else [1_000_000])
    files = []
    for n in sizes:
        f = DATA / f"sample-{n}.csv"
        if not f.exists():
            sh([BIN, "sample", "--rows", str(n), "--seed", "42", "-o", f])
        files.append((f"{n // 1000}k CSV" if n < 1_000_000 else "1M CSV", n, f))
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
    files.insert(2, ("100k xlsx", 100_000, x))
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


def main():
    sh(["cargo", "build", "--release", "--quiet"], cwd=ROOT)
    template = DATA / "sel.toml"
    DATA.mkdir(exist_ok=True)
    template.write_bytes(subprocess.run([BIN, "template"], capture_output=True, check=True).stdout)
    rows = []
    for label, n, f in make_inputs():
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "r"
            runs = 5 if n <= 100_000 else 3
            all_t, all_rss = timed([BIN, "report", f, "--out", out, "-q"], runs)
            json_t, json_rss = timed([BIN, "report", f, "--out", out, "-q", "--format", "json"], runs)
            # Counts to check against the peer: no suppression.
            sh([BIN, "report", f, "--out", out, "-q", "--format", "json", "--min-cell", "0"])
            ours = ours_counts(json.loads((out / "summary.json").read_text()))
            peer_file = Path(tmp) / "peer.json"
            t0 = time.perf_counter()
            with open(peer_file, "w") as fh:
                sh([sys.executable, ROOT / "benches/peer/peer.py", template, f], stdout=fh)
            peer_t = time.perf_counter() - t0
            peer = json.loads(peer_file.read_text())
            for q in ours:
                for k in ("base", "base_all", "counts"):
                    if ours[q][k] != peer[q][k]:
                        sys.exit(f"{label}: peer and survey-lens disagree on {q} {k}")
        rows.append((label, n, all_t, all_rss, json_t, json_rss, peer_t))
        print(f"{label:>10}: all formats {all_t:6.3f} s, json {json_t:6.3f} s, peak {all_rss / 1024:6.0f} MB, pandas {peer_t:7.2f} s", flush=True)

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    lines = [
        "# survey-lens benchmark",
        "",
        f"Machine: {os.cpu_count()} cores ({cpu}). `report` writes every format (md, json, csv, svg, png, html) unless noted.",
        "The pandas peer (`benches/peer/peer.py`) computes the same per-group counts, bases and percentages for",
        "every question from the same template; the benchmark checked that its counts equal survey-lens's for every file.",
        "Times are medians of 5 runs (3 for 1M); the peer ran once. Peak memory is the maximum RSS.",
        "",
        "| input | responses | report, all formats | report, json only | per 100k (all) | per 100k (json) | peak RSS | pandas peer | peer / ours |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, n, all_t, all_rss, json_t, json_rss, peer_t in rows:
        per = n / 100_000
        lines.append(
            f"| {label} | {n:,} | {all_t:.3f} s | {json_t:.3f} s | {all_t / per:.3f} s | {json_t / per:.3f} s | {max(all_rss, json_rss) / 1024:.0f} MB | {peer_t:.2f} s | {peer_t / all_t:.1f}x |"
        )
    csv_rows = sorted((r for r in rows if "CSV" in r[0]), key=lambda r: r[1])
    by_label = {r[0]: r for r in rows}
    lines += ["", "## Scaling", ""]
    if len(csv_rows) >= 2:
        (_, n1, a1, r1, _, _, _), (_, n2, a2, r2, _, _, _) = csv_rows[-2], csv_rows[-1]
        lines.append(
            f"From {n1:,} to {n2:,} CSV responses, time grew {a2 / a1:.1f}x and peak memory grew by "
            f"{(r2 - r1) * 1024 / (n2 - n1):.0f} bytes per response, for {n2 / n1:.0f}x the responses. "
            "The fixed part of a run (charts, HTML, start-up) is the difference between the all-formats and json-only columns."
        )
    lines += ["", "## Targets", ""]
    checks = [
        ("1M CSV", "all formats at most 1.5 s", lambda r: r[2] <= 1.5, lambda r: f"{r[2]:.3f} s"),
        ("1M CSV", "peak memory at most 1 GB", lambda r: max(r[3], r[5]) <= 1024 * 1024, lambda r: f"{max(r[3], r[5]) / 1024:.0f} MB"),
        ("1M CSV", "at least 10x faster than the pandas peer", lambda r: r[6] / r[2] >= 10, lambda r: f"{r[6] / r[2]:.1f}x"),
        ("100k xlsx", "all formats at most 3 s", lambda r: r[2] <= 3, lambda r: f"{r[2]:.3f} s"),
    ]
    for label, what, ok, shown in checks:
        if label in by_label:
            r = by_label[label]
            lines.append(f"- {label}, {what}: {shown(r)}, {'met' if ok(r) else '**not met**'}")
    lines += ["", "Regenerate with `python3 benches/bench.py` (inputs are cached in `benches/data/`)."]
    (ROOT / "benches" / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
