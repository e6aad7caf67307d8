"""An independent, deliberately plain recursive enumeration of the A+B family, for checking the engine.

Written from the rule text (Lin & Shih 2001; shared/reference/README.md for 3+3), one cohort at a time,
with no NumPy and nothing shared with explorer's code.
"""

from __future__ import annotations

from math import comb


def enumerate_aplusb(truth, a=3, b=3, c=1, d=1, e=1, mode="expand", start=0):
    """Exact (selection list incl. 'none' last, expected patients, expected DLTs) by recursion over cohorts."""
    K = len(truth)
    sel = [0.0] * (K + 1)
    pts = [0.0] * K
    tox = [0.0] * K

    def binom(m, y, p):
        return comb(m, y) * p ** y * (1 - p) ** (m - y)

    def finish(prob, n, x, chosen):
        sel[K if chosen is None else chosen] += prob
        for k in range(K):
            pts[k] += prob * n[k]
            tox[k] += prob * x[k]

    def treat(prob, n, x, dose, m, then):
        for y in range(m + 1):
            q = binom(m, y, truth[dose])
            if q == 0:
                continue
            n2, x2 = list(n), list(x)
            n2[dose] += m
            x2[dose] += y
            then(prob * q, n2, x2, dose)

    def too_toxic(n, x, k):
        return (n[k] == a and x[k] > d) or (n[k] == a + b and x[k] > e)

    def after(prob, n, x, dose):
        top = dose == K - 1
        blocked = top or too_toxic(n, x, dose + 1)
        if n[dose] == a:
            if x[dose] > d:
                return exceeded(prob, n, x, dose)
            if x[dose] >= c:
                return treat(prob, n, x, dose, b, after)
            # fewer than c DLTs among a
            if not blocked:
                return treat(prob, n, x, dose + 1, a, after)
            if mode == "accept" and not top:
                return finish(prob, n, x, dose)
            return treat(prob, n, x, dose, b, after)
        # a + b patients
        if x[dose] > e:
            return exceeded(prob, n, x, dose)
        if blocked:
            return finish(prob, n, x, dose)
        return treat(prob, n, x, dose + 1, a, after)

    def exceeded(prob, n, x, dose):
        if dose == 0:
            return finish(prob, n, x, None)
        below = dose - 1
        if mode == "highest_full":
            ok = [k for k in range(dose) if n[k] == a + b and x[k] <= e]
            return finish(prob, n, x, ok[-1] if ok else None)
        if n[below] == 0:
            return treat(prob, n, x, below, a, after)
        if mode == "accept":
            return finish(prob, n, x, below)
        if n[below] == a + b:
            return finish(prob, n, x, below)
        return treat(prob, n, x, below, b, after)

    treat(1.0, [0] * K, [0] * K, start, a, after)
    return sel, pts, tox
