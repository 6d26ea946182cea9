"""The output_size task of the convolution chapter: the formula for a convolution's output size, and its typical
mistakes (no padding, padding on one side, no stride, the +1 inside the division, off by one).

Example:
    >>> output_size(lambda n, k, p, s: (n + 2 * p - k) // s + 1)
    ✅ output_size: correct.
"""

from __future__ import annotations

from ..._messages import tr
from ..core import Mistake, as_number, compared

__all__ = ["output_size"]


def _formula(n: int, k: int, p: int, s: int) -> int:
    return (n + 2 * p - k) // s + 1


def _where(got: float, n: int, k: int, p: int, s: int) -> str:
    return tr(
        "output_size(n={n}, k={k}, padding={p}, stride={s}) returned {got:g}, expected {want}.",
        n=n,
        k=k,
        p=p,
        s=s,
        got=got,
        want=_formula(n, k, p, s),
    )


@compared(
    tr("Start with no padding and stride 1: in how many positions does a kernel of size k fit into n pixels?"),
    tr(
        "Padding p adds p pixels on each side. A stride s moves the kernel s pixels at a time; "
        "count whole steps with //."
    ),
    tr("output = (n + 2 * padding - k) // stride + 1"),
    cases=lambda: [
        (28, 3, 0, 1),
        (28, 3, 1, 1),
        (28, 5, 2, 2),
        (512, 7, 3, 2),
        (10, 4, 0, 3),
        (7, 7, 0, 1),
        (224, 11, 2, 4),
    ],
    read=lambda value, n, k, p, s: as_number(value, f"output_size({n}, {k}, {p}, {s})"),
    same=lambda got, want: got == want,
    # The specific mistakes first: with padding 1, "padding on one side" also looks like an off-by-one.
    mistakes=[
        Mistake(
            "true division",
            lambda n, k, p, s: (n + 2 * p - k) / s + 1,
            lambda got, n, k, p, s: tr(
                "output_size({n}, {k}, {p}, {s}) returned {got}, not a whole number: use // (integer division), "
                "because the kernel only counts whole steps.",
                n=n,
                k=k,
                p=p,
                s=s,
                got=got,
            ),
            spot=lambda got, *_: not got.is_integer(),
        ),
        Mistake(
            "no padding",
            lambda n, k, p, s: _formula(n, k, 0, s),
            lambda *case: tr(
                "{where} Padding is missing: it adds p pixels on each side, so the length becomes n + 2p.",
                where=_where(*case),
            ),
        ),
        Mistake(
            "padding on one side",
            lambda n, k, p, s: (n + p - k) // s + 1,
            lambda *case: tr(
                "{where} Padding goes on both sides of the image: n + 2p, not n + p.", where=_where(*case)
            ),
        ),
        Mistake(
            "no stride",
            lambda n, k, p, s: _formula(n, k, p, 1),
            lambda *case: tr(
                "{where} The stride is missing: the kernel jumps s pixels at a time, so divide by s.",
                where=_where(*case),
            ),
        ),
        # Only a function that passed the stride-1 cases (which come first) gets here with this value.
        Mistake(
            "+1 inside the division",
            lambda n, k, p, s: (n + 2 * p - k + 1) // s,
            lambda *case: tr(
                "{where} The +1 is inside the division: (n + 2p - k + 1) // stride divides it by the stride too. "
                "It belongs after the division: (n + 2p - k) // stride + 1, the first position plus one for every "
                "whole step of the stride.",
                where=_where(*case),
            ),
        ),
        Mistake(
            "off by one",
            lambda n, k, p, s: (n + 2 * p - k) // s,
            lambda *case: tr(
                "{where} Off by one: a kernel of size k fits n - k + 1 times in n pixels (count the first position).",
                where=_where(*case),
            ),
        ),
    ],
    otherwise=lambda got, want, *case: tr(
        "{where} Count the positions where the kernel fits in the padded length n + 2p, moving s at a time.",
        where=_where(got, *case),
    ),
)
def output_size(n: int, k: int, p: int, s: int) -> int:
    return _formula(n, k, p, s)
