#!/usr/bin/env python3
"""Markdown table of nonlin_bench's dispatch study (benchmarks/dispatch.sh).

    python3 benchmarks/dispatch_report.py nonlin_bench.json [more.json ...] [--markdown-out FILE]

Reads the dispatch/<function>/<variant>/uniform/<n> benchmarks of one or more
nonlin_bench JSON files (with repetitions) and prints, per size and function,
ns per call of

  native    nonlin::apply compiled with the benchmark's flags (-march=native),
            inlined into the timing loop
  call      the same, called out of line through a function pointer
  dispatch  nonlin::dispatch::apply called from a TU built without -march
  baseline  nonlin::apply compiled without -march (x86-64: SSE2, no FMA)

and the ratios dispatch / native and baseline / native, from the fastest
repetition of each (the least disturbed by other load; the medians' ratios
are given too). A further JSON file run with NONLIN_ISA set adds its
dispatch column under the label given as FILE=LABEL, against that run's
baseline (NONLIN_ISA=sse2: the same SSE2 code, called through the table or
compiled in).
"""

import argparse
import json
import statistics
from collections import OrderedDict

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def load(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    times = OrderedDict()  # (function, variant, n) -> [ns per call]
    for b in doc.get("benchmarks", []):
        if b.get("run_type") == "aggregate" or b.get("error_occurred"):
            continue
        parts = b.get("run_name", b["name"]).split("/")
        if len(parts) != 5 or parts[0] != "dispatch":
            continue
        key = (parts[1], parts[2], int(parts[4]))
        times.setdefault(key, []).append(b["cpu_time"] * UNIT_NS[b.get("time_unit", "ns")])
    return doc.get("context", {}), times


def fmt(x):
    return "—" if x is None else ("%.0f" % x if x >= 100 else "%.1f" % x)


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def pct(r):
    return "—" if r is None else "%+.1f %%" % (100 * (r - 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("json", nargs="+", help="nonlin_bench JSON; FILE=LABEL for a run with NONLIN_ISA set")
    ap.add_argument("--markdown-out")
    args = ap.parse_args()

    context, times = load(args.json[0].split("=")[0])
    extra = []  # (label, times)
    for spec in args.json[1:]:
        path, _, label = spec.partition("=")
        extra.append((label or path, load(path)[1]))

    def best(t, key):
        v = t.get(key)
        return min(v) if v else None

    def med(t, key):
        v = t.get(key)
        return statistics.median(v) if v else None

    functions = list(OrderedDict.fromkeys(f for (f, _, _) in times))
    sizes = sorted({n for (_, _, n) in times})
    reps = max((len(v) for v in times.values()), default=0)
    out = ["- Compiler: %s" % context.get("nonlin_compiler", "?"),
           "- Flags: `%s` (native); the dispatch and baseline callers `-march=x86-64` after them" %
           context.get("nonlin_cxx_flags", "?"),
           "- nonlin::dispatch chose: %s" % context.get("nonlin_dispatch_isa", "?"),
           "- %s" % context.get("nonlin_simd", ""),
           "- CPU: %s CPUs at %s MHz; load average at start %s" % (
               context.get("num_cpus", "?"), context.get("mhz_per_cpu", "?"),
               ", ".join("%.2f" % x for x in context.get("load_avg", []))),
           "- Date: %s" % context.get("date", "?"),
           "- Statistic: the fastest of %d repetitions (random interleaving), CPU time per call; "
           "\"median\" columns: ratio of the medians" % reps,
           ""]
    summary = []
    for n in sizes:
        cols = ["function", "native ns", "call ns", "dispatch ns", "baseline ns", "dispatch / native", "(median)",
                "dispatch / call", "baseline / native", "(median)"]
        for label, _ in extra:
            cols += ["dispatch %s ns" % label, "%s / baseline" % label]
        out += ["### n = %d" % n, "", "| " + " | ".join(cols) + " |",
                "|" + "|".join(["---"] + ["---:"] * (len(cols) - 1)) + "|"]
        d_ratios, b_ratios, c_ratios, m_ratios = [], [], [], []
        for f in functions:
            nat, call, dis, base = (best(times, (f, v, n)) for v in ("native", "native_call", "dispatch", "baseline"))
            if nat is None:
                continue
            rd, rb = ratio(dis, nat), ratio(base, nat)
            md = ratio(med(times, (f, "dispatch", n)), med(times, (f, "native", n)))
            mb = ratio(med(times, (f, "baseline", n)), med(times, (f, "native", n)))
            if rd is not None:
                d_ratios.append((rd, f))
            if md is not None:
                m_ratios.append((md, f))
            if rb is not None:
                b_ratios.append((rb, f))
            rc = ratio(dis, call)
            if rc is not None:
                c_ratios.append((rc, f))
            row = [f, fmt(nat), fmt(call), fmt(dis), fmt(base), pct(rd), pct(md), pct(rc),
                   "%.2f×" % rb if rb else "—", "%.2f×" % mb if mb else "—"]
            for _, t in extra:
                e = best(t, (f, "dispatch", n))
                row += [fmt(e), pct(ratio(e, best(t, (f, "baseline", n))))]
            out.append("| " + " | ".join(row) + " |")
        out.append("")
        line = "n = %d:" % n
        if d_ratios:
            d_sorted = sorted(d_ratios)
            line += " dispatch / native median %s, best %s (%s), worst %s (%s);" % (
                pct(statistics.median(r for r, _ in d_ratios)), pct(d_sorted[0][0]), d_sorted[0][1],
                pct(d_sorted[-1][0]), d_sorted[-1][1])
            # The targets of the issue: within 10 % at n <= 64, 5 % above.
            limit = 1.10 if n <= 64 else 1.05
            over = [(r, f) for r, f in d_sorted if r > limit]
            m_over = [(r, f) for r, f in m_ratios if r > limit]
            line += " within %s: %d of %d (fastest repetition), %d of %d (medians)%s;" % (
                pct(limit), len(d_ratios) - len(over), len(d_ratios), len(m_ratios) - len(m_over), len(m_ratios),
                (", over: " + ", ".join("%s %s" % (f, pct(r)) for r, f in over)) if over else "")
        if c_ratios:
            line += " dispatch / call median %s;" % pct(statistics.median(r for r, _ in c_ratios))
        if b_ratios:
            line += " baseline / native median %.2f×, range %.2f× (%s) to %.2f× (%s)" % (
                statistics.median(r for r, _ in b_ratios), min(b_ratios)[0], min(b_ratios)[1], max(b_ratios)[0],
                max(b_ratios)[1])
        summary.append(line.rstrip(";"))
    out = ["Summary:", ""] + ["- " + s for s in summary] + [""] + out
    text = "\n".join(out)
    print(text)
    if args.markdown_out:
        with open(args.markdown_out, "w", encoding="utf-8") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
