#!/usr/bin/env python3
"""Markdown performance report from a nonlin_bench JSON file (--benchmark_out_format=json).

    python3 benchmarks/report.py nonlin_bench.json [--command CMD]
        [--compiler TEXT] [--flags TEXT] [--cpu TEXT] [--real-time]
        [--note TEXT ...] [--markdown-out FILE]

Prints header lines (command, compiler, flags, SIMD path, threads, peers, CPU
model, date, load) and, per size, one table row per function: ns per output
element for nonlin and for every peer measured (the plain std:: loop, the
xsimd-math loop, oneDNN, XNNPACK, Eigen, SLEEF, libtorch -- whichever the
binary was built with), the fastest peer and the ratio fastest peer / nonlin
(> 1: nonlin is faster), memcpy's ns per element at that size and nonlin's
fraction of copy bandwidth (memcpy ns / nonlin ns). Then the copy bandwidth
per size and the peers' agreement with nonlin (the spot check nonlin_bench
runs at start-up).

With repetitions, the median is used. Compiler and flags default to the JSON
context written by nonlin_bench; the CPU model to /proc/cpuinfo of the machine
running this script. --markdown-out FILE also writes the report, with an
introduction, to FILE (benchmarks/README.md).
"""

import argparse
import json
import statistics
import sys
from collections import OrderedDict

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}

# Variants, in column order, with their column titles. "nonlin" and
# "nonlin_packed" are nonlin's own; everything else is a peer.
NONLIN = "nonlin"
PACKED = "nonlin_packed"
FAST = "nonlin_fast"  # the fast tier, nonlin::fast::<function>
PEERS = OrderedDict([
    ("std_loop", "std loop"),
    ("xsimd_math", "xsimd math"),
    ("onednn", "oneDNN"),
    ("xnnpack", "XNNPACK"),
    ("eigen", "Eigen"),
    ("sleef", "SLEEF"),
    ("torch", "torch"),
])


def cpu_model(fallback="unknown"):
    """The CPU's model name from /proc/cpuinfo; `fallback` where there is none (also used by fast_curve.py)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return fallback


def load(path, use_real_time):
    """Returns (context, {(function, variant, n): ns per element}, function order, cv list, repetitions)."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    context = doc.get("context", {})
    iterations = {}  # name -> list of ns/element
    medians = {}
    cvs = []  # (cv, name)
    repetitions = 1
    for b in doc.get("benchmarks", []):
        if b.get("error_occurred"):
            continue
        name = b.get("run_name", b["name"])
        parts = name.split("/")
        if len(parts) != 3 or not parts[2].isdigit():
            continue
        repetitions = max(repetitions, int(b.get("repetitions", 1) or 1))
        n = int(parts[2])
        field = "real_time" if use_real_time else "cpu_time"
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[name] = b[field] * UNIT_NS[b.get("time_unit", "ns")] / n
            elif b.get("aggregate_name") == "cv":
                cvs.append((b[field], name))
        else:
            iterations.setdefault(name, []).append(b[field] * UNIT_NS[b.get("time_unit", "ns")] / n)
    results = OrderedDict()
    order = []
    for name in list(iterations) + [m for m in medians if m not in iterations]:
        function, variant, n = name.split("/")
        if name in medians:
            value = medians[name]
        else:
            value = statistics.median(iterations[name])
        results[(function, variant, int(n))] = value
        if function != "copy" and function not in order:
            order.append(function)
    return context, results, order, cvs, repetitions


def fmt(x):
    if x is None:
        return "—"
    if x >= 100:
        return "%.0f" % x
    if x >= 10:
        return "%.1f" % x
    if x >= 1:
        return "%.2f" % x
    if x >= 0.1:
        return "%.3f" % x
    return "%.4f" % x


def size_label(n):
    if n >= 1 << 20 and n % (1 << 20) == 0:
        return "%dM" % (n >> 20)
    if n >= 1 << 10 and n % (1 << 10) == 0:
        return "%dK" % (n >> 10)
    return str(n)


def ratio(base, ours):
    if base is None or ours is None or ours == 0:
        return "—"
    return "%.2f×" % (base / ours)


def header_lines(args, context, cvs, repetitions):
    command = args.command or context.get("executable", "nonlin_bench")
    compiler = args.compiler or context.get("nonlin_compiler", "unknown")
    flags = args.flags or context.get("nonlin_cxx_flags", "unknown")
    lines = ["- Command: `%s`" % command,
             "- Compiler: %s" % compiler,
             "- Flags: `%s`" % flags]
    if "nonlin_simd" in context:
        lines.append("- nonlin: %s%s%s" % (
            ("%s, " % context["nonlin_version"]) if "nonlin_version" in context else "",
            ("git %s (at configure time), " % context["nonlin_git"]) if "nonlin_git" in context else "",
            context["nonlin_simd"]))
    lines.append("- CPU: %s (%s CPUs, %s MHz)" % (args.cpu or cpu_model(), context.get("num_cpus", "?"),
                                                 context.get("mhz_per_cpu", "?")))
    lines.append("- Date: %s" % context.get("date", "unknown"))
    if "nonlin_threads" in context:
        lines.append("- Threads: %s" % context["nonlin_threads"])
    peers = [(k.split("/", 1)[1], v) for k, v in context.items()
             if k.startswith("nonlin_peer/") and not k.startswith("nonlin_peer/impl/")]
    if peers:
        lines.append("- Peers: " + "; ".join("%s" % v for _, v in peers))
    if context.get("nonlin_peers_missing"):
        lines.append("- Peers not built: %s" % context["nonlin_peers_missing"])
    if "load_avg" in context:
        lines.append("- Load average at start: %s" % ", ".join("%.2f" % x for x in context["load_avg"]))
    time_kind = "real" if args.real_time else "CPU"
    if repetitions > 1:
        stat = "median of %d repetitions, %s time" % (repetitions, time_kind)
        if cvs:
            values = sorted(c for c, _ in cvs)
            noisy = [c for c in values if c > 0.05]
            stat += "; coefficient of variation: median %.1f%%, max %.1f%%, %d of %d benchmarks above 5%%" % (
                100 * statistics.median(values), 100 * values[-1], len(noisy), len(values))
        lines.append("- Statistic: %s" % stat)
    else:
        lines.append("- Statistic: one run per benchmark, %s time" % time_kind)
    if context.get("library_build_type") == "debug":
        lines.append("- Note: Google Benchmark library built as debug (timing loop only; kernels are unaffected)")
    for note in args.note or []:
        lines.append("- Note: %s" % note)
    return lines


def tables(results, order):
    variants = {v for (_, v, _) in results}
    peers = [p for p in PEERS if p in variants]
    has_packed = PACKED in variants
    has_fast = FAST in variants
    sizes = sorted({n for (_, _, n) in results})
    out = []
    for n in sizes:
        copy = results.get(("copy", "memcpy", n))
        title = "### n = %s (%s floats, %s KiB per array)" % (size_label(n), n, n * 4 // 1024)
        if copy:
            title += " — memcpy %s ns/element, %.1f GB/s" % (fmt(copy), 8.0 / copy)
        out += [title, ""]
        cols = ["function", "nonlin"]
        if has_packed:
            cols.append("nonlin packed")
        if has_fast:
            cols.append("nonlin fast")
        cols += [PEERS[p] for p in peers]
        cols += ["fastest peer", "peer / nonlin"]
        if has_fast:
            cols.append("peer / fast")
        cols += ["memcpy", "copy BW"]
        if has_fast:
            cols.append("fast copy BW")
        out.append("| " + " | ".join(cols) + " |")
        out.append("|" + "|".join(["---"] + ["---:"] * (len(cols) - 1)) + "|")
        for function in order:
            ours = results.get((function, NONLIN, n))
            if ours is None:
                continue
            row = [function, "**%s**" % fmt(ours)]
            if has_packed:
                row.append(fmt(results.get((function, PACKED, n))))
            fast = results.get((function, FAST, n))
            if has_fast:
                row.append("**%s**" % fmt(fast) if fast else "—")
            measured = [(results.get((function, p, n)), p) for p in peers]
            row += [fmt(t) for t, _ in measured]
            measured = [(t, p) for t, p in measured if t is not None]
            if measured:
                best_t, best_p = min(measured)
                row += ["%s %s" % (PEERS[best_p], fmt(best_t)), ratio(best_t, ours)]
                if has_fast:
                    row.append(ratio(best_t, fast) if fast else "—")
            else:
                row += ["—", "—"] + (["—"] if has_fast else [])
            row.append(fmt(copy))
            row.append("%.0f%%" % (100.0 * copy / ours) if copy and ours else "—")
            if has_fast:
                row.append("%.0f%%" % (100.0 * copy / fast) if copy and fast else "—")
            out.append("| " + " | ".join(row) + " |")
        out.append("")
    return out


def copy_table(results):
    sizes = sorted({n for (f, _, n) in results if f == "copy"})
    if not sizes:
        return []
    out = ["| n | memcpy ns/element | GB/s (read + write) |", "|---|---:|---:|"]
    for n in sizes:
        t = results[("copy", "memcpy", n)]
        out.append("| %s | %s | %.1f |" % (size_label(n), fmt(t), 8.0 / t))
    out.append("")
    return out


def check_table(context, order):
    checks = {}
    for k, v in context.items():
        if k.startswith("nonlin_check/"):
            _, function, peer = k.split("/")
            checks[(function, peer)] = v
    if not checks:
        return []
    impls = {}
    for k, v in context.items():
        if k.startswith("nonlin_peer/impl/"):
            _, _, function, peer = k.split("/")
            impls[(function, peer)] = v
    out = ["| function | peer | agreement with nonlin | implementation |", "|---|---|---|---|"]
    peer_order = list(PEERS)
    for function in order:
        for peer in peer_order:
            if (function, peer) in checks:
                out.append("| %s | %s | %s | %s |" % (function, PEERS.get(peer, peer),
                                                      checks[(function, peer)].replace("|", "\\|"),
                                                      impls.get((function, peer), "")))
    out.append("")
    return out


INTRO = """\
# nonlin performance report

Generated by `benchmarks/compare.sh` (which runs `benchmarks/run.sh` and
`benchmarks/report.py`); do not edit by hand.

What is measured: the time per output element, in nanoseconds, of every
nonlin function applied to a float32 array of n elements (gated functions:
two input arrays, gate and up, one output), beside the same function from
other libraries ("peers"), all in one `nonlin_bench` binary and one run, one
thread each. Inputs are uniform in [-8, 8). Buffers are 64-byte aligned and
reused, so small sizes run from cache and 16M (64 MiB per array) from memory.
Peer setup (oneDNN primitives, XNNPACK operators, torch tensors) happens
outside the timed loop.

Peers (each built in only when CMake finds it; `NONLIN_BENCH_PEERS`):

- **std loop**: the textbook formula, scalar loop over `<cmath>`;
  **xsimd math**: the same formula on `xsimd::batch` with `xsimd::exp/erf/tanh`.
- **oneDNN**: eltwise primitives (`eltwise_relu`, `_tanh`, `_logistic`,
  `_gelu_erf`, `_gelu_tanh`, `_swish`); gated: the eltwise primitive with a
  `binary_mul` post-op by up when oneDNN has an optimized implementation of
  that, else eltwise then `binary_mul` (two passes; the implementations used
  are listed under "Peer agreement").
- **XNNPACK**: the f32 operators it has natively (clamp as ReLU, leaky ReLU,
  sigmoid); nothing composed.
- **Eigen**: `Map<ArrayXf>` expressions (`max`, `select`, `tanh`, `logistic`,
  `erf`, formulas for GELU/SiLU/gated).
- **SLEEF**: the textbook formulas on SLEEF's widest vector `expf`/`tanhf`/`erff`
  (1-ULP variants).
- **torch**: libtorch ATen ops into preallocated outputs (`clamp_min_out` for
  ReLU, `leaky_relu_out`, `tanh_out`, `sigmoid_out`, `gelu_out`, `silu_out`,
  `glu_out`; swish and gated: the ops composed).

"fastest peer" is the fastest of all peers; "peer / nonlin" is its time over
nonlin's, so > 1 means nonlin is faster. "copy BW" is memcpy's time per
element over nonlin's: the fraction of copy bandwidth nonlin reaches (gated
functions read two arrays, so they move 1.5× memcpy's bytes per element).

To reproduce (Debian 12; the peers are the packages libdnnl-dev,
libxnnpack-dev, libpthreadpool-dev, libeigen3-dev, libsleef-dev,
libtorch-dev):

```sh
{command}
```
"""


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("json", help="nonlin_bench --benchmark_out file")
    p.add_argument("--command", help="the command that produced the JSON")
    p.add_argument("--compiler", help="compiler (default: JSON context nonlin_compiler)")
    p.add_argument("--flags", help="compile flags (default: JSON context nonlin_cxx_flags)")
    p.add_argument("--cpu", help="CPU model (default: /proc/cpuinfo model name)")
    p.add_argument("--real-time", action="store_true", help="use real time instead of CPU time")
    p.add_argument("--note", action="append", help="a note for the header (repeatable)")
    p.add_argument("--markdown-out", metavar="FILE", help="also write the report, with an introduction, to FILE")
    args = p.parse_args(argv)

    context, results, order, cvs, repetitions = load(args.json, args.real_time)
    if not results:
        sys.exit("report.py: no nonlin_bench results in %s" % args.json)

    body = header_lines(args, context, cvs, repetitions)
    body += ["", "ns per output element (lower is better); n in floats (K = 1024, M = 1024²).", ""]
    body += tables(results, order)
    copy = copy_table(results)
    if copy:
        body += ["### Copy bandwidth (memcpy of one array)", ""] + copy
    checks = check_table(context, order)
    if checks:
        body += ["### Peer agreement with nonlin",
                 "",
                 "Spot check at start-up on 4096 inputs from [-8, 8) plus special values (0, ±1e-30, ±10, "
                 "±20, ±89, ±1e20, ±3e38, ±inf, ...). max_err = max |peer − nonlin| / max(|nonlin|, 1) and "
                 "max_rel = max |peer − nonlin| / |nonlin| (for |nonlin| ≥ FLT_MIN), over finite inputs, with the "
                 "input where each occurs; disagreements = a NaN or infinity on one side only (all inputs).",
                 ""] + checks
    text = "\n".join(body).rstrip() + "\n"
    sys.stdout.write(text)
    if args.markdown_out:
        command = args.command or context.get("executable", "nonlin_bench")
        with open(args.markdown_out, "w", encoding="utf-8") as f:
            f.write(INTRO.replace("{command}", command) + "\n## Results\n\n" + text)


if __name__ == "__main__":
    main(sys.argv[1:])
