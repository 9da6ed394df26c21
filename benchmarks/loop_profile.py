#!/usr/bin/env python3
"""Runs nonlin_loop_profile, counts the instructions of every kernel's vector
loop in its disassembly, and writes benchmarks/loop_profile.md.

    python3 benchmarks/loop_profile.py BUILD_DIR [--reps R] [--out FILE]

BUILD_DIR is a configured benchmark build (benchmarks/run.sh's build-bench);
the script builds its nonlin_loop_profile target first.
Needs objdump and nm (binutils), x86-64.

How a loop is found: the kernel's entry point (printed by the program as an
offset from nonlin_loop_profile_anchor), the functions it calls directly (to
a depth of 3; tail calls included), and in them the innermost conditional
backward jump (no call, return or rep-string inside) whose body holds the
most vector instructions. Floats per iteration = vector stores in the body
times the lanes of the widest register they store. XNNPACK's kernel is
reached through a function pointer, so it is found in libXNNPACK itself: the
innermost loop holding both vscalefps and vdivps (its AVX-512 sigmoid; the
only such loop in Debian's build) with the most stores; in a build without
AVX-512, where XNNPACK is held to the build's ISA and runs another loop, its
instruction counts are left out.
"""
import argparse
import csv
import datetime
import io
import os
import platform
import re
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from cfg_loops import natural_loops, shortest_trip  # noqa: E402
from report import cpu_model  # noqa: E402

INSN = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")
FUNC = re.compile(r"^([0-9a-f]+) <(.+)>:$")


def disassemble(path):
    """{start address: (name, [(addr, mnemonic, operands)])} of every function."""
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", "-M", "intel", path], check=True,
                         capture_output=True, text=True).stdout
    funcs, cur = {}, None
    for line in out.splitlines():
        m = FUNC.match(line)
        if m:
            cur = (m.group(2), [])
            funcs[int(m.group(1), 16)] = cur
            continue
        m = INSN.match(line)
        if m and cur is not None:
            cur[1].append((int(m.group(1), 16), m.group(2), m.group(3)))
    return funcs


def symbol(path, name):
    for line in subprocess.run(["nm", path], check=True, capture_output=True, text=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name:
            return int(parts[0], 16)
    raise SystemExit(f"loop_profile.py: {name} not found in {path}")


def is_vector(op, args):
    return bool(re.search(r"\b[xyz]mm\d+", args)) and op.startswith("v")


def lanes(op, args):
    if re.search(r"(ss|sd|d|q)$", op) and not re.search(r"(dq|dqa|dqu)\d*$|p[sd]$", op):
        return 1  # vmovss, vmovd, vmovq: one element
    for reg, n in (("zmm", 16), ("ymm", 8), ("xmm", 4)):
        if reg in args:
            return n
    return 0


def is_store(op, args):
    """A vector store to the caller's buffers (not a spill to the stack)."""
    dest = args.split(",")[0]
    return op.startswith("vmov") and "PTR [" in dest and not re.search(r"\[r[sb]p", dest)


def loops(insns):
    """Innermost natural loops as (instructions, shortest trip): a back edge
    is a jump s -> h whose target h dominates s (every path from the function
    entry to s passes through h); the loop of header h is h and every
    instruction that reaches one of its back edges without passing through h.
    Blocks need not be contiguous (a compiler may place a rare path apart).
    Loops holding another loop's header, a call, a return or a string
    instruction are left out. The shortest trip is the fewest instructions
    from h back to h."""
    index = {a: i for i, (a, _, _) in enumerate(insns)}
    n = len(insns)
    succ = [[] for _ in range(n)]
    padding = False  # nops after a jmp/ret: alignment, not code anything runs
    for i, (a, op, args) in enumerate(insns):
        is_nop = op in ("nop", "int3") or op.endswith("nop") or (op in ("cs", "data16", "xchg") and "nop" in args)
        padding = is_nop and (padding or (i > 0 and insns[i - 1][1] in ("jmp", "ret", "ud2")))
        t = re.match(r"([0-9a-f]+)", args) if op.startswith("j") else None
        if t and int(t.group(1), 16) in index:
            succ[i].append(index[int(t.group(1), 16)])
        if op not in ("jmp", "ret", "ud2") and not padding and i + 1 < n:
            succ[i].append(i + 1)
    out = []
    found = natural_loops(succ)
    for h, body in found.items():
        if any(h2 != h and h2 in body for h2 in found):
            continue
        ins = [insns[i] for i in sorted(body)]
        if any(op in ("call", "ret") or op.startswith("rep") for _, op, _ in ins):
            continue
        path = [insns[i] for i in shortest_trip(succ, h, body)]
        out.append((ins, path or ins))
    return out


def calls(insns, funcs):
    for _, op, args in insns:
        if op in ("call", "jmp"):  # jmp: a tail call, or a jump within the function (not in funcs)
            t = re.match(r"([0-9a-f]+) <", args)
            if t and int(t.group(1), 16) in funcs and "@plt" not in args:
                yield int(t.group(1), 16)


def kernel_loop(entry, funcs):
    """The candidate vector loops of a kernel: those storing the widest
    vectors, the plain loop rather than the streaming one (n = 4096 runs the
    plain one). Eigen keeps an aligned and an unaligned loop, which need not
    be the same instructions; the report gives the range over them."""
    seen, todo, bodies = set(), [(entry, 0)], []
    while todo:
        addr, depth = todo.pop()
        if addr in seen or addr not in funcs:
            continue
        seen.add(addr)
        insns = funcs[addr][1]
        bodies += loops(insns)
        if depth < 3:
            todo += [(c, depth + 1) for c in calls(insns, funcs)]

    def width(b):
        return max([lanes(op, args) for _, op, args in b[1] if is_store(op, args) and is_vector(op, args)] or [0])

    bodies = [b for b in bodies if width(b) > 1]
    plain = [b for b in bodies if not any(op.startswith("vmovnt") for _, op, _ in b[0])]
    bodies = plain or bodies
    if not bodies:
        return []
    widest = max(width(b) for b in bodies)
    return [b for b in bodies if width(b) == widest]


CLASSES = [
    ("fma/mul", re.compile(r"^vf(n)?m(add|sub)|^vmulp")),
    ("add/sub/min/max", re.compile(r"^v(add|sub|min|max)p")),
    ("div/rcp", re.compile(r"^v(div|rcp|sqrt|rsqrt)")),
    ("load/store/move", re.compile(r"^v(mov|broadcast)")),
]


def profile(loop):
    """Instruction counts of a loop (body, shortest trip), per 16 floats
    stored by one trip."""
    body, trip = loop
    st = [lanes(op, args) for _, op, args in trip if is_store(op, args) and is_vector(op, args)]
    floats = sum(st) if st else 16
    per = 16.0 / floats
    counts = {name: 0 for name, _ in CLASSES}
    counts["other vector"] = 0
    counts["scalar"] = 0
    for _, op, args in body:
        if not is_vector(op, args):
            counts["scalar"] += 1
            continue
        for name, rx in CLASSES:
            if rx.search(op):
                counts[name] += 1
                break
        else:
            counts["other vector"] += 1
    return {k: v * per for k, v in counts.items()}, len(body) * per, len(trip) * per


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("build_dir")
    ap.add_argument("--reps", default="31")
    ap.add_argument("--out", default=os.path.join(here, "loop_profile.md"))
    args = ap.parse_args(argv)
    exe = os.path.join(args.build_dir, "benchmarks", "nonlin_loop_profile")
    # (re)build it first: a stale binary would be reported under today's revision
    subprocess.run(["cmake", "--build", args.build_dir, "--target", "nonlin_loop_profile"], check=True,
                   stdout=subprocess.DEVNULL)
    load = os.getloadavg()
    started = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    run = subprocess.run([exe, "--reps", args.reps], check=True, capture_output=True, text=True)
    text = run.stdout
    ghz = [float(x) for x in re.search(r"^# clock_ghz,(.*)$", text, re.M).group(1).split(",")]
    rows = list(csv.DictReader(io.StringIO("\n".join(l for l in text.splitlines() if not l.startswith("#")))))
    clock = sum(ghz) / len(ghz)

    funcs = disassemble(exe)
    anchor = symbol(exe, "nonlin_loop_profile_anchor")
    xnn_body = None
    # Held to a build without AVX-512 (peers/xnnpack_isa.hpp), XNNPACK runs
    # another loop, which is not looked for: its counts are left out.
    xnn_held = "held to this build's ISA" in run.stderr
    if any(r["kind"] == "xnnpack" for r in rows) and not xnn_held:
        ldd = subprocess.run(["ldd", exe], check=True, capture_output=True, text=True).stdout
        m = re.search(r"libXNNPACK\S*\s+=>\s+(\S+)", ldd)
        if m:
            cands = []
            for _, (_, insns) in disassemble(m.group(1)).items():
                for b in loops(insns):
                    ops = " ".join(op for _, op, _ in b[0])
                    if "vscalefps" in ops and "vdivps" in ops:
                        cands.append(b)
            if cands:
                xnn_body = max(cands, key=lambda b: sum(is_store(op, a) for _, op, a in b[0]))

    relu_lat = next(float(r["latency_ns"]) for r in rows if r["kind"] == "nonlin" and r["name"] == "relu")
    flags = ""
    cache = os.path.join(args.build_dir, "CMakeCache.txt")
    compiler = ""
    if os.path.exists(cache):
        for line in open(cache, encoding="utf-8"):
            if line.startswith("CMAKE_CXX_FLAGS:"):
                flags = line.split("=", 1)[1].strip()
            if line.startswith("CMAKE_CXX_COMPILER:"):
                cxx = line.split("=", 1)[1].strip()
                compiler = subprocess.run([cxx, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    # the revision of the code measured: generated reports (benchmarks/*.md)
    # being rewritten do not make it "dirty"
    git = subprocess.run(["git", "-C", here, "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True).stdout.strip()
    changed = subprocess.run(["git", "-C", os.path.dirname(here), "status", "--porcelain", "--untracked-files=no",
                              "--", "include", "benchmarks", ":(exclude)benchmarks/*.md"],
                             capture_output=True, text=True).stdout.strip()
    if git and changed:
        git += "-dirty"

    out = []
    w = out.append
    w("# Where the time goes: instructions, latency and throughput per kernel")
    w("")
    w("Generated by `benchmarks/loop_profile.py` (which runs `nonlin_loop_profile`, built from")
    w("`benchmarks/loop_profile.cpp`); do not edit by hand. The analysis that uses")
    w("these figures is in benchmarks/README.md, \"Issue 11's targets on the AMD EPYC\".")
    w("")
    w("- Command: `python3 benchmarks/loop_profile.py " + args.build_dir + "`"
      f" (`nonlin_loop_profile --reps {args.reps}`)")
    w(f"- Compiler: {compiler or 'unknown'}; flags: `{flags}` (Release)")
    w(f"- nonlin: git {git or 'unknown'}")
    w(f"- CPU: {cpu_model()} ({os.cpu_count()} CPUs, {platform.machine()}); core clock measured by the"
      f" program: {ghz[0]:.2f} GHz before, {ghz[1]:.2f} GHz after (dependent integer adds)")
    w(f"- Date: {started.isoformat()}; load average at start {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}")
    w("- One thread. Throughput: n = 4096 floats, 64-byte aligned, inputs uniform in [-8, 8), best of"
      f" {args.reps} loops of 400 calls. Latency: one 16-float vector fed back through the kernel in place,"
      f" best of {args.reps} runs of 25600 calls; \"chain\" is that time minus nonlin relu's"
      f" ({relu_lat:.2f} ns: the call, the load and the store-to-load forwarding), so it is the kernel's own"
      " dependency chain from input to output.")
    w("")
    w("Columns: instructions per 16 floats in the kernel's loop (as disassembled; a load folded into an")
    w("arithmetic instruction counts once). A range means the loop has a branch inside or the kernel has")
    w("more than one candidate loop (Eigen's aligned and unaligned ones): shortest trip to largest body;")
    w("the split by kind is of the largest body. Cycles per 16 floats at the measured clock;")
    w("IPC = instructions per cycle; in flight = chain / cycles per 16 floats, the number of vectors the")
    w("core overlaps.")
    w("")
    w("| kernel | function | insns / 16 floats | fma/mul | add/sub/min/max | div/rcp | other vector |"
      " load/store/move | scalar | ns / element | cycles / 16 floats | IPC | chain (cycles) | in flight |")
    w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if r["kind"] == "xnnpack":
            cands = [xnn_body] if xnn_body is not None else []
        else:
            cands = kernel_loop(anchor + int(r["entry"]), funcs)
        ns = float(r["ns_per_element"])
        cyc = ns * 16 * clock
        lat = float(r["latency_ns"])
        chain = (lat - relu_lat) * clock if lat >= 0 else None
        if cands:
            profs = [profile(b) for b in cands]
            lo = min(p[2] for p in profs)  # shortest trip of any candidate
            hi = max(p[1] for p in profs)  # largest body of any candidate
            c = max(profs, key=lambda p: p[1])[0]
            counts = [f"{hi:.0f}" if lo == hi else f"{lo:.0f}–{hi:.0f}"] + [f"{c[k]:.1f}" for k in
                                         ("fma/mul", "add/sub/min/max", "div/rcp", "other vector",
                                          "load/store/move", "scalar")]
            ipc = f"{hi / cyc:.2f}" if lo == hi else f"{lo / cyc:.2f}–{hi / cyc:.2f}"
        else:
            counts = ["—"] * 7
            ipc = "—"
        name = r["name"] + (" (β = 1.702)" if r["name"].split("::")[-1] == "swish" else "")
        tier = r["name"].split("::")[0] if "::" in r["name"] else "default"
        kind = {"nonlin": "nonlin " + tier, "eigen": "Eigen", "xnnpack": "XNNPACK"}[r["kind"]]
        # below 1 cycle (relu-like kernels, or a call path cheaper than
        # nonlin relu's): the chain is within the baseline's noise
        w(f"| {kind} | {name} | " + " | ".join(counts) + f" | {ns:.4f} | {cyc:.1f} | {ipc} | "
          + ("—" if chain is None else "< 1" if chain < 1 else f"{chain:.0f}") + " | "
          + ("—" if chain is None or chain < 1 else f"{chain / cyc:.1f}") + " |")
    w("")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main(sys.argv[1:])
