#!/usr/bin/env python3
"""Generate the reference tables of tests/test_accuracy.cpp.

    python3 scripts/gen_reference.py            (from the repository root)

rewrites
    tests/data/reference_float.inc        unary functions, float inputs
    tests/data/reference_double.inc       unary functions, double inputs
    tests/data/reference_gated_float.inc  gated functions, float inputs
    tests/data/reference_gated_double.inc gated functions, double inputs

Needs python3-mpmath (Debian/Ubuntu: apt-get install python3-mpmath).

Every input is an exact float (resp. double). Its reference is the exact
function value of that input, computed by mpmath with 50 significant digits
(about 166 bits) and stored as a double-double pair hi + lo written as C++
hexadecimal floating literals, so the tests need no Python and no decimal
conversion. hi is the correctly rounded double; lo is the rest, rounded to
double -- except in the double tables when |hi| < 2^-960 (results at the
bottom of double's range, where lo would itself underflow): there lo is a
long double literal (suffix L, 64-bit significand), exact on x86-64 and
AArch64 Linux; where long double is double it loses the rest (<= 0.5 ULP of
error in those few references).

Conventions
  * alpha (leaky_relu), beta (swish) are rounded to the argument type first,
    as the functors do: float tables use float(0.01), float(1.702), ...
  * gelu_tanh is 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) with the
    decimal 0.044715 and sqrt(2/pi) exact, evaluated as x / (1 + exp(-2u)).
  * NaN, +-inf and +-0 inputs get the value of the mathematical limit with
    the IEEE sign, e.g. gelu(-inf) = -0, sigmoid(-inf) = +0, relu(-0) = -0.
  * A result that rounds beyond the type's largest finite value is stored as
    +-inf. A result that is too small for any format (|v| < 2^-16500) is
    stored as a zero carrying the sign of the exact value.
  * Gated: ref = act(gate) * up with IEEE rules for the special operands
    (0 * inf = NaN). Pairs with an infinite up and a gate whose activation
    rounds to zero in the type are left out (the limit is not meaningful).

The script is deterministic (fixed seeds, no dependence on hash order).
"""

import math
import os
import random
import struct
import sys
import time
import zlib

try:
    from mpmath import mp, mpf
except ImportError:  # pragma: no cover
    sys.exit("gen_reference.py needs mpmath (apt-get install python3-mpmath)")

mp.dps = 50

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "tests", "data")

INF = float("inf")
NAN = float("nan")


# --------------------------------------------------------------------------
# Floating-point types

class FType:
    def __init__(self, name, p, emin_ulp, emax, suffix):
        self.name = name          # "float" / "double"
        self.p = p                # significand bits
        self.emin_ulp = emin_ulp  # exponent of the smallest subnormal
        self.emax = emax          # exponent of the largest binade
        self.suffix = suffix      # literal suffix

    def round(self, x):
        """Round a Python float (double) to this type, to nearest."""
        if self.name == "double":
            return x
        if math.isnan(x) or math.isinf(x):
            return x
        try:
            return struct.unpack("<f", struct.pack("<f", x))[0]
        except OverflowError:
            return math.copysign(INF, x)

    @property
    def max(self):
        return math.ldexp(2.0 ** self.p - 1, self.emax - self.p + 1)

    @property
    def min_normal(self):
        return math.ldexp(1.0, self.emin_ulp + self.p - 1)

    @property
    def denorm_min(self):
        return math.ldexp(1.0, self.emin_ulp)


FLOAT = FType("float", 24, -149, 127, "f")
DOUBLE = FType("double", 53, -1074, 1023, "")
LONG_DOUBLE_P, LONG_DOUBLE_EMIN_ULP = 64, -16445


# --------------------------------------------------------------------------
# Exact binary values: (neg, m, e) means (-1)^neg * m * 2^e, m >= 0 an integer.

def exact_of_mpf(v):
    s, m, e, _ = v._mpf_
    if m == 0:
        raise ValueError("zero/special mpf")
    return (s, m, e)


def exact_of_float(x):
    m, e = math.frexp(abs(x))
    mi = int(m * (1 << 53))
    return (1 if math.copysign(1.0, x) < 0 else 0, mi, e - 53)


def round_exact(v, p, emin_ulp):
    """Round to nearest, ties to even, to p bits with subnormals at 2^emin_ulp."""
    neg, m, e = v
    if m == 0:
        return v
    top = e + m.bit_length() - 1
    q = max(top - p + 1, emin_ulp)
    if e >= q:
        return v
    shift = q - e
    r = m >> shift
    rem = m & ((1 << shift) - 1)
    half = 1 << (shift - 1)
    if rem > half or (rem == half and (r & 1)):
        r += 1
    return (neg, r, q)


def sub_exact(a, b):
    """a - b, exactly."""
    an, am, ae = a
    bn, bm, be = b
    if bm == 0:
        return a
    e = min(ae, be)
    ai = (-am if an else am) << (ae - e)
    bi = (-bm if bn else bm) << (be - e)
    d = ai - bi
    return (1 if d < 0 else 0, abs(d), e)


def top_exp(v):
    return v[2] + v[1].bit_length() - 1


def hexlit(v, suffix=""):
    """C++ hexadecimal floating literal of an exact binary value."""
    neg, m, e = v
    sign = "-" if neg else ""
    if m == 0:
        return sign + "0x0p+0" + suffix
    bc = m.bit_length()
    exp = e + bc - 1
    frac = m - (1 << (bc - 1))
    nbits = bc - 1
    pad = (-nbits) % 4
    frac <<= pad
    ndig = (nbits + pad) // 4
    digits = ("%0*x" % (ndig, frac)).rstrip("0") if ndig else ""
    mant = "0x1." + digits if digits else "0x1"
    return "%s%sp%+d%s" % (sign, mant, exp, suffix)


def float_literal(x, t):
    """Literal of an input of type t (an exact value of t)."""
    if math.isnan(x):
        nm = "REF_NAN_F" if t is FLOAT else "REF_NAN"
        return ("-" if math.copysign(1.0, x) < 0 else "") + nm
    if math.isinf(x):
        nm = "REF_INF_F" if t is FLOAT else "REF_INF"
        return ("-" if x < 0 else "") + nm
    if x == 0:
        return ("-" if math.copysign(1.0, x) < 0 else "") + "0x0p+0" + t.suffix
    assert t.round(x) == x
    return hexlit(exact_of_float(x), t.suffix)


# --------------------------------------------------------------------------
# Results. A function returns one of
#   float     an exact special or representable value (NaN, +-inf, +-0, 0.5, 1)
#   Tiny(s)   a nonzero value of sign s below 2^-16500 in magnitude
#   mpf       any other finite nonzero value

class Tiny:
    def __init__(self, neg):
        self.neg = neg


def sign_neg(r):
    if isinstance(r, Tiny):
        return r.neg
    if isinstance(r, float):
        return math.copysign(1.0, r) < 0
    return r < 0


def reference_pair(r, t):
    """(hi_literal, lo_literal) of result r for a table of type t."""
    if isinstance(r, float):
        if math.isnan(r):
            return "REF_NAN", "0"
        if math.isinf(r):
            return ("-" if r < 0 else "") + "REF_INF", "0"
        if r == 0:
            return ("-" if math.copysign(1.0, r) < 0 else "") + "0x0p+0", "0"
        r = mpf(r)
    if isinstance(r, Tiny):
        return ("-" if r.neg else "") + "0x0p+0", "0"
    v = exact_of_mpf(r)
    vt = round_exact(v, t.p, t.emin_ulp)
    if vt[1] != 0 and top_exp(vt) > t.emax:
        return ("-" if v[0] else "") + "REF_INF", "0"
    hi = round_exact(v, DOUBLE.p, DOUBLE.emin_ulp)
    if hi[1] == 0:
        hi = (v[0], 0, 0)  # signed zero
    rest = sub_exact(v, hi)
    if rest[1] == 0:
        return hexlit(hi), "0"
    if t is DOUBLE and (hi[1] == 0 or top_exp(hi) < -960):
        lo = round_exact(rest, LONG_DOUBLE_P, LONG_DOUBLE_EMIN_ULP)
        return hexlit(hi), hexlit(lo, "L") if lo[1] else "0"
    lo = round_exact(rest, DOUBLE.p, DOUBLE.emin_ulp)
    return hexlit(hi), hexlit(lo) if lo[1] else "0"


# --------------------------------------------------------------------------
# The functions, exactly. x is a Python float (an exact value of the type).

SQRT_2_OVER_PI = mp.sqrt(2 / mp.pi)
GELU_TANH_C = mpf("0.044715")
SQRT2 = mp.sqrt(2)

# Beyond these the exact result is either x, 1, or below 2^-16500 (Tiny).
SIGMOID_CUT = 12500      # e^-12500 ~ 2^-18034
GELU_CUT = 165           # e^-(165^2/2) ~ 2^-19640
GELU_TANH_CUT = 100      # e^(2u(-100)) ~ 2^-103000


def special_common(x, zero_keeps_sign, pos_inf, neg_inf):
    if math.isnan(x):
        return NAN
    if math.isinf(x):
        return pos_inf if x > 0 else neg_inf
    if x == 0:
        return x if zero_keeps_sign else None
    return None


def f_relu(x, t):
    if math.isnan(x):
        return NAN
    if x == 0:
        return x
    if math.isinf(x):
        return INF if x > 0 else 0.0
    return mpf(x) if x > 0 else 0.0


def f_leaky(alpha):
    def f(x, t):
        a = t.round(alpha)
        s = special_common(x, True, INF, -INF if a > 0 else INF)
        if s is not None:
            return s
        return mpf(x) if x > 0 else mpf(a) * mpf(x)
    return f


def f_tanh(x, t):
    s = special_common(x, True, 1.0, -1.0)
    if s is not None:
        return s
    return mp.tanh(mpf(x))


def sigmoid_mp(z):
    """sigmoid of an mpf z."""
    if z < -SIGMOID_CUT:
        return Tiny(False)
    if z > SIGMOID_CUT:
        return mpf(1)
    return 1 / (1 + mp.exp(-z))


def f_sigmoid(x, t):
    if math.isnan(x):
        return NAN
    if math.isinf(x):
        return 1.0 if x > 0 else 0.0
    if x == 0:
        return 0.5
    return sigmoid_mp(mpf(x))


def f_swish(beta):
    def f(x, t):
        b = t.round(beta)
        assert b > 0
        s = special_common(x, True, INF, -0.0)
        if s is not None:
            return s
        xm = mpf(x)
        z = mpf(b) * xm
        if z < -SIGMOID_CUT:
            return Tiny(True)
        if z > SIGMOID_CUT:
            return xm
        return xm / (1 + mp.exp(-z))
    return f


def f_gelu(x, t):
    s = special_common(x, True, INF, -0.0)
    if s is not None:
        return s
    if x < -GELU_CUT:
        return Tiny(True)
    xm = mpf(x)
    if x > 1e6:
        return xm
    return xm * mp.erfc(-xm / SQRT2) / 2


def f_gelu_tanh(x, t):
    s = special_common(x, True, INF, -0.0)
    if s is not None:
        return s
    if x < -GELU_TANH_CUT:
        return Tiny(True)
    xm = mpf(x)
    if x > GELU_TANH_CUT:
        return xm
    u = SQRT_2_OVER_PI * (xm + GELU_TANH_C * xm ** 3)
    return xm / (1 + mp.exp(-2 * u))


# --------------------------------------------------------------------------
# Inputs

def rng(tag):
    return random.Random(zlib.crc32(tag.encode()))


def binade_values(t, e, r, count):
    """count values of the binade [2^e, 2^(e+1)) of t: 1.0, 1.99.., random."""
    p = min(t.p, e - t.emin_ulp + 1)
    lo, hi = 1 << (p - 1), (1 << p) - 1
    ms = [lo, hi]
    while len(ms) < count and len(set(ms)) < hi - lo + 1:
        ms.append(r.randint(lo, hi))
    ms = list(dict.fromkeys(ms))[:count]
    return [math.ldexp(m, e - p + 1) for m in ms]


def binade_inputs(t):
    """Every binade of t, both signs."""
    r = rng("binades-" + t.name)
    out = []
    for e in range(t.emin_ulp, t.emax + 1):
        if t is FLOAT:
            count = 3
        elif -40 <= e <= 12:
            count = 3
        else:
            count = 1
        if count == 1:
            # one value per binade and sign, cycling 1.0 / 1.99.. / random
            vals = binade_values(t, e, r, 3)
            k = e % len(vals)
            out.append(vals[k])
            out.append(-vals[(k + 1) % len(vals)])
        else:
            for v in binade_values(t, e, r, count):
                out += [v, -v]
    return out


def special_inputs(t):
    vals = [0.0, -0.0, INF, -INF, NAN, -NAN, t.max, t.min_normal, t.denorm_min, 1.0, 0.5, 2.0]
    out = []
    for v in vals:
        out.append(v)
        if not math.isnan(v) and v != 0 and not math.isinf(v):
            out.append(-v)
    return out


def uniform(t, tag, a, b, n):
    r = rng("%s-%s-%r-%r" % (t.name, tag, a, b))
    return [t.round(r.uniform(a, b)) for _ in range(n)]


def dense_inputs(t, fname, scale=1.0):
    """Function-specific dense sampling; scale = 1/beta for swish."""
    f = t is FLOAT
    s = scale
    if fname in ("relu", "leaky_relu"):
        return uniform(t, fname, -4, 4, 150)
    if fname == "tanh":
        w = 20 if f else 25
        return (uniform(t, fname, -w, w, 700) + uniform(t, fname, -1, 1, 250) +
                uniform(t, fname + "sw", 0.6, 0.65, 40) + uniform(t, fname + "sw", -0.65, -0.6, 40))
    if fname in ("sigmoid", "silu", "swish"):
        w = 20 if f else 40
        tail = 110 if f else 750
        return (uniform(t, fname, -w * s, w * s, 700) + uniform(t, fname, -1, 1, 150) +
                uniform(t, fname + "tail", -tail * s, -w * s, 400))
    if fname == "gelu":
        w = 15 if f else 40
        return (uniform(t, fname, -w, w, 700) + uniform(t, fname + "tail", -w, -5, 300) +
                uniform(t, fname + "sw", 0.7, 0.8, 40) + uniform(t, fname + "sw", -0.8, -0.7, 40))
    if fname == "gelu_tanh":
        w, tail = (20, 12) if f else (25, 23)
        return uniform(t, fname, -w, w, 700) + uniform(t, fname + "tail", -tail, -5, 300)
    raise KeyError(fname)


def dedupe(xs):
    seen = set()
    out = []
    for x in xs:
        key = struct.pack("<d", x)
        if key not in seen:
            seen.add(key)
            out.append(x)
    return out


# --------------------------------------------------------------------------
# Tables

def unary_rows():
    """(array suffix, function name for dense sampling, dense scale, f)."""
    return [
        ("relu", "relu", 1.0, f_relu),
        ("leaky_relu", "leaky_relu", 1.0, f_leaky(0.01)),
        ("tanh", "tanh", 1.0, f_tanh),
        ("sigmoid", "sigmoid", 1.0, f_sigmoid),
        ("gelu", "gelu", 1.0, f_gelu),
        ("gelu_tanh", "gelu_tanh", 1.0, f_gelu_tanh),
        ("silu", "silu", 1.0, f_swish(1.0)),
        ("swish_1p702", "swish", 1 / 1.702, f_swish(1.702)),
        ("swish_0p5", "swish", 1 / 0.5, f_swish(0.5)),
    ]


# gated: (name, activation, tail bound float, tail bound double)
def gated_rows():
    return [
        ("glu", f_sigmoid, 110, 750),
        ("swiglu", f_swish(1.0), 110, 750),
        ("geglu", f_gelu, 15, 40),
        ("geglu_tanh", f_gelu_tanh, 12, 23),
    ]


def gate_inputs(t, name, tail):
    fr = (1, .97, .93, .9, .85, .8, .7, .5, .35, .2, .1)
    small = (5, 3, 2, 1, 0.5, 0.1, 1e-3, 1e-8, 1e-30)
    pos = [tail * k for k in fr] + list(small) + [t.max, t.min_normal, t.denorm_min * 3]
    out = []
    for v in pos:
        v = t.round(v)
        out += [-v, v]
    out += uniform(t, "gate-" + name, -10, 10, 10)
    out += [0.0, -0.0, INF, -INF, NAN]
    return dedupe(out)


def up_inputs(t, name):
    big = [1e10, 1e30] + ([1e200] if t is DOUBLE else [])
    small = [1e-10, 1e-30] + ([1e-200] if t is DOUBLE else [])
    pos = [1.0, 0.5, 3.7] + big + small + [t.max, t.min_normal, t.denorm_min]
    out = [0.0, -0.0]
    for v in pos:
        v = t.round(v)
        out += [v, -v]
    out += uniform(t, "up-" + name, -4, 4, 4)
    out += [INF, -INF, NAN]
    return dedupe(out)


def round_to_zero_in(r, t):
    """True when result r (finite) rounds to +-0 in t."""
    if isinstance(r, Tiny):
        return True
    if isinstance(r, float):
        return r == 0
    return round_exact(exact_of_mpf(r), t.p, t.emin_ulp)[1] == 0


def gated_value(a, up):
    """act(gate) * up with IEEE special rules; a is a result, up a float."""
    if isinstance(a, float) and math.isnan(a) or math.isnan(up):
        return NAN
    a_inf = isinstance(a, float) and math.isinf(a)
    a_zero = isinstance(a, float) and a == 0
    neg = sign_neg(a) != (math.copysign(1.0, up) < 0)
    if math.isinf(up):
        if a_zero:
            return NAN
        return -INF if neg else INF
    if up == 0:
        if a_inf:
            return NAN
        return -0.0 if neg else 0.0
    if a_inf:
        return -INF if neg else INF
    if a_zero:
        return -0.0 if neg else 0.0
    if isinstance(a, Tiny):
        return Tiny(neg)
    return mpf(a) * mpf(up)


HEADER = """\
// GENERATED FILE -- do not edit.
// Generated by scripts/gen_reference.py (run: python3 scripts/gen_reference.py
// from the repository root) with mpmath {mpver}, mp.dps = 50.
// {what}
// Each reference is the exact function value of the (exact) input as a
// double-double hi + lo; see the script's docstring for the conventions.
// Included by tests/test_accuracy.cpp, which defines {structs} and
// REF_INF, REF_NAN (double), REF_INF_F, REF_NAN_F (float).
"""


def write_file(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="\n") as fh:
        fh.write(text)
    os.replace(tmp, path)


def gen_unary(t):
    import mpmath
    parts = [HEADER.format(mpver=mpmath.__version__,
                           what="Unary functions, %s inputs." % t.name,
                           structs="RefPoint<T> {T x; double hi; long double lo;}")]
    common = binade_inputs(t) + special_inputs(t)
    counts = {}
    for suffix, dense_name, scale, f in unary_rows():
        xs = dedupe(special_inputs(t) + common + dense_inputs(t, dense_name, scale))
        lines = []
        for x in xs:
            hi, lo = reference_pair(f(x, t), t)
            lines.append("    {%s, %s, %s}," % (float_literal(x, t), hi, lo))
        counts[suffix] = len(xs)
        parts.append("\nstatic const RefPoint<%s> ref_%s_%s[] = {\n%s\n};\n"
                     % (t.name, t.name, suffix, "\n".join(lines)))
    return "".join(parts), counts


def gen_gated(t):
    import mpmath
    parts = [HEADER.format(mpver=mpmath.__version__,
                           what="Gated functions act(gate) * up, %s inputs." % t.name,
                           structs="RefPoint2<T> {T gate; T up; double hi; long double lo;}")]
    counts = {}
    for name, act, tail_f, tail_d in gated_rows():
        tail = tail_f if t is FLOAT else tail_d
        gates = gate_inputs(t, name, tail)
        ups = up_inputs(t, name)
        lines = []
        for g in gates:
            a = act(g, t)
            # act(gate) nonzero in exact arithmetic but zero in the type
            a_rounds_to_zero = not isinstance(a, float) and round_to_zero_in(a, t)
            for u in ups:
                if math.isinf(u) and a_rounds_to_zero:
                    continue  # 0 * inf in the type, inf in exact arithmetic: skip
                hi, lo = reference_pair(gated_value(a, u), t)
                lines.append("    {%s, %s, %s, %s}," % (float_literal(g, t), float_literal(u, t), hi, lo))
        counts[name] = len(lines)
        parts.append("\nstatic const RefPoint2<%s> ref_gated_%s_%s[] = {\n%s\n};\n"
                     % (t.name, t.name, name, "\n".join(lines)))
    return "".join(parts), counts


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    t0 = time.time()
    for t in (FLOAT, DOUBLE):
        for kind, gen in (("", gen_unary), ("gated_", gen_gated)):
            t1 = time.time()
            text, counts = gen(t)
            path = os.path.join(OUT_DIR, "reference_%s%s.inc" % (kind, t.name))
            write_file(path, text)
            print("%-45s %8d bytes %6.1f s  %s" % (os.path.relpath(path, ROOT), len(text), time.time() - t1,
                                                 " ".join("%s=%d" % kv for kv in counts.items())))
    print("total %.1f s" % (time.time() - t0))


if __name__ == "__main__":
    main()
