#!/usr/bin/env python3
# fit_tanh_rational.py: the fast tier's tanh, tanh(x) ~ x P(x^2) / Q(x^2)
# with P of degree m, Q of degree k (Q(0) = 1), minimising the max relative
# error on [0, X] by linearised least squares with Lawson reweighting (as
# fit_gelu_rational.py). The coefficients are then rounded to float, the
# rounded rational's error measured on a dense grid, and the clamp C found:
# the first float above X (on a 2^-10 grid) where the rounded rational
# exceeds 1 + 2^-20, so that the kernel, which clamps x to [-C, C] and the
# result to [-1, 1], gives exactly +-1 from C on (and at +-inf). Prints the
# C++ table of include/nonlin/detail/coefficients.hpp (fast_tanh).
#   python3 scripts/fit_tanh_rational.py [m k X]     (default 3 3 6.5; needs python3-mpmath)
import struct
import sys

import mpmath as mp

mp.mp.dps = 40
m = int(sys.argv[1]) if len(sys.argv) > 1 else 3
k = int(sys.argv[2]) if len(sys.argv) > 2 else 3
X = mp.mpf(sys.argv[3]) if len(sys.argv) > 3 else mp.mpf('6.5')


def to_float(v):
    return mp.mpf(struct.unpack('f', struct.pack('f', float(v)))[0])


N = 200
xs = [X / 2 * (1 - mp.cos(mp.pi * (i + 0.5) / N)) for i in range(N)]
ts = [mp.tanh(x) for x in xs]
w = [mp.mpf(1)] * N
q_prev = [mp.mpf(1)] * N
best = None
for it in range(30):
    rows, rhs = [], []
    for i, (x, t) in enumerate(zip(xs, ts)):
        s = x * x
        sc = mp.sqrt(w[i]) / (q_prev[i] * t)
        # x P(s) - t Q(s), q0 = 1: unknowns p0..pm, q1..qk.
        rows.append([sc * x * s**j for j in range(m + 1)] + [-sc * t * s**j for j in range(1, k + 1)])
        rhs.append(sc * t)
    sol = mp.qr_solve(mp.matrix(rows), mp.matrix(rhs))[0]
    p = [sol[j] for j in range(m + 1)]
    q = [mp.mpf(1)] + [sol[m + 1 + j] for j in range(k)]
    errs = [abs(x * mp.polyval(p[::-1], x * x) / mp.polyval(q[::-1], x * x) / t - 1) for x, t in zip(xs, ts)]
    e = max(errs)
    if best is None or e < best[0]:
        best = (e, p, q)
    q_prev = [mp.polyval(q[::-1], x * x) for x in xs]
    w = [wi * (ei + mp.mpf(10)**-30) for wi, ei in zip(w, errs)]
    sw = sum(w)
    w = [wi / sw * N for wi in w]

_, p, q = best
pf = [to_float(c) for c in p]
qf = [to_float(c) for c in q]


def R(x):
    return x * mp.polyval(pf[::-1], x * x) / mp.polyval(qf[::-1], x * x)


err = max(abs(R(x) / mp.tanh(x) - 1) for x in [X * i / 8000 for i in range(1, 8001)])
tiny = abs(R(mp.mpf(2)**-40) / mp.mpf(2)**-40 - 1)
step = mp.mpf(2)**-10
c = X
while R(c) < 1 + mp.mpf(2)**-20:
    c += step
    if c > 4 * X:
        sys.exit('the rational does not reach 1 + 2^-20 beyond X: choose other degrees or X')
beyond = max(abs(min(R(X + i * (c - X) / 400), 1) / mp.tanh(X + i * (c - X) / 400) - 1) for i in range(401))
print(f'// tanh(x) = x P(x^2) / Q(x^2), |x| <= C, result clamped to [-1, 1]')
print(f'// python3 scripts/fit_tanh_rational.py {m} {k} {mp.nstr(X, 6)}: float coefficients, max relative')
print(f'// error {mp.nstr(err, 4)} (2^{mp.nstr(mp.log(err, 2), 4)}) on [0, {mp.nstr(X, 6)}], {mp.nstr(beyond, 4)} on '
      f'[{mp.nstr(X, 6)}, C] (clamped), {mp.nstr(tiny, 4)} near 0')
print('struct fast_tanh {')
print('  static constexpr float p[] = {' + ', '.join(repr(float(v)) + 'f' for v in pf) + '};')
print('  static constexpr float q[] = {' + ', '.join(repr(float(v)) + 'f' for v in qf) + '};')
print(f'  static constexpr float clamp = {float(c)!r}f;  // R(C) >= 1 + 2^-20')
print('};')
