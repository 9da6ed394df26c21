#!/usr/bin/env python3
# fit_gelu_rational.py: the denominator B of the default tier's gelu rational. G(t) = Phi(-t) e^(t^2/2)
# is written as G = B / (sqrt(2 pi) (t B + A)), i.e. S(t) = 1/M(t) - t ~ A/B
# with M the Mills ratio Phi(-t)/phi(t). This script finds a rational A/B of
# degrees (m, k) minimising the max of |A - S B| / (B (t + S)) (the relative
# error it gives G) on [0, T], by linearised least squares with Lawson
# reweighting; scripts/fit_coefficients.sollya then rounds B to single and
# refits A by fpminimax (its `bd` list is this script's B for 4 5 16).
#   python3 scripts/fit_gelu_rational.py m k T      (needs python3-mpmath)
import mpmath as mp, sys
mp.mp.dps = 40
m, k = int(sys.argv[1]), int(sys.argv[2])
T = mp.mpf(sys.argv[3]) if len(sys.argv) > 3 else mp.mpf('14.5')
def S(t): return mp.npdf(t) / mp.ncdf(-t) - t
N = 300
ts = [T/2*(1-mp.cos(mp.pi*(i+0.5)/N)) for i in range(N)]
ss = [S(t) for t in ts]
w = [mp.mpf(1)]*N
Bprev = [mp.mpf(1)]*N
best = None
for it in range(40):
    rows, rhs = [], []
    for i, t in enumerate(ts):
        sc = mp.sqrt(w[i]) / (Bprev[i] * (t + ss[i]))
        rows.append([sc*t**j for j in range(m+1)] + [-sc*ss[i]*t**j for j in range(1, k+1)])
        rhs.append(sc*ss[i])
    x = mp.qr_solve(mp.matrix(rows), mp.matrix(rhs))[0]
    a = [x[j] for j in range(m+1)]; b = [mp.mpf(1)] + [x[m+1+j] for j in range(k)]
    A = lambda t: mp.polyval(a[::-1], t); B = lambda t: mp.polyval(b[::-1], t)
    errs = [abs(A(t) - s*B(t)) / (B(t)*(t+s)) for t, s in zip(ts, ss)]
    e = max(errs)
    if best is None or e < best[0]: best = (e, a, b)
    Bprev = [B(t) for t in ts]
    w = [wi*(ei + mp.mpf(10)**-30) for wi, ei in zip(w, errs)]
    sw = sum(w); w = [wi/sw*N for wi in w]
e, a, b = best
A = lambda t: mp.polyval(a[::-1], t); B = lambda t: mp.polyval(b[::-1], t)
dense = max(abs(A(t) - S(t)*B(t)) / (B(t)*(t+S(t))) for t in [T*i/2000 for i in range(2001)])
print("degrees", m, k, "max rel error of G", mp.nstr(dense, 5), "log2", mp.nstr(mp.log(dense, 2), 5))
print("A", [mp.nstr(c, 20) for c in a])
print("B", [mp.nstr(c, 20) for c in b])
