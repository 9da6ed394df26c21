#!/usr/bin/env python3
"""Instructions per vector of each kernel's loop, NEON beside AVX2.

    python3 benchmarks/loop_count.py [--out DIR] [PROGRAM ...]

Without PROGRAMs it builds benchmarks/loop_kernels.cpp (one extern "C"
noinline function kern_<name> per float kernel of the default and fast
tiers: nonlin::apply of that functor) five ways -- aarch64-linux-gnu-g++
-O2 and -O3 and clang++-16 --target=aarch64-linux-gnu -O2 (NEON; clang
is the compiler of scripts/test.sh's neon build), g++ -O3
-march=x86-64-v3 and clang++-16 -O3 -march=x86-64-v3 (AVX2) -- into DIR (default build/loop-count) and prints
one markdown table, the builds side by side. The NEON programs are run
under qemu-aarch64 when it is there (a smoke test: they must run).

For each kern_ function the disassembly (objdump, or aarch64-linux-gnu-
objdump for an AArch64 ELF) is split into natural loops (dominators, back
edges), its own and those of the functions it calls (to a depth of 3). A
loop is counted by its shortest trip through its header: the common path,
without the rare-lane fix-ups behind a branch. The kernel's loop is the one
whose trip stores the widest vectors to the caller's buffer (not the
stack), the plain one rather than x86's streaming one, the innermost (not
a loop around another such loop), the longest trip of those. If that trip
calls a function (a kernel the compiler left out of line), the callee's
straight-line instructions are added and the cell is marked "+call". A
loop inside the kernel's loop (run on every trip, but counted once in
its shortest trip) marks the cell "+loop".

"per vector" is per output register stored (NEON 4 floats, AVX2 8, SVE
N/32); "per 16" is per 16 floats. Speed itself is not measured: the
aarch64 programs only run under emulation here.

--sve DIR adds an SVE build (-march=armv8.2-a+sve -msve-vector-bits=N,
N = --sve-bits, default 256) against the xsimd headers in DIR, which must
have an SVE target (xsimd 13 or later; Debian 12's 8.1 has none); it is run
under qemu-aarch64 -cpu max at that vector length.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cfg_loops import natural_loops, shortest_trip  # noqa: E402

INSN = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")
FUNC = re.compile(r"^([0-9a-f]+) <(.+)>:$")


def elf_machine(path):
    with open(path, "rb") as f:
        h = f.read(20)
    m = int.from_bytes(h[18:20], "little")
    return {62: "x86_64", 183: "aarch64"}.get(m, "unknown")


def disassemble(path, arch):
    if arch == "aarch64":
        cmd = ["aarch64-linux-gnu-objdump", "-d", "--no-show-raw-insn", path]
    else:
        cmd = ["objdump", "-d", "--no-show-raw-insn", "-M", "intel", path]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    funcs, names, cur = {}, {}, None
    for line in out.splitlines():
        m = FUNC.match(line)
        if m:
            cur = (m.group(2), [])
            funcs[int(m.group(1), 16)] = cur
            names[m.group(2)] = int(m.group(1), 16)
            continue
        m = INSN.match(line)
        if m and cur is not None:
            args = m.group(3).split("//")[0].strip() if arch == "aarch64" else m.group(3)
            cur[1].append((int(m.group(1), 16), m.group(2), args))
    return funcs, names


class X86:
    name = "x86-64"
    uncond = ("jmp", "ret", "ud2")
    calls = ("call",)

    @staticmethod
    def target(op, args):
        if op.startswith("j") or op == "call":
            t = re.match(r"([0-9a-f]+) <", args)
            return int(t.group(1), 16) if t else None
        return None

    @staticmethod
    def is_nop(op, args):
        return op in ("nop", "int3") or op.endswith("nop") or (op in ("cs", "data16", "xchg") and "nop" in args)

    @staticmethod
    def is_vector(op, args):
        return bool(re.search(r"\b[xyz]mm\d+", args)) and op.startswith("v")

    @staticmethod
    def lanes(op, args):
        if re.search(r"(ss|sd|d|q)$", op) and not re.search(r"(dq|dqa|dqu)\d*$|p[sd]$", op):
            return 1
        for reg, n in (("zmm", 16), ("ymm", 8), ("xmm", 4)):
            if reg in args:
                return n
        return 0

    @staticmethod
    def stores(op, args):
        """Floats stored to the caller's buffer by this instruction (0 if none)."""
        dest = args.split(",")[0]
        if op.startswith("vmov") and "PTR [" in dest and not re.search(r"\[r[sb]p", dest) \
                and X86.is_vector(op, args):
            return X86.lanes(op, args)
        return 0

    CLASSES = [
        ("fma/mul", re.compile(r"^vf(n)?m(add|sub)|^vmulp")),
        ("add/sub/min/max", re.compile(r"^v(add|sub|min|max)p")),
        ("div/rcp", re.compile(r"^v(div|rcp|sqrt|rsqrt)")),
        ("compare/select/logic", re.compile(r"^v(cmp|blendv|pand|pandn|por|pxor|and|or|xor|pternlog|fixupimm|fpclass)")),
        ("load/store/move", re.compile(r"^v(mov|broadcast|pbroadcast)")),
    ]


# Floats per SVE z register in the programs analysed (--sve-bits / 32).
SVE_FLOATS = 8


class A64:
    name = "aarch64"
    uncond = ("b", "br", "ret")
    calls = ("bl", "blr")

    @staticmethod
    def target(op, args):
        if op in ("b", "bl") or op.startswith("b.") or op in ("cbz", "cbnz", "tbz", "tbnz"):
            t = re.search(r"\b([0-9a-f]+) <", args)
            return int(t.group(1), 16) if t else None
        return None

    @staticmethod
    def is_nop(op, args):
        return op in ("nop", "udf")

    @staticmethod
    def is_vector(op, args):
        return bool(re.search(r"\bv\d+\.\d*[bhsd]\b|\bq\d+\b|\bz\d+\b|\bp\d+\b", args))

    @staticmethod
    def stores(op, args):
        # Output stores are single q-register stores (str q / st1); an stp of
        # two q registers in these loops is GCC keeping a temporary on the
        # stack through an address register (seen with x4/x6), not output.
        # (SVE: st1w of one z register, or str z: SVE_FLOATS floats.)
        if op not in ("str", "stur", "st1", "st1w"):
            return 0
        if not re.search(r"\bq\d+\b|\bv\d+\.|\bz\d+\b", args):
            return 0
        mem = args[args.index("["):] if "[" in args else ""
        if re.match(r"\[sp\b|\[x29\b", mem):
            return 0  # a spill
        if re.search(r"\bz\d+\b", args.split("[")[0]):
            return SVE_FLOATS
        regs = len(re.findall(r"\bq\d+\b", args.split("[")[0])) or 1
        return 4 * regs

    CLASSES = [
        ("fma/mul", re.compile(r"^f(n)?ml[as]|^fn?m(add|sub)$|^f(n)?mul|^fn?ma[sd]$|^fn?ml[as]$")),
        ("add/sub/min/max", re.compile(r"^f(add|sub|min|max|minnm|maxnm|abd|neg|abs)$")),
        ("div/rcp", re.compile(r"^f(div|recpe|recps|sqrt|rsqrte|rsqrts)$")),
        ("compare/select/logic", re.compile(r"^(fcm|cm|bsl|bif|bit$|and$|orr$|eor$|bic$|orn$|not$|mvn$|sel$|"
                                            r"ptest|ptrue|ands$|bics$)")),
        ("load/store/move", re.compile(r"^(ldr|str|ldp|stp|ldur|stur|ld1|st1|mov|dup|movi|fmov|ins|umov|movprfx)")),
    ]


def loops(insns, isa):
    """Natural loops as (instructions, shortest trip). Loops whose trip
    holds a return or a rep-string instruction are left out; loops with a
    call are kept (the caller adds the callee)."""
    index = {a: i for i, (a, _, _) in enumerate(insns)}
    n = len(insns)
    succ = [[] for _ in range(n)]
    padding = False
    for i, (a, op, args) in enumerate(insns):
        nop = isa.is_nop(op, args)
        padding = nop and (padding or (i > 0 and insns[i - 1][1] in isa.uncond))
        if op not in isa.calls:
            t = isa.target(op, args)
            if t is not None and t in index:
                succ[i].append(index[t])
        if op not in isa.uncond and not padding and i + 1 < n:
            succ[i].append(i + 1)
    out = []
    for h, body in natural_loops(succ).items():
        ins = [insns[i] for i in sorted(body)]
        path = [insns[i] for i in shortest_trip(succ, h, body)] or ins
        if any(op == "ret" or op.startswith("rep") for _, op, _ in path):
            continue
        out.append((ins, path))
    return out


def callees(insns, funcs, isa):
    for _, op, args in insns:
        if op in isa.calls or op in ("jmp", "b"):
            t = isa.target(op, args)
            if t is not None and t in funcs and "@plt" not in args:
                yield t


def kernel_loop(entry, funcs, isa):
    """The kernel's main loop: the loop storing the most floats per trip to
    the caller's buffer, the plain one rather than the streaming one (x86
    vmovnt). Returns (body, trip, callee name or None)."""
    seen, todo, cands = set(), [(entry, 0)], []
    while todo:
        addr, depth = todo.pop()
        if addr in seen or addr not in funcs:
            continue
        seen.add(addr)
        insns = funcs[addr][1]
        cands += loops(insns, isa)
        if depth < 3:
            todo += [(c, depth + 1) for c in callees(insns, funcs, isa)]

    def floats(b):
        return sum(isa.stores(op, a) for _, op, a in b[1])

    def width(b):
        return max([isa.stores(op, a) for _, op, a in b[1]] or [0])

    every = list(cands)
    cands = [b for b in cands if floats(b) > 0]
    plain = [b for b in cands if not any(op.startswith("vmovnt") or op == "stnp" for _, op, _ in b[1])]
    cands = plain or cands
    if not cands:
        return None
    widest = max(width(b) for b in cands)
    cands = [b for b in cands if width(b) == widest]
    # innermost: a loop around another candidate (the bulk loops' outer
    # loop, whose trip is the vector recomputed for its rare lanes) is not
    # the kernel's loop
    addrs = [set(a for a, _, _ in b[0]) for b in cands]
    cands = [b for i, b in enumerate(cands) if not any(j != i and addrs[j] < addrs[i] for j in range(len(cands)))]
    body, trip = max(cands, key=lambda b: len(b[1]))
    # an out-of-line kernel called on every trip: add the callee
    # (straight-line code up to its ret); calls on a rarer path (the
    # rare-lane fix-ups) are not counted
    callee = None
    extra = []
    for _, op, args in trip:
        if op in isa.calls:
            t = isa.target(op, args)
            if t is not None and t in funcs:
                callee = funcs[t][0]
                for ins in funcs[t][1]:
                    extra.append(ins)
                    if ins[1] == "ret":
                        break
    # loops inside the kernel's loop: their trips count once in the shortest trip
    inside = set(a for a, _, _ in body)
    inner = sum(1 for b in every if set(a for a, _, _ in b[0]) < inside)
    return body + extra, trip + extra, callee, floats((body, trip)), widest, inner


def classify(insns, isa):
    counts = {name: 0 for name, _ in isa.CLASSES}
    counts["other vector"] = 0
    counts["scalar/branch"] = 0
    for _, op, args in insns:
        if not isa.is_vector(op, args) and not re.search(r"\b[qsdz]\d+\b", args):
            counts["scalar/branch"] += 1
            continue
        for name, rx in isa.CLASSES:
            if rx.search(op):
                counts[name] += 1
                break
        else:
            counts["other vector"] += 1
    return counts


def analyse(path):
    arch = elf_machine(path)
    isa = A64 if arch == "aarch64" else X86
    funcs, names = disassemble(path, arch)
    rows = []
    for name in sorted((n for n in names if n.startswith("kern_")), key=lambda n: names[n]):
        r = kernel_loop(names[name], funcs, isa)
        if r is None:
            rows.append((name[5:].replace("fast_", "fast::", 1), None))
            continue
        body, trip, callee, floats, width, inner = r
        rows.append((name[5:].replace("fast_", "fast::", 1),
                     dict(body=len(trip), full=len(body), floats=floats, width=width, callee=callee,
                          inner=inner, counts=classify(trip, isa))))
    return arch, isa, rows



BUILDS = [
    # (file name, compiler, flags)
    ("neon-gcc12-O2", "aarch64-linux-gnu-g++", ["-O2", "-static"]),
    ("neon-gcc12-O3", "aarch64-linux-gnu-g++", ["-O3", "-static"]),
    ("neon-clang16-O2", "clang++-16", ["--target=aarch64-linux-gnu", "-O2", "-static"]),
    ("avx2-gcc12-O3", "g++", ["-O3", "-march=x86-64-v3"]),
    ("avx2-clang16-O3", "clang++-16", ["-O3", "-march=x86-64-v3"]),
]


def build(out, sve_dir=None, sve_bits=256):
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    os.makedirs(out, exist_ok=True)
    progs = []
    builds = list(BUILDS)
    if sve_dir:
        builds.append((f"sve{sve_bits}-gcc12-O3", "aarch64-linux-gnu-g++",
                       ["-O3", "-static", "-march=armv8.2-a+sve", f"-msve-vector-bits={sve_bits}",
                        "-I", os.path.abspath(sve_dir)]))
    for name, cxx, flags in builds:
        if not shutil.which(cxx):
            print(f"loop_count: {cxx} not found, {name} left out", file=sys.stderr)
            continue
        exe = os.path.join(out, name)
        cmd = [cxx, "-std=c++17", "-DNDEBUG", *flags, "-I", os.path.join(root, "include"),
               os.path.join(here, "loop_kernels.cpp"), "-o", exe]
        print("$ " + " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, check=True)
        if name.startswith("neon") and shutil.which("qemu-aarch64"):
            subprocess.run(["qemu-aarch64", exe], check=True, stdout=subprocess.DEVNULL)
        if name.startswith("sve") and shutil.which("qemu-aarch64"):
            cpu = f"max,sve{sve_bits}=on,sve-default-vector-length={sve_bits // 8}"
            subprocess.run(["qemu-aarch64", "-cpu", cpu, exe], check=True, stdout=subprocess.DEVNULL)
        progs.append(exe)
    return progs


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("programs", nargs="*")
    ap.add_argument("--out", default="build/loop-count")
    ap.add_argument("--by-kind", action="store_true", help="per program: the split of each loop by kind")
    ap.add_argument("--sve", metavar="XSIMD_INCLUDE_DIR", help="add an SVE build against this xsimd")
    ap.add_argument("--sve-bits", type=int, default=256, help="SVE vector length of --sve and of SVE programs")
    args = ap.parse_args(argv)
    global SVE_FLOATS
    SVE_FLOATS = args.sve_bits // 32
    progs = args.programs or build(args.out, args.sve, args.sve_bits)
    results = [(p,) + analyse(p) for p in progs]
    if args.by_kind:
        for path, arch, isa, rows in results:
            print(f"== {path} ({arch})")
            for name, r in rows:
                if r is None:
                    print(f"{name:18s} no loop found")
                    continue
                print(f"{name:18s} {r['body']:4d} insns/trip, {r['floats']:3d} floats/trip  "
                      + ("(+call) " if r["callee"] else "")
                      + (f"(+{r['inner']} inner loops) " if r["inner"] else "")
                      + ", ".join(f"{k} {v}" for k, v in r["counts"].items() if v))
        return
    print("| kernel | " + " | ".join(f"{os.path.basename(p)}: / vector | / 16" for p, _, _, _ in results) + " |")
    print("|---|" + "---:|---:|" * len(results))
    order = ["relu", "leaky_relu", "relu6", "hardsigmoid", "hardswish", "tanh", "sigmoid", "gelu", "gelu_tanh",
             "silu", "swish", "glu", "swiglu", "geglu", "geglu_tanh"]
    order += ["fast::" + n for n in order[5:]]
    names = sorted((n for n, _ in results[0][3]), key=lambda n: order.index(n) if n in order else 99)
    for n in names:
        cells = []
        for _, arch, isa, rows in results:
            r = dict(rows).get(n)
            if not r:
                cells += ["—", "—"]
                continue
            nvec = r["floats"] / r["width"]
            mark = (" +call" if r["callee"] else "") + (" +loop" if r["inner"] else "")
            cells += [f"{r['body'] / nvec:.0f}{mark}", f"{r['body'] * 16 / r['floats']:.0f}"]
        print(f"| {n} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
