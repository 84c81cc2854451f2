#!/usr/bin/env python3
"""Where each step's writes go: reads <case>-deliveries.csv and <case>-gc.csv from an EmulatorBenchmark
-Dbench.trace=DIR directory (DeliveryTrace and GcPauses write them) and prints, per case, the reconstructed
token-timing error, tokens per batch, the encoding and flush phases, the socket time, and a split of the late tokens.
Usage: python3 emulator/src/test/sh/delivery-split.py DIR   (emulator/README.md, sixth session)
Per-token lateness is reconstructed as hand-off + position in the batch (tokens assumed evenly spaced over the
batch's encoding phase); the late tokens (> 2 ms, and the top 1%) are split into: inside a GC pause, hand-off
(task started late), position in the burst (running / not running)."""
import csv, sys, glob, os
def pct(v, p):
    v = sorted(v); 
    return v[min(len(v)-1, int(p/100*len(v)))] if v else float('nan')
for f in sorted(glob.glob(os.path.join(sys.argv[1], '*-deliveries.csv'))):
    rows = list(csv.DictReader(open(f)))
    gcf = f.replace('-deliveries.csv', '-gc.csv')
    pauses = []
    if os.path.exists(gcf):
        for r in csv.DictReader(open(gcf)):
            d = int(r['duration_ms'])*1_000_000
            if 'notified_ns' in r:  # pause ended at or before the notification; widen by 2 ms for its delivery
                e = int(r['notified_ns']); pauses.append((e - d - 2_000_000, e))
            else:
                a = int(r['start_ns']); pauses.append((a, a + d))
    toks = []  # (lateness, handoff, position, gc_overlap, notrunning_share)
    burst, flush, ntok, sock = [], [], [], []
    perthread = {}
    for r in rows:
        se, ts, te, fe, n, th, cpu = (int(r[k]) for k in ('step_end_ns','task_start_ns','tokens_end_ns','flush_end_ns','tokens','thread','cpu_ns'))
        ho = ts - se; enc = te - ts; fl = fe - te
        burst.append(enc/1e6); flush.append(fl/1e6); ntok.append(n); sock += [(fe-se)/1e6]*n
        perthread.setdefault(th, []).append(n)
        wall = fe - ts
        idle = max(0.0, 1 - cpu / wall) if wall > 0 else 0.0
        for k in range(n):
            pos = enc * k / max(1, n)
            w = ts + pos
            g = sum(max(0, min(b, w) - max(a, se)) for a, b in pauses)
            toks.append(((ho+pos)/1e6, ho/1e6, pos/1e6, g/1e6, idle))
    lat = [t[0] for t in toks]
    print(f"== {os.path.basename(f)}: {len(rows)} batches, {len(toks)} tokens; GC pauses {len(pauses)}")
    print(f"   reconstructed token-timing error p50 {pct(lat,50):.3f} p99 {pct(lat,99):.3f} p99.9 {pct(lat,99.9):.3f} ms")
    print(f"   tokens per batch p50 {pct(ntok,50)} p99 {pct(ntok,99)} max {max(ntok)}; batches per thread " + ", ".join(f"{k}:{len(v)} (tokens p50 {pct(v,50)})" for k,v in perthread.items()))
    print(f"   encoding phase (first to last token) p50 {pct(burst,50):.3f} p99 {pct(burst,99):.3f} max {max(burst):.3f} ms; flush phase p50 {pct(flush,50):.3f} p99 {pct(flush,99):.3f} ms")
    print(f"   socket time (flush end - step end, per token) p50 {pct(sock,50):.3f} p99 {pct(sock,99):.3f} p99.9 {pct(sock,99.9):.3f} ms")
    p99 = pct(lat, 99)
    for name, th in (("> 2 ms", 2.0), (f">= p99 ({p99:.3f} ms)", p99)):
        late = [t for t in toks if t[0] > th or (th == p99 and t[0] >= th)]
        if not late: print(f"   tokens {name}: none"); continue
        ingc = [t for t in late if t[3] > 0]
        rest = [t for t in late if t[3] == 0]
        hod = [t for t in rest if t[1] >= t[2]]
        posd = [t for t in rest if t[1] < t[2]]
        print(f"   tokens {name}: {len(late)} ({100*len(late)/len(toks):.2f}%): during a GC pause {len(ingc)}; "
              f"else hand-off-dominated {len(hod)}, position-dominated {len(posd)}; "
              f"sums over non-GC: hand-off {sum(t[1] for t in rest):.0f} ms, position {sum(t[2] for t in rest):.0f} ms "
              f"(of which not running ~{sum(t[2]*t[4] for t in rest):.0f} ms)")
