"""Answers to the transfer chapter's task written as a learner would, with options that make the typical mistakes:
the table of mistakes calls them (and the default options give the right answer)."""

from __future__ import annotations


def frozen(
    names: list[str], depth: int, skip_bn: bool = False, extra: int = 0, with_free: bool = False, head: bool = False
) -> list[str]:
    """The layers with weights in the first ``depth`` blocks of a small_cnn; the options make the mistakes.

    Example:
        >>> frozen(["image", "conv1", "bn1", "relu1", "pool1", "conv2", "bn2", "global", "probability"], 1)
        ['conv1', 'bn1']
    """
    frozen, seen = [], 0
    for name in names:
        if name.startswith("conv"):
            seen += 1
        if name.startswith(("global", "dropout", "probability")):
            if head and depth == sum(n.startswith("conv") for n in names):
                frozen.append("probability")
            break
        if depth > 0 and seen <= depth + extra:
            if name.startswith("conv") or (name.startswith("bn") and not skip_bn) or with_free:
                if name != "image":
                    frozen.append(name)
    return frozen
