#!/usr/bin/env python3
"""The zero gates of include/nonlin/glu.hpp (detail::zero_gate).

For act = gelu (erf form) and gelu_tanh: the gate g0 < 0 where
|act(g0)| = 2^-279, in 50-digit arithmetic (python3-mpmath). Below it
|act(g)| is smaller still (both decrease monotonically to 0 as g -> -inf
there), so for every finite float up (|up| < 2^128) |act(g) up| < 2^-151,
half of the smallest subnormal float: the exact product rounds to a signed
zero, and so does the float product of act(g) rounded (itself a signed
zero, |act(g)| < 2^-150). Checks that the constants in glu.hpp lie below
the roots, and prints both.

    python3 scripts/gated_zero_gates.py
"""
import re
import sys
from pathlib import Path

import mpmath as mp

mp.mp.dps = 50
LIMIT = mp.mpf(2) ** -279
K = mp.sqrt(2 / mp.pi)


def gelu_abs(g):
    return -g * mp.ncdf(g)


def gelu_tanh_abs(g):
    return -g / (1 + mp.exp(-2 * K * (g + mp.mpf("0.044715") * g ** 3)))


def root(f, guess):
    return mp.findroot(lambda g: mp.log(f(g)) - mp.log(LIMIT), guess)


def main():
    text = (Path(__file__).resolve().parent.parent / "include/nonlin/glu.hpp").read_text()
    ok = True
    for name, f in (("gelu", gelu_abs), ("gelu_tanh", gelu_tanh_abs)):
        g0 = root(f, -15)
        m = re.search(r"struct zero_gate<precise::%s> \{\s*static constexpr float value = (-?[0-9.]+)f;" % name, text)
        if not m:
            print(f"{name}: zero_gate not found in glu.hpp")
            ok = False
            continue
        c = mp.mpf(m.group(1))
        # Monotone below the root: |act| at c and at c - 1 both under the limit.
        good = c < g0 and f(c) < LIMIT and f(c - 1) < f(c)
        print(f"{name}: root {mp.nstr(g0, 12)}, glu.hpp {m.group(1)}: |act| = {mp.nstr(f(c) / LIMIT, 3)} x 2^-279"
              f" {'ok' if good else 'NOT BELOW THE ROOT'}")
        ok = ok and good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
