"""Fits the rational tanh of the cell kernels (assembly/gate.ts): tanh(x) ≈ x·P(x²)/Q(x²) on [0, CLAMP].

P's and Q's constant terms are fixed at 1, so tanh(x) = x exactly for tiny x; the kernel clamps x to [−CLAMP, CLAMP]
and its result to [−1, 1]. Loeb's iteration of linear programs
approaches the minimax fit of the absolute error in exact arithmetic: each round solves
min e subject to |x·P(z) − tanh(x)·Q(z)| ≤ e·Q_prev(z) at dense points. The coefficients are then rounded to f32
and nudged an ulp at a time while that lowers the largest error of the kernel's own evaluation (Horner in f32,
with separate and with fused multiply-adds), which is what the f32 kernel really has.

Run: python3 scripts/fit/gate-tanh.py [P degree] [Q degree] [clamp]   (numpy, scipy and mpmath)
Prints the coefficients as f32 literals and the largest errors over a dense sweep.
"""

import sys

import mpmath
import numpy as np
from scipy.optimize import linprog

NP = int(sys.argv[1]) if len(sys.argv) > 1 else 5
NQ = int(sys.argv[2]) if len(sys.argv) > 2 else 3
CLAMP = float(sys.argv[3]) if len(sys.argv) > 3 else 9.0


def fit():
    xs = np.linspace(0, CLAMP, 4000)
    f = np.array([float(mpmath.tanh(x)) for x in xs])
    s = CLAMP * CLAMP  # z scaled to [0, 1] keeps the linear programs well conditioned
    zs = xs * xs / s
    a_p = np.stack([xs * zs**k for k in range(1, NP + 1)], axis=1)
    a_q = np.stack([zs**k for k in range(1, NQ + 1)], axis=1)
    rhs = f - xs  # x·(1 + Σ p_k z^k) − f·(1 + Σ q_k z^k) = a_p·p − f·a_q·q − (f − x)
    q_prev = np.ones_like(xs)
    for _ in range(40):
        r = np.hstack([a_p, -f[:, None] * a_q])
        a = np.vstack([np.hstack([r, -q_prev[:, None]]), np.hstack([-r, -q_prev[:, None]])])
        b = np.concatenate([rhs, -rhs])
        c = np.zeros(a.shape[1])
        c[-1] = 1
        res = linprog(c, A_ub=a, b_ub=b, bounds=[(None, None)] * a.shape[1], method='highs')
        p, q = res.x[:NP], res.x[NP:-1]
        q_prev = 1 + a_q @ q
    return [1.0] + [p[k - 1] / s**k for k in range(1, NP + 1)], [1.0] + [q[k - 1] / s**k for k in range(1, NQ + 1)], res.x[-1]


XT = np.linspace(0, CLAMP * 1.05, 1_000_001).astype(np.float32)
TRUTH = np.tanh(XT.astype(np.float64))


def horner(coefs, z, fused):
    acc = np.full_like(z, coefs[-1])
    for cf in reversed(coefs[:-1]):
        acc = np.float32(acc.astype(np.float64) * z + cf) if fused else np.float32(np.float32(acc * z) + cf)
    return acc


def evaluate(p, q, x, fused, clamp):
    """The kernel's arithmetic: x clamped to [0, clamp] (the sweep is of x ≥ 0), the rational, the result ≤ 1."""
    x = np.minimum(x, np.float32(clamp))
    z = np.float32(x * x)
    return np.minimum(np.float32(np.float32(horner(p, z, fused) * x) / horner(q, z, fused)), np.float32(1))


def worst(p, q, clamp):
    return max(np.abs(evaluate(p, q, XT, fused, clamp) - TRUTH).max() for fused in (False, True))


def refine(p, q):
    best = worst(p, q, CLAMP)
    for _ in range(8):
        improved = False
        for coefs in (p, q):
            for i in range(1, len(coefs)):
                for steps in (-1, 1, -2, 2, -4, 4, -8, 8):
                    old = coefs[i]
                    coefs[i] = np.float32(old + steps * np.spacing(old))
                    e = worst(p, q, CLAMP)
                    if e < best:
                        best, improved = e, True
                    else:
                        coefs[i] = old
        if not improved:
            break
    return p, q


def saturation(p, q):
    """The largest f32 input clamp ≤ CLAMP at which both evaluations reach 1, so that every larger x gives
    exactly 1 (the rational wanders within its error of 1 near the end of the range)."""
    xs = np.linspace(CLAMP - 1, CLAMP, 100_001).astype(np.float32)
    y = np.minimum(*(evaluate(p, q, xs, fused, np.inf) for fused in (False, True)))
    return float(xs[np.nonzero(y >= 1)[0][-1]])


p, q, e = fit()
p, q = refine([np.float32(v) for v in p], [np.float32(v) for v in q])
c = saturation(p, q)
print(f'exact-arithmetic minimax estimate {e:.3g} on [0, {CLAMP}]')
print(f'input clamp {c!r} (1 from there on); f32 evaluation: max abs error {worst(p, q, c):.3g}')
print('P:', ', '.join(repr(float(v)) for v in p))
print('Q:', ', '.join(repr(float(v)) for v in q))
