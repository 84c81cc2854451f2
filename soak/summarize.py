#!/usr/bin/env python3
"""Summarises a soak's samples (soak/README.md): per JVM role and resource, the median of the
first and of the last fifth of the load, the maximum, and the least-squares slope per hour over the
load's second half (after warm-up and heap growth: a leak shows there, a JVM settling does not); the
request counts of the run (run.json, requests.jsonl, the emulator's counters); and a chart
(chart.svg, and chart.png when chromium is installed) with the load's end marked (what follows is
the after-run pipeline and Gatling's report). Samples: samples.tsv (heap used/committed and
metaspace from jstat, RSS/threads/fds from /proc) and nmt.tsv (Native Memory Tracking's committed
memory per category), as soak/real-soak writes them. Usage: summarize.py SOAK_FOLDER"""
import csv, glob, json, os, shutil, statistics, subprocess, sys
from datetime import datetime

METRICS = [("heap_used_kb", "heap used (MB)", 1 / 1024), ("heap_committed_kb", "heap committed (MB)", 1 / 1024),
           ("metaspace_committed_kb", "metaspace committed (MB)", 1 / 1024),
           ("nmt_Code", "code cache committed (MB)", 1 / 1024), ("nmt_Thread", "thread stacks committed (MB)", 1 / 1024),
           ("nmt_Other", "direct buffers (NMT Other, MB)", 1 / 1024), ("nmt_Total", "NMT total committed (MB)", 1 / 1024),
           ("rss_kb", "RSS (MB)", 1 / 1024), ("threads", "threads", 1), ("fds", "open fds", 1)]
COLOURS = {"emulator": "#1f77b4", "netem": "#d62728", "gatling": "#2ca02c", "maven": "#9467bd", "virtual": "#ff7f0e"}


def load(folder):
    """Rows per role; NMT samples become rows of their own with nmt_<category> committed KB (other keys absent)."""
    rows = {}
    with open(os.path.join(folder, "samples.tsv")) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            rows.setdefault(r["role"], []).append(r)
    nmt = os.path.join(folder, "nmt.tsv")
    if os.path.exists(nmt):
        by_time = {}
        with open(nmt) as f:
            for r in csv.DictReader(f, delimiter="\t"):
                row = by_time.setdefault((r["role"], r["epoch_s"]), {"epoch_s": r["epoch_s"], "role": r["role"]})
                row["nmt_" + r["category"].split()[0]] = r["committed_kb"]
        for (role, _), row in by_time.items():
            rows.setdefault(role, []).append(row)
        for rs in rows.values():
            rs.sort(key=lambda r: float(r["epoch_s"]))
    return rows


def load_end(folder):
    """Epoch seconds when the load ended (run.json's endedAt), or None."""
    for run_json in glob.glob(os.path.join(folder, "runs", "*", "run.json")):
        ended = json.load(open(run_json)).get("endedAt")
        if ended:
            return datetime.fromisoformat(ended.replace("Z", "+00:00")).timestamp()
    return None


def value(r, key):
    v = r.get(key)
    return None if v in (None, "", "NA") else float(v)


def slope_per_hour(t, y):
    n = len(t)
    if n < 2:
        return float("nan")
    mt, my = sum(t) / n, sum(y) / n
    var = sum((a - mt) ** 2 for a in t)
    return float("nan") if var == 0 else sum((a - mt) * (b - my) for a, b in zip(t, y)) / var * 3600


def table(rows, end):
    out = [f"during the load (samples up to run.json's endedAt); after it: max of the after-run phase",
           "role      resource                        samples  first-fifth med  last-fifth med     max  slope/h (2nd half)  after-run max"]
    for role, rs in sorted(rows.items()):
        t0 = float(rs[0]["epoch_s"])
        for key, label, scale in METRICS:
            pts = [(float(r["epoch_s"]) - t0, value(r, key) * scale) for r in rs if value(r, key) is not None
                   and (end is None or float(r["epoch_s"]) <= end)]
            after = [value(r, key) * scale for r in rs if value(r, key) is not None and end is not None and float(r["epoch_s"]) > end]
            if not pts:
                continue
            k = max(1, len(pts) // 5)
            first = statistics.median(p[1] for p in pts[:k])
            last = statistics.median(p[1] for p in pts[-k:])
            half = pts[len(pts) // 2:]
            slope = slope_per_hour([p[0] for p in half], [p[1] for p in half])
            out.append(f"{role:9s} {label:31s} {len(pts):7d}  {first:15.1f}  {last:14.1f}  {max(p[1] for p in pts):6.1f}  {slope:+18.2f}"
                       f"  {max(after) if after else float('nan'):13.1f}")
    return "\n".join(out)


def counts(folder):
    lines = []
    for run_json in glob.glob(os.path.join(folder, "runs", "*", "run.json")):
        run = json.load(open(run_json))
        for s in run.get("steps", []):
            errors = sum(s.get("errors", {}).values())
            lines.append(f"run.json {s['id']}: sent {s['sent']}, ok {s['ok']}, errors {errors} {s.get('errors', {})}, "
                         f"sent - ok - errors = {s['sent'] - s['ok'] - errors}")
        planned = run.get("scenario", {}).get("plannedSteps", [])
        lines.append(f"run.json status {run.get('status')}, planned steps {len(planned)}, finished steps {len(run.get('steps', []))}")
        req = os.path.join(os.path.dirname(run_json), "requests.jsonl")
        if os.path.exists(req):
            outcomes = {}
            n = 0
            with open(req) as f:
                for i, line in enumerate(f):
                    if i == 0 and "capkit" in line and "outcome" not in line:
                        continue  # header line
                    o = json.loads(line).get("outcome", "?")
                    outcomes[o] = outcomes.get(o, 0) + 1
                    n += 1
            lines.append(f"requests.jsonl: {n} request lines, outcomes {outcomes}")
    metrics = os.path.join(folder, "emulator-metrics.txt")
    if os.path.exists(metrics):
        for line in open(metrics):
            if line.startswith(("vllm:request_success_total", "vllm:num_requests_running", "vllm:num_requests_waiting")):
                lines.append("emulator /metrics: " + line.strip())
    return "\n".join(lines)


def chart(rows, folder, end):
    w, h, pad = 1200, 1700, 60
    panel_h = (h - 40) / len(METRICS)
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>']
    starts = [float(rs[0]["epoch_s"]) for rs in rows.values()]
    t0 = min(starts)
    t1 = max(float(r["epoch_s"]) for rs in rows.values() for r in rs)
    span = max(1.0, t1 - t0)
    for i, (key, label, scale) in enumerate(METRICS):
        top = 30 + i * panel_h
        bottom = top + panel_h - 40
        vals = [value(r, key) * scale for rs in rows.values() for r in rs if value(r, key) is not None]
        if not vals:
            continue
        vmax = max(vals) * 1.1 or 1
        svg.append(f'<text x="{pad}" y="{top - 8}" font-weight="bold">{label} per JVM (0 to {vmax:.0f}) over {span / 60:.1f} min</text>')
        svg.append(f'<line x1="{pad}" y1="{bottom}" x2="{w - 20}" y2="{bottom}" stroke="black"/>')
        svg.append(f'<line x1="{pad}" y1="{top}" x2="{pad}" y2="{bottom}" stroke="black"/>')
        if end is not None:
            xe = pad + (end - t0) / span * (w - 20 - pad)
            svg.append(f'<line x1="{xe:.1f}" y1="{top}" x2="{xe:.1f}" y2="{bottom}" stroke="gray" stroke-dasharray="4,3"/>'
                       f'<text x="{xe - 4:.1f}" y="{top + 10}" fill="gray" text-anchor="end">load ends | after-run work</text>')
        for frac in (0, 0.5, 1):
            y = bottom - frac * (bottom - top)
            svg.append(f'<text x="{pad - 6}" y="{y + 4}" text-anchor="end">{vmax * frac:.0f}</text>')
        for m in range(0, int(span / 60) + 1, max(1, int(span / 60 / 10))):
            x = pad + (m * 60) / span * (w - 20 - pad)
            svg.append(f'<text x="{x}" y="{bottom + 14}" text-anchor="middle">{m} min</text>')
        for role, rs in sorted(rows.items()):
            pts = [(pad + (float(r["epoch_s"]) - t0) / span * (w - 20 - pad), bottom - value(r, key) * scale / vmax * (bottom - top))
                   for r in rs if value(r, key) is not None]
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            svg.append(f'<polyline fill="none" stroke="{COLOURS.get(role, "gray")}" stroke-width="1.5" points="{path}"/>')
    x = pad
    for role in sorted(rows):
        svg.append(f'<rect x="{x}" y="{h - 18}" width="12" height="12" fill="{COLOURS.get(role, "gray")}"/>'
                   f'<text x="{x + 16}" y="{h - 8}">{role}</text>')
        x += 110
    svg.append("</svg>")
    path = os.path.join(folder, "chart.svg")
    open(path, "w").write("\n".join(svg))
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser:
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--window-size={w},{h}",
                        f"--screenshot={os.path.join(folder, 'chart.png')}", "file://" + os.path.abspath(path)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    return path


if __name__ == "__main__":
    folder = sys.argv[1]
    rows = load(folder)
    end = load_end(folder)
    print(table(rows, end))
    print(counts(folder))
    print("chart:", chart(rows, folder, end))
