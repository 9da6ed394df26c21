#!/usr/bin/env python3
"""Markdown performance report from a nonlin_bench JSON file (--benchmark_out_format=json).

    python3 benchmarks/report.py nonlin_bench.json [--command CMD]
        [--compiler TEXT] [--flags TEXT] [--cpu TEXT] [--real-time]
        [--note TEXT ...] [--markdown-out FILE] [--fastest]

Prints the report of one run: its header (command, compiler, flags, SIMD
path and vector width, threads, peers, CPU, date, load), a summary per input
set at the smallest and largest size (nonlin's three tiers beside the
fastest peer, and memcpy), the data dependence of each kernel (tails and
realistic inputs against uniform ones), then every size and set in full.

Benchmark names are <function>/<variant>/<set>/<n> (nonlin_bench): variant
nonlin (the default tier), nonlin_precise, nonlin_fast, nonlin_packed, or a
peer; set uniform, realistic or tails -- or bf16 / f16 for the 16-bit
storage rows (bench_half.cpp: uniform inputs rounded to the format; variants
also three_pass, table, torch, torch_via_float), which get a section of
their own, "16-bit storage" (with --half-only: the only one, under the key
"<machine>; 16-bit storage"). With repetitions, the median is used, or
with --fastest the fastest repetition (the JSON then needs every
repetition, not only the aggregates: a shared machine's slow stretches
only ever add time).

--markdown-out FILE writes FILE (benchmarks/README.md) as the introduction
followed by one section per machine: the section of this run's machine (CPU
model and SIMD path) is replaced, the others are kept.
"""

import argparse
import json
import os
import re
import statistics
import sys
from collections import OrderedDict

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}

DEFAULT = "nonlin"
PRECISE = "nonlin_precise"
FAST = "nonlin_fast"
PACKED = "nonlin_packed"
TIERS = [(PRECISE, "precise"), (DEFAULT, "default"), (FAST, "fast")]
PEERS = OrderedDict([
    ("std_loop", "std loop"),
    ("xsimd_math", "xsimd math"),
    ("onednn", "oneDNN"),
    ("xnnpack", "XNNPACK"),
    ("eigen", "Eigen"),
    ("sleef", "SLEEF"),
    ("torch", "torch"),
])
SETS = ["uniform", "realistic", "tails"]
SET_TEXT = {
    "uniform": "uniform in [-8, 8)",
    "realistic": "normal, sigma = 3, with 0.1 % outliers uniform in [-100, 100]",
    "tails": "uniform in [-100, 100]",
}


def cpu_model(fallback="unknown", cpuinfo="/proc/cpuinfo"):
    """The CPU's model name from /proc/cpuinfo, with its x86 family and model
    where cpuinfo gives them ("AMD EPYC (family 0x19, model 0x11)": VMs show
    one name for several generations); `fallback` where there is none (also
    used by fast_curve.py and loop_profile.py)."""
    name, family, model = None, None, None
    try:
        with open(cpuinfo, encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip().lower()
                if key == "model name" and name is None:
                    name = value.strip()
                elif key == "cpu family" and family is None:
                    family = value.strip()
                elif key == "model" and model is None:
                    model = value.strip()
                elif not line.strip() and name is not None:
                    break
    except OSError:
        pass
    if name is None:
        return fallback
    if family is not None and model is not None and family.isdigit() and model.isdigit():
        return "%s (family 0x%X, model 0x%02X)" % (name, int(family), int(model))
    return name


def load(path, use_real_time, fastest=False):
    """Returns (context, {(function, variant, set, n): ns per element}, function order, cvs, repetitions).
    Each value is the median of the repetitions, or with fastest their minimum."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    context = doc.get("context", {})
    iterations, medians, cvs = {}, {}, []
    repetitions = 1
    field = "real_time" if use_real_time else "cpu_time"
    # In registration order (family_index: the order of the benchmark
    # binary's list), not the order run: with repetitions interleaved
    # (compare.sh) the JSON lists them as they ran, shuffled.
    benchmarks = sorted(doc.get("benchmarks", []),
                        key=lambda b: (b.get("family_index", 0), b.get("per_family_instance_index", 0)))
    for b in benchmarks:
        if b.get("error_occurred"):
            continue
        name = b.get("run_name", b["name"])
        parts = name.split("/")
        if len(parts) == 3:
            parts = [parts[0], parts[1], "uniform", parts[2]]
        if len(parts) != 4 or not parts[3].isdigit():
            continue
        key = "/".join(parts)
        n = int(parts[3])
        repetitions = max(repetitions, int(b.get("repetitions", 1) or 1))
        value = b[field] * UNIT_NS[b.get("time_unit", "ns")] / n
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[key] = value
            elif b.get("aggregate_name") == "cv":
                cvs.append((b[field], key))
        else:
            iterations.setdefault(key, []).append(value)
    results, order = OrderedDict(), []
    if fastest and not iterations:
        sys.exit("report.py: --fastest needs every repetition in %s (not only the aggregates)" % path)
    for key in list(iterations) + [m for m in medians if m not in iterations]:
        function, variant, set_, n = key.split("/")
        if fastest:
            value = min(iterations[key])
        else:
            value = medians.get(key, None) or statistics.median(iterations[key])
        results[(function, variant, set_, int(n))] = value
        if function != "copy" and function not in order:
            order.append(function)
    return context, results, order, cvs, repetitions


def fmt(x):
    if x is None:
        return "—"
    for limit, form in ((100, "%.0f"), (10, "%.1f"), (1, "%.2f"), (0.1, "%.3f")):
        if x >= limit:
            return form % x
    return "%.4f" % x


def size_label(n):
    if n >= 1 << 20 and n % (1 << 20) == 0:
        return "%dM" % (n >> 20)
    if n >= 1 << 10 and n % (1 << 10) == 0:
        return "%dK" % (n >> 10)
    return str(n)


def ratio(base, ours):
    return "—" if base is None or ours is None or ours == 0 else "%.2f×" % (base / ours)


def machine_key(args, context):
    return "%s; %s" % (args.cpu or cpu_model(), context.get("nonlin_simd", "unknown SIMD path"))


def header_lines(args, context, cvs, repetitions):
    lines = ["- Command: `%s`" % (args.command or context.get("executable", "nonlin_bench")),
             "- Compiler: %s" % (args.compiler or context.get("nonlin_compiler", "unknown")),
             "- Flags: `%s`" % (args.flags or context.get("nonlin_cxx_flags", "unknown"))]
    if "nonlin_simd" in context:
        lines.append("- nonlin: %s%s%s" % (
            ("%s, " % context["nonlin_version"]) if "nonlin_version" in context else "",
            ("git %s (at configure time), " % context["nonlin_git"]) if "nonlin_git" in context else "",
            context["nonlin_simd"]))
    lines.append("- CPU: %s (%s CPUs, %s MHz)" % (args.cpu or cpu_model(), context.get("num_cpus", "?"),
                                                 context.get("mhz_per_cpu", "?")))
    lines.append("- Date: %s" % context.get("date", "unknown"))
    if "nonlin_subnormals" in context:
        lines.append("- Subnormal route (ops.hpp, `subnormals_full_speed`): %s" % context["nonlin_subnormals"])
    if "nonlin_threads" in context:
        lines.append("- Threads: %s" % context["nonlin_threads"])
    peers = [v for k, v in context.items()
             if k.startswith("nonlin_peer/") and not k.startswith("nonlin_peer/impl/")]
    if peers:
        lines.append("- Peers: " + "; ".join(peers))
    if context.get("nonlin_peers_missing"):
        lines.append("- Peers not built: %s" % context["nonlin_peers_missing"])
    if "load_avg" in context:
        lines.append("- Load average at start: %s" % ", ".join("%.2f" % x for x in context["load_avg"]))
    kind = "real" if args.real_time else "CPU"
    if repetitions > 1:
        stat = "%s of %d repetitions, %s time" % ("fastest" if getattr(args, "fastest", False) else "median", repetitions, kind)
        if cvs:
            values = sorted(c for c, _ in cvs)
            stat += "; coefficient of variation: median %.1f%%, max %.1f%%, %d of %d benchmarks above 5%%" % (
                100 * statistics.median(values), 100 * values[-1], sum(1 for c in values if c > 0.05), len(values))
        lines.append("- Statistic: %s" % stat)
    else:
        lines.append("- Statistic: one run per benchmark, %s time" % kind)
    for note in args.note or []:
        lines.append("- Note: %s" % note)
    return lines


def fastest_peer(results, function, set_, n):
    measured = [(results[(function, p, set_, n)], p) for p in PEERS if (function, p, set_, n) in results]
    return min(measured) if measured else (None, None)


def summary(results, order, set_, sizes):
    """Per size: the tiers, the fastest peer, peer / tier ratios, copy bandwidth."""
    tiers = [(v, t) for v, t in TIERS if any(k[1] == v for k in results)]
    out = []
    for n in sizes:
        copy = results.get(("copy", "memcpy", "uniform", n))
        title = "#### %s, n = %s" % (set_, size_label(n))
        if copy:
            title += " (memcpy %s ns/element, %.1f GB/s)" % (fmt(copy), 8.0 / copy)
        cols = ["function"] + [t for _, t in tiers] + ["fastest peer"] + ["peer / %s" % t for _, t in tiers]
        cols += ["copy BW %s" % t for _, t in tiers]
        out += [title, "", "| " + " | ".join(cols) + " |", "|" + "|".join(["---"] + ["---:"] * (len(cols) - 1)) + "|"]
        for function in order:
            times = [results.get((function, v, set_, n)) for v, _ in tiers]
            if all(t is None for t in times):
                continue
            best_t, best_p = fastest_peer(results, function, set_, n)
            row = [function] + [fmt(t) for t in times]
            row.append("%s %s" % (PEERS[best_p], fmt(best_t)) if best_p else "—")
            row += [ratio(best_t, t) for t in times]
            row += ["%.0f%%" % (100.0 * copy / t) if copy and t else "—" for t in times]
            out.append("| " + " | ".join(row) + " |")
        out.append("")
    return out


def data_dependence(results, order, sizes):
    """Time on the tails and realistic sets over the time on the uniform set, per kernel."""
    out = []
    for n in sizes:
        variants = [v for v, _ in TIERS] + list(PEERS)
        present = [v for v in variants if any(k[1] == v and k[3] == n and k[2] == "tails" for k in results)]
        if not present:
            continue
        names = dict(TIERS)
        names.update(PEERS)
        cols = ["function"] + ["%s" % names[v] for v in present]
        out += ["#### n = %s: time on tails / time on uniform (realistic / uniform in parentheses)" % size_label(n), "",
                "| " + " | ".join(cols) + " |", "|" + "|".join(["---"] + ["---:"] * (len(cols) - 1)) + "|"]
        for function in order:
            row = [function]
            any_value = False
            for v in present:
                u = results.get((function, v, "uniform", n))
                t = results.get((function, v, "tails", n))
                r = results.get((function, v, "realistic", n))
                if u and t:
                    any_value = True
                    row.append("%.2f (%.2f)" % (t / u, r / u) if r else "%.2f" % (t / u))
                else:
                    row.append("—")
            if any_value:
                out.append("| " + " | ".join(row) + " |")
        out.append("")
    return out


def full_tables(results, order, set_, sizes):
    variants = [v for v, _ in TIERS] + [PACKED] + list(PEERS)
    names = dict(TIERS)
    names.update(PEERS)
    names[PACKED] = "packed"
    out = []
    for n in sizes:
        present = [v for v in variants if any(k[1] == v and k[2] == set_ and k[3] == n for k in results)]
        if not present:
            continue
        out += ["#### %s, n = %s" % (set_, size_label(n)), "",
                "| function | " + " | ".join(names[v] for v in present) + " |",
                "|---|" + "|".join(["---:"] * len(present)) + "|"]
        for function in order:
            row = [results.get((function, v, set_, n)) for v in present]
            if all(t is None for t in row):
                continue
            out.append("| %s | %s |" % (function, " | ".join(fmt(t) for t in row)))
        out.append("")
    return out


STORAGES = ["bf16", "f16"]
HALF_BASELINES = [("three_pass", "three passes"), ("torch", "torch"), ("table", "64K table")]


def half_time(results, function, variant, storage, n):
    """(ns per element, label suffix) of a 16-bit row; torch falls back to torch_via_float."""
    t = results.get((function, variant, storage, n))
    if t is None and variant == "torch":
        t = results.get((function, "torch_via_float", storage, n))
        return t, (" (via float)" if t is not None else "")
    return t, ""


def half_section(results, order):
    """The 16-bit storage tables: nonlin's tiers on float, bf16, f16 and the 16-bit baselines."""
    sizes = sorted({k[3] for k in results if k[2] in STORAGES})
    if not sizes:
        return []
    funcs = [f for f in order if any(k[0] == f and k[2] in STORAGES for k in results)]
    out = ["### 16-bit storage", "",
           "The same kernels reading and writing bf16 or f16 (`nonlin::apply` on `nonlin::bf16` / `nonlin::f16` "
           "buffers, one pass, the math in float; default and precise 16-bit outputs correctly rounded, fast "
           "narrowed), on the uniform inputs rounded to the format; float = the same kernels on float32 buffers (the uniform rows). "
           "\"bf16 / float\" is float's time over bf16's: the ratio of elements per second, > 1 means the 16-bit "
           "storage is faster. Baselines: **three passes** (widen all to a float buffer, float `nonlin::apply` of "
           "the default tier, narrow all, the conversions vectorized), **torch** (libtorch ATen `*_out` ops on "
           "`kBFloat16` / `kHalf` tensors, one thread; \"via float\" where this libtorch has no CPU kernel for the "
           "dtype: copy to float, op, copy back, the float tensors preallocated), **64K table** (ggml's: "
           "out[i] = table[in[i].bits], 65536 entries of float `nonlin::precise` rounded to the format). "
           "\"X / default\" is X's time over nonlin default's on the same storage: > 1 means nonlin is faster.", ""]
    targets = []
    for n in sizes:
        copy32 = results.get(("copy", "memcpy", "uniform", n))
        copy16 = results.get(("copy", "memcpy", "bf16", n))
        title = "#### n = %s (%d elements, %siB per 16-bit array)" % (size_label(n), n, size_label(2 * n))
        out += [title, ""]
        if copy32 or copy16:
            out += ["memcpy: float %s ns/element, 16-bit %s ns/element." % (fmt(copy32), fmt(copy16)), ""]
        out += ["| function | tier | float | bf16 | f16 | bf16 / float | f16 / float |",
                "|---|---|---:|---:|---:|---:|---:|"]
        for function in funcs:
            for variant, tier in TIERS:
                f32 = results.get((function, variant, "uniform", n))
                b16 = results.get((function, variant, "bf16", n))
                h16 = results.get((function, variant, "f16", n))
                if b16 is None and h16 is None:
                    continue
                out.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                    function, tier, fmt(f32), fmt(b16), fmt(h16), ratio(f32, b16), ratio(f32, h16)))
                if variant in (DEFAULT, FAST):
                    need = 1.8 if n >= 1 << 24 else 1.0
                    for storage, t in (("bf16", b16), ("f16", h16)):
                        if f32 and t:
                            targets.append(("%s ≥ %.1f× float's elements/s at n = %s (default, fast)" % (
                                "16-bit", need, size_label(n)), f32 / t >= need,
                                "%s %s %s %.2f×" % (function, tier, storage, f32 / t)))
        out += ["", "| function | storage | default | fast | three passes | torch | 64K table | "
                "three passes / default | torch / default | torch / fast | table / default | table / fast |",
                "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for function in funcs:
            for storage in STORAGES:
                d = results.get((function, DEFAULT, storage, n))
                f = results.get((function, FAST, storage, n))
                if d is None and f is None:
                    continue
                tp, _ = half_time(results, function, "three_pass", storage, n)
                tt, via = half_time(results, function, "torch", storage, n)
                tb, _ = half_time(results, function, "table", storage, n)
                out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    function, storage, fmt(d), fmt(f), fmt(tp), fmt(tt) + via if tt else "—", fmt(tb),
                    ratio(tp, d), ratio(tt, d), ratio(tt, f), ratio(tb, d), ratio(tb, f)))
                if d and tb:
                    targets.append(("default faster than the 64K table", tb / d > 1,
                                    "%s %s n = %s %.2f×" % (function, storage, size_label(n), tb / d)))
                if d and tt:
                    targets.append(("default faster than torch", tt / d > 1,
                                    "%s %s%s n = %s %.2f×" % (function, storage, via, size_label(n), tt / d)))
        out.append("")
    if targets:
        out += ["#### Targets", "", "Met / checked, then the misses (ratio = elements/s over the baseline's).", ""]
        out += target_lines(targets)
    return out


def target_lines(targets):
    """One line per goal of targets [(goal, met, text)]: met / checked, then the texts of the misses."""
    out = []
    for goal in OrderedDict((t[0], None) for t in targets):
        rows = [t for t in targets if t[0] == goal]
        misses = [t[2] for t in rows if not t[1]]
        out.append("- %s: %d / %d%s" % (goal, len(rows) - len(misses), len(rows),
                                        ("; missed: " + ", ".join(misses)) if misses else ""))
    return out + [""]


# ------------------------------------------------------ issue 11's targets --

# Peers that claim about 1 ULP (the precise tier's target: faster than each).
ONE_ULP_PEERS = ["sleef", "torch", "onednn"]
# A gated function's accuracy is read from its activation's row.
GATED_ACT = {"glu": "sigmoid", "swiglu": "silu", "geglu": "gelu", "geglu_tanh": "gelu_tanh"}
TIER_LETTER = {PRECISE: "p", DEFAULT: "d", FAST: "f"}


def load_accuracy(path):
    """A peer_accuracy.md report's "Max ULP error" table as {(function, variant): (normal, subnormal,
    special failures)} (None for a kernel that failed), and its header's "Flags" value."""
    labels = {"nonlin precise": PRECISE, "nonlin default": DEFAULT, "nonlin fast": FAST}
    labels.update({v: k for k, v in PEERS.items()})
    cell_re = re.compile(r"^([0-9.e+-]+) / ([0-9.e+-]+) \((\d+)\)$")
    acc, flags, columns, in_table = {}, None, None, False
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("- Flags: "):
                flags = line[len("- Flags: "):].strip("`")
            if line.startswith("## "):
                in_table = line == "## Max ULP error"
                continue
            if not in_table or not line.startswith("| "):
                continue
            cells = [c.strip() for c in line.strip("|").split("|")]
            if cells[0] == "function":
                columns = [labels.get(c) for c in cells[1:]]
                missing = [c for c, v in zip(cells[1:], columns) if v is None]
                if missing:
                    sys.exit("report.py: %s: unknown columns %s" % (path, ", ".join(missing)))
                continue
            if columns is None or cells[0].startswith("---"):
                continue
            function = cells[0].split(" (")[0]
            row = {}
            for variant, cell in zip(columns, cells[1:]):
                m = cell_re.match(cell)
                if m:
                    row[variant] = (float(m.group(1)), float(m.group(2)), int(m.group(3)))
                elif cell == "error":
                    row[variant] = None
            for variant, cell in zip(columns, cells[1:]):
                if cell == "= default" and DEFAULT in row:
                    row[variant] = row[DEFAULT]
            for variant, value in row.items():
                acc[(function, variant)] = value
    if not acc:
        sys.exit("report.py: %s has no 'Max ULP error' table" % path)
    return acc, flags


def as_accurate(a, b):
    """Whether accuracy a (normal, subnormal, special) is at least b's on every count."""
    if a is None:
        return False
    if b is None:
        return True
    return a[0] <= b[0] and a[1] <= b[1] and a[2] <= b[2]


def targets_section(results, order, sizes, accuracy):
    """Issue 11's speed targets on the uniform set, and, with the accuracy of every kernel, which
    (function, peer) pairs have a nonlin tier at least as fast and at least as accurate."""
    targets = []

    def check(goal, met, text):
        targets.append((goal, met, text))

    copy16m = results.get(("copy", "memcpy", "uniform", sizes[-1]))
    for n in sizes:
        big = n >= 1 << 24
        for function in order:
            best_t, best_p = fastest_peer(results, function, "uniform", n)
            d = results.get((function, DEFAULT, "uniform", n))
            f = results.get((function, FAST, "uniform", n))
            p = results.get((function, PRECISE, "uniform", n))
            if best_t and d and f:  # (the functions with tiers to trade)
                check("default ≥ 1.0× the fastest peer, n = %s" % size_label(n), best_t / d >= 1.0,
                      "%s %.2f× (%s)" % (function, best_t / d, PEERS[best_p]))
                check("fast ≥ 1.3× the fastest peer, n = %s" % size_label(n), best_t / f >= 1.3,
                      "%s %.2f× (%s)" % (function, best_t / f, PEERS[best_p]))
                # (bytes: a gated function moves 12 per element, memcpy 8)
                copy = copy16m * (1.5 if function in GATED_ACT else 1.0) if copy16m else None
                if big and copy and copy >= best_t:
                    check("fast ≥ 0.9× memcpy's bandwidth, n = %s (where memcpy is not faster than the fastest "
                          "peer)" % size_label(n), copy / f >= 0.9, "%s %.2f×" % (function, copy / f))
            for peer in ONE_ULP_PEERS:
                t = results.get((function, peer, "uniform", n))
                if p and t:
                    check("precise faster than SLEEF u10, torch and oneDNN, n = %s" % size_label(n), t / p > 1.0,
                          "%s %.2f× (%s)" % (function, t / p, PEERS[peer]))
            for variant, tier in ((DEFAULT, "default"), (FAST, "fast")):
                u = results.get((function, variant, "uniform", n))
                t = results.get((function, variant, "tails", n))
                if u and t and f:
                    check("tails ≤ 1.2× the uniform time (default, fast), n = %s" % size_label(n), t / u <= 1.2,
                          "%s %s %.2f" % (function, tier, t / u))
    out = ["### Targets (issue 11)", "",
           "Uniform inputs. Met / checked, then the misses (ratio = the peer's time over nonlin's, > 1: nonlin "
           "faster; memcpy: bytes per second over memcpy's; tails: time over the uniform time).", ""]
    out += target_lines(targets)
    if accuracy is None:
        return out
    acc, acc_path, acc_flags = accuracy
    out += ["#### Every (function, peer) pair: a nonlin tier at least as fast and at least as accurate", "",
            "A cell names the tiers (p precise, d default, f fast) at least as fast as the peer on uniform inputs "
            "and at least as accurate: max ULP error over normal results, over subnormal-or-zero results and "
            "special failures each no larger than the peer's, from `%s`%s. ✗: none; then the fastest tier that "
            "is as accurate and its speed ratio (peer's time over its), or \"none as accurate\". Gated rows "
            "compare the accuracy of the activation (glu: sigmoid, swiglu: silu, geglu: gelu, geglu_tanh: "
            "gelu_tanh), whose product with up each side rounds once more." % (
                acc_path, " (flags `%s`)" % acc_flags if acc_flags else ""), ""]
    for n in sizes:
        peers = [p for p in PEERS if any(k[1] == p and k[2] == "uniform" and k[3] == n for k in results)]
        out += ["n = %s:" % size_label(n), "", "| function | " + " | ".join(PEERS[p] for p in peers) + " |",
                "|---|" + "|".join(["---"] * len(peers)) + "|"]
        covered = total = 0
        misses = []
        for function in order:
            act = GATED_ACT.get(function, function)
            tiers = [v for v in (PRECISE, DEFAULT, FAST) if (function, v, "uniform", n) in results]
            if not tiers:
                continue
            row = [function + (" (by %s)" % act if act != function else "")]
            any_cell = False
            for peer in peers:
                tp = results.get((function, peer, "uniform", n))
                if tp is None or (act, peer) not in acc:
                    row.append("—")
                    continue
                any_cell = True
                total += 1
                good = [v for v in tiers if (act, v) in acc and as_accurate(acc[(act, v)], acc[(act, peer)])]
                fast_enough = [v for v in good if results[(function, v, "uniform", n)] <= tp]
                if fast_enough:
                    covered += 1
                    row.append("+".join(TIER_LETTER[v] for v in fast_enough))
                elif good:
                    best = min(good, key=lambda v: results[(function, v, "uniform", n)])
                    r = tp / results[(function, best, "uniform", n)]
                    row.append("✗ %s %.2f×" % (TIER_LETTER[best], r))
                    misses.append("%s/%s" % (function, PEERS[peer]))
                else:
                    row.append("✗ none as accurate")
                    misses.append("%s/%s" % (function, PEERS[peer]))
            if any_cell:
                out.append("| " + " | ".join(row) + " |")
        out += ["", "Covered at n = %s: %d of %d pairs." % (size_label(n), covered, total), ""]
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
    for function in order:
        for peer in PEERS:
            if (function, peer) in checks:
                out.append("| %s | %s | %s | %s |" % (function, PEERS[peer], checks[(function, peer)].replace("|", "\\|"),
                                                      impls.get((function, peer), "")))
    return out + [""]


INTRO = """\
# nonlin performance report

What is measured: the time per output element, in nanoseconds, of every
nonlin function applied to a float32 array of n elements (gated functions:
two input arrays, gate and up, one output) in each of its tiers (precise,
default, fast), beside the same function from other libraries ("peers"), all
in one `nonlin_bench` binary and one run, one thread each. Three input sets
run in the same binary: **uniform** in [-8, 8), **realistic** (normal, σ =
3, with 0.1 % outliers uniform in [-100, 100]: what pre-activations look
like) and **tails** (uniform in [-100, 100], where slow paths and the
microcode assists of subnormal values show). Buffers are 64-byte aligned and
reused, so 4K runs from cache and 16M (64 MiB per array) from memory, or
from a large L3. Peer setup (oneDNN primitives, XNNPACK operators, torch
tensors) happens outside the timed loop.

Peers (each built in only when CMake finds it; `NONLIN_BENCH_PEERS`): a
**std loop** (the textbook formula of the function's spec row over
`<cmath>`), **xsimd math** (the same formula on `xsimd::batch` with
`xsimd::exp/erf/tanh`), **oneDNN** eltwise primitives (gated: with a
`binary_mul` post-op where oneDNN has one), **XNNPACK** operators (clamp as
ReLU, leaky ReLU, sigmoid), **Eigen** `ArrayXf` expressions, **SLEEF** u10
vector functions in the textbook formulas, **torch** (libtorch ATen ops
into preallocated outputs).

The **16-bit storage** tables run the same kernels on bf16 and f16 buffers
(`nonlin::apply` on `nonlin::bf16` / `nonlin::f16`, one pass, the math in
float) beside three passes (widen, float apply, narrow), libtorch on 16-bit
tensors and a 64K lookup table.

"fastest peer" is the fastest of all peers; "peer / tier" is its time over
the tier's, so > 1 means that nonlin tier is faster. "copy BW" is memcpy's
time per element over nonlin's (gated functions read two arrays, so 67 %
there moves as many bytes per second as 100 % for a unary one).

Each machine section's "Targets (issue 11)" block checks the speed targets
of issue 11 and, given the accuracy of every kernel measured alike
(`benchmarks/peer_accuracy.sh`, passed as ACCURACY), counts the (function,
peer) pairs where a nonlin tier is at least as fast and at least as
accurate as the peer.

To reproduce (Debian 12; the peers are the packages libdnnl-dev,
ocl-icd-opencl-dev, libxnnpack-dev, libpthreadpool-dev, libeigen3-dev,
libsleef-dev, libtorch-dev): `benchmarks/compare.sh`. It replaces the
section of the machine it runs on and keeps the others.
"""

SECTION_START = re.compile(r'^<!-- nonlin-report machine="(.*)" -->$')
SECTION_END = "<!-- end nonlin-report -->"


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("json", help="nonlin_bench --benchmark_out file")
    p.add_argument("--command", help="the command that produced the JSON")
    p.add_argument("--compiler", help="compiler (default: JSON context nonlin_compiler)")
    p.add_argument("--flags", help="compile flags (default: JSON context nonlin_cxx_flags)")
    p.add_argument("--cpu", help="CPU model (default: /proc/cpuinfo model name)")
    p.add_argument("--real-time", action="store_true", help="use real time instead of CPU time")
    p.add_argument("--fastest", action="store_true",
                   help="the fastest repetition instead of the median (the JSON must hold every repetition)")
    p.add_argument("--note", action="append", help="a note for the header (repeatable)")
    p.add_argument("--markdown-out", metavar="FILE", help="write the report into FILE's section for this machine")
    p.add_argument("--accuracy", metavar="FILE",
                   help="a peer_accuracy.md of the same build: adds the (function, peer) pairs to the targets")
    p.add_argument("--half-only", action="store_true",
                   help="only the 16-bit storage tables, in a section of their own (key: machine; 16-bit storage)")
    args = p.parse_args(argv)

    context, results, order, cvs, repetitions = load(args.json, args.real_time, args.fastest)
    if not results:
        sys.exit("report.py: no nonlin_bench results in %s" % args.json)
    key = machine_key(args, context)
    if args.half_only:
        key += "; 16-bit storage"
        body = ["## %s" % key, ""] + header_lines(args, context, cvs, repetitions)
        body += ["", "ns per output element (lower is better); n in elements (K = 1024, M = 1024²).", ""]
        body += half_section(results, order)
        write_report(args, key, body)
        return
    sizes = sorted({k[3] for k in results if k[2] not in STORAGES})
    ends = [sizes[0], sizes[-1]] if len(sizes) > 1 else sizes
    body = ["## %s" % key, ""] + header_lines(args, context, cvs, repetitions)
    body += ["", "ns per output element (lower is better); n in floats (K = 1024, M = 1024²).", "",
             "### Summary", ""]
    for set_ in SETS:
        if any(k[2] == set_ for k in results):
            body += ["Input set **%s**: %s." % (set_, SET_TEXT[set_]), ""] + summary(results, order, set_, ends)
    accuracy = None
    if args.accuracy:
        acc, acc_flags = load_accuracy(args.accuracy)
        accuracy = (acc, os.path.relpath(args.accuracy, os.path.dirname(os.path.abspath(
            args.markdown_out)) if args.markdown_out else os.getcwd()), acc_flags)
    body += targets_section(results, order, ends, accuracy)
    body += ["### Data dependence", ""] + data_dependence(results, order, ends)
    body += half_section(results, order)
    body += ["### Every size and input set", ""]
    for set_ in SETS:
        body += full_tables(results, order, set_, sizes)
    checks = check_table(context, order)
    if checks:
        body += ["### Peer agreement with nonlin", "",
                 "Spot check at start-up on 4096 uniform inputs plus special values: max_err = max |peer − nonlin| "
                 "/ max(|nonlin|, 1), max_rel = max |peer − nonlin| / |nonlin| (|nonlin| ≥ FLT_MIN), over finite "
                 "inputs; disagreements = a NaN or infinity on one side only.", ""] + checks
    write_report(args, key, body)


def replace_section(old, key, mine):
    """old (a report's text) with the section of this key replaced by mine, in
    place, everything else kept as it is (other sections, and the text between
    them: build-time notes, A/B studies); appended where old has none. A new
    file starts with INTRO."""
    if old is None:
        return INTRO + "\n" + mine + "\n"
    lines = old.split("\n")
    for i, line in enumerate(lines):
        m = SECTION_START.match(line)
        if m and m.group(1) == key:
            j = i
            while j < len(lines) and lines[j] != SECTION_END:
                j += 1
            if j == len(lines):
                sys.exit("report.py: the section '%s' has no '%s' line" % (key, SECTION_END))
            return "\n".join(lines[:i] + mine.split("\n") + lines[j + 1:])
    return old.rstrip("\n") + "\n\n" + mine + "\n"


def write_report(args, key, body):
    """Prints the section and, with --markdown-out, replaces this key's section of that file."""
    text = "\n".join(body).rstrip() + "\n"
    sys.stdout.write(text)
    if args.markdown_out:
        mine = '<!-- nonlin-report machine="%s" -->\n%s%s' % (key, text, SECTION_END)
        old = None
        if os.path.exists(args.markdown_out):
            with open(args.markdown_out, encoding="utf-8") as f:
                old = f.read()
        with open(args.markdown_out, "w", encoding="utf-8") as f:
            f.write(replace_section(old, key, mine))


if __name__ == "__main__":
    main(sys.argv[1:])
