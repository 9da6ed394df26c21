#!/usr/bin/env python3
"""Markdown summary of a nonlin_bench JSON file (--benchmark_out_format=json).

    python3 benchmarks/report.py nonlin_bench.json [--command CMD]
        [--compiler TEXT] [--flags TEXT] [--cpu TEXT] [--real-time]

Prints header lines (command, compiler, flags, SIMD path, CPU model, date)
and one table row per function and size: ns per output element for nonlin
and each baseline, the ratios baseline / nonlin (> 1: nonlin is faster) and
the memcpy time per element of the same size (the bandwidth ceiling).
Compiler and flags default to the JSON context written by nonlin_bench; the
CPU model defaults to /proc/cpuinfo of the machine running this script.
"""

import argparse
import json
import sys
from collections import OrderedDict

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def load(path, use_real_time):
    """Returns (context, {(function, variant, n): ns per element}, function order)."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    context = doc.get("context", {})
    iterations = {}  # name -> list of ns/element
    medians = {}
    for b in doc.get("benchmarks", []):
        if b.get("error_occurred"):
            continue
        name = b.get("run_name", b["name"])
        parts = name.split("/")
        if len(parts) != 3 or not parts[2].isdigit():
            continue
        n = int(parts[2])
        t = b["real_time" if use_real_time else "cpu_time"] * UNIT_NS[b.get("time_unit", "ns")]
        per_element = t / n
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[name] = per_element
        else:
            iterations.setdefault(name, []).append(per_element)
    results = OrderedDict()
    order = []
    for name in list(iterations) + [m for m in medians if m not in iterations]:
        function, variant, n = name.split("/")
        if name in medians:
            value = medians[name]
        else:
            value = sum(iterations[name]) / len(iterations[name])
        results[(function, variant, int(n))] = value
        if function != "copy" and function not in order:
            order.append(function)
    return context, results, order


def fmt(x):
    if x is None:
        return "—"
    if x >= 100:
        return "%.0f" % x
    if x >= 10:
        return "%.1f" % x
    if x >= 1:
        return "%.2f" % x
    return "%.3f" % x


def size_label(n):
    if n >= 1 << 20 and n % (1 << 20) == 0:
        return "%dM" % (n >> 20)
    if n >= 1 << 10 and n % (1 << 10) == 0:
        return "%dK" % (n >> 10)
    return str(n)


def ratio(base, ours):
    if base is None or ours is None or ours == 0:
        return "—"
    return "%.1f×" % (base / ours)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("json", help="nonlin_bench --benchmark_out file")
    p.add_argument("--command", help="the command that produced the JSON")
    p.add_argument("--compiler", help="compiler (default: JSON context nonlin_compiler)")
    p.add_argument("--flags", help="compile flags (default: JSON context nonlin_cxx_flags)")
    p.add_argument("--cpu", help="CPU model (default: /proc/cpuinfo model name)")
    p.add_argument("--real-time", action="store_true", help="use real time instead of CPU time")
    args = p.parse_args(argv)

    context, results, order = load(args.json, args.real_time)
    if not results:
        sys.exit("report.py: no nonlin_bench results in %s" % args.json)

    command = args.command or context.get("executable", "nonlin_bench")
    compiler = args.compiler or context.get("nonlin_compiler", "unknown")
    flags = args.flags or context.get("nonlin_cxx_flags", "unknown")
    print("- Command: `%s`" % command)
    print("- Compiler: %s" % compiler)
    print("- Flags: `%s`" % flags)
    if "nonlin_simd" in context:
        print("- SIMD: %s" % context["nonlin_simd"])
    print("- CPU: %s (%s CPUs)" % (args.cpu or cpu_model(), context.get("num_cpus", "?")))
    print("- Date: %s" % context.get("date", "unknown"))
    if context.get("library_build_type") == "debug":
        print("- Note: Google Benchmark library built as debug (timing loop only; kernels are unaffected)")
    print()
    print("ns per output element (%s time); n in floats (K = 1024, M = 1024²); ratio = baseline / nonlin, > 1 means nonlin is faster."
          % ("real" if args.real_time else "CPU"))
    print()

    has_packed = any(v == "nonlin_packed" for (_, v, _) in results)
    has_xsimd = any(v == "xsimd_math" for (_, v, _) in results)
    cols = ["function", "n", "nonlin"]
    if has_packed:
        cols.append("nonlin packed")
    cols += ["std loop", "std / nonlin"]
    if has_xsimd:
        cols += ["xsimd math", "xsimd / nonlin"]
    cols.append("memcpy")
    print("| " + " | ".join(cols) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(cols) - 1)) + "|")

    sizes = sorted({n for (_, _, n) in results})
    for function in order:
        for n in sizes:
            ours = results.get((function, "nonlin", n))
            if ours is None:
                continue
            std = results.get((function, "std_loop", n))
            row = [function, size_label(n), fmt(ours)]
            if has_packed:
                row.append(fmt(results.get((function, "nonlin_packed", n))))
            row += [fmt(std), ratio(std, ours)]
            if has_xsimd:
                xs = results.get((function, "xsimd_math", n))
                row += [fmt(xs), ratio(xs, ours)]
            row.append(fmt(results.get(("copy", "memcpy", n))))
            print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
