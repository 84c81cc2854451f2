#!/usr/bin/env python3
"""Judges the runs of `gate/real-pairs run` (see that script) and prints the calibration table.

Usage: real-pairs-table.py CAPKIT OUT [gate options...]
Every same-build pair (earlier run as baseline) and every (same-build baseline, slowed run) pair is gated with
`CAPKIT gate --baseline A B --out OUT/gate/<A>-vs-<B>` (slowed pairs with --allow-difference emulator.slowdown). A
same-build pair that does not exit 0 is a false alarm; a slowed pair is caught only when the gate exits 1. Pairs that
share a run are not independent, so the rates are also given on disjoint pairs only (same-01/same-02, same-03/same-04,
...; same-k against slowed-k, its neighbour in time), with exact (Clopper-Pearson) 95% intervals.
Per run it prints the measured figures the gate judged (pooled E2E/TTFT/TPOT p99, from gate.txt) and the load average.
"""
import csv, glob, math, os, re, subprocess, sys


def clopper_pearson(x, n, conf=0.95):
    """Exact binomial interval by bisection on the binomial tail sums."""
    if n == 0:
        return (float("nan"), float("nan"))
    a = (1 - conf) / 2

    def cdf(k, p):  # P(X <= k)
        return sum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k + 1))

    def solve(f):  # f decreasing in p, find f(p) = a
        lo, hi = 0.0, 1.0
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if f(mid) > a else (lo, mid)
        return (lo + hi) / 2

    low = 0.0 if x == 0 else solve(lambda p: -(1 - cdf(x - 1, p)) + 2 * a)  # P(X >= x) = a, increasing in p
    high = 1.0 if x == n else solve(lambda p: cdf(x, p))
    return (low, high)


def number(text):
    """A figure of gate.txt as a share: '+14.0%' -> 0.14, '-0.29pp' -> -0.0029."""
    return float(text.rstrip("%p")) / 100


def run_folder(out, label):
    found = sorted(glob.glob(os.path.join(out, "runs", label, "*", "run.json")))
    return os.path.dirname(found[-1]) if found else None


# step, kind, metric, baseline, current, change, CI, tolerance, detectable (gate.txt since 2026-12-02 16:xx; absent before), verdict
ROW = re.compile(r"^(\S+)\s+(\S+)\s+(e2e\.p99|ttft\.p99|tpot\.p99|errors|goodput)\s+(.+?)\s{2,}(.+?)\s{2,}(\S+)\s+(undefined|\[.*?\])"
                 r"\s+(\S+)\s+(?:([+-][\d.]+(?:%|pp)|-)\s+)?((?:pass|regression|undecided).*)$")


def gate(capkit, out, base, cur, extra):
    name = f"{base}-vs-{cur}"
    folder = os.path.join(out, "gate", name)
    txt = os.path.join(folder, "gate.txt")
    status_file = os.path.join(folder, "exit")
    if not os.path.exists(status_file):  # judged once; delete OUT/gate to judge again
        args = [capkit, "gate", "--baseline", run_folder(out, base), run_folder(out, cur), "--out", folder] + extra
        r = subprocess.run(args, capture_output=True, text=True)
        os.makedirs(folder, exist_ok=True)
        open(os.path.join(folder, "stdout.txt"), "w").write(r.stdout + r.stderr)
        open(status_file, "w").write(str(r.returncode))
    status = int(open(status_file).read())
    rows = []
    text = open(txt).read() if os.path.exists(txt) else open(os.path.join(folder, "stdout.txt")).read()
    for line in text.splitlines():
        m = ROW.match(line)
        if m:
            rows.append(m.groups())
    return status, rows, text


def main():
    capkit, out, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
    runs = list(csv.DictReader(open(os.path.join(out, "runs.tsv")), delimiter="\t"))
    ok = [r for r in runs if r["exit"] == "0" and run_folder(out, r["label"])]
    for r in runs:
        if r not in ok:
            print(f"left out: {r['label']} (exit {r['exit']}, no complete run folder)")
    same = [r["label"] for r in ok if r["kind"] == "same"]
    slowed = [r["label"] for r in ok if r["kind"] == "slowed"]
    figures = {}

    def note(label, side, rows):
        for step, kind, metric, base, cur, *_ in rows:
            if kind == "*" and metric.endswith("p99"):
                figures.setdefault(label, {})[metric] = base if side == "base" else cur

    results = {}
    for i, a in enumerate(same):
        for b in same[i + 1:]:
            status, rows, _ = gate(capkit, out, a, b, extra)
            note(a, "base", rows); note(b, "cur", rows)
            results[(a, b)] = (status, rows)
        for s in slowed:
            status, rows, _ = gate(capkit, out, a, s, extra + ["--allow-difference", "emulator.slowdown"])
            note(a, "base", rows); note(s, "cur", rows)
            results[(a, s)] = (status, rows)

    print("run        kind    mode      seed  load start->end  wall s  e2e.p99 (emulated)  ttft.p99    tpot.p99")
    for r in ok:
        f = figures.get(r["label"], {})
        print(f"{r['label']:10s} {r['kind']:7s} {r['mode']:9s} {r.get('seed') or '11':>4s} {r['load_start']:>6s} -> {r['load_end']:<6s} {r['wall_s']:>6s}"
              f"  {f.get('e2e.p99', '-'):>18s}  {f.get('ttft.p99', '-'):>10s}  {f.get('tpot.p99', '-'):>10s}")

    def alarms(rows):
        return ", ".join(f"{k} {m}" for _, k, m, *rest in rows if not rest[-1].startswith(("pass", "undecided")))

    def rate(pairs, good, direct=False):
        n = len(pairs)
        x = sum(1 for p in pairs if good(p if direct else results[p][0]))
        lo, hi = clopper_pearson(x, n)
        return f"{x}/{n}" + (f" = {100 * x / n:.1f}% (95% CI {100 * lo:.1f}-{100 * hi:.1f}%)" if n else "")

    same_pairs = [p for p in results if p[1].startswith("same")]
    slowed_pairs = [p for p in results if p[1].startswith("slowed")]
    disjoint_same = [(same[i], same[i + 1]) for i in range(0, len(same) - 1, 2)]
    disjoint_slowed = [(a, "slowed" + a[4:]) for a in same if ("slowed" + a[4:]) in slowed]
    print()
    print(f"same-build pairs, false alarms (exit != 0): all pairs {rate(same_pairs, lambda s: s != 0)};"
          f" disjoint pairs {rate(disjoint_same, lambda s: s != 0)}")
    print(f"slowed pairs (x1.2), caught (exit 1):       all pairs {rate(slowed_pairs, lambda s: s == 1)};"
          f" disjoint pairs {rate(disjoint_slowed, lambda s: s == 1)}")
    held = {}
    for p in same_pairs:  # the stated detectable worsening: would one of exactly that size have been caught in this pair?
        for step, kind, metric, base, cur, change, ci, tol, detect, verdict in results[p][1]:
            if kind == "*" and detect not in (None, "-") and ci != "undefined":
                low, high = (number(x) for x in ci.strip("[]").split(", "))
                d, t, c = abs(number(detect)), number(tol), number(change)
                if metric == "goodput":
                    ok = c - d < -abs(t) and high - d < 0
                elif metric == "errors":
                    ok = c + d > t and low + d > 0
                else:
                    ok = (1 + c) * (1 + d) - 1 > t and (1 + low) * (1 + d) - 1 > 0
                held.setdefault(metric, []).append((d, ok))
    for metric, rows in sorted(held.items()):
        ds = sorted(d for d, _ in rows)
        unit = "pp" if metric in ("errors", "goodput") else "%"
        print(f"  stated detectable {metric} (all kinds, same-build pairs): median {100 * ds[len(ds) // 2]:.1f}{unit}"
              f" ({100 * ds[0]:.1f}-{100 * ds[-1]:.1f}{unit}); a worsening of that size caught {rate(rows, lambda r: r[1], direct=True)}")
    for p in same_pairs:
        if results[p][0] != 0:
            print(f"  false alarm {p[0]} vs {p[1]}: exit {results[p][0]} {alarms(results[p][1])}")
    for p in slowed_pairs:
        if results[p][0] != 1:
            print(f"  missed {p[0]} vs {p[1]}: exit {results[p][0]}")


if __name__ == "__main__":
    main()
