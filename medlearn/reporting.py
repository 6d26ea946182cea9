"""A model card as Markdown, with every section the course asks for and none left empty.

Model cards (Mitchell et al., "Model Cards for Model Reporting", FAT* 2019) report
what a model is for, what it was trained and tested on, how well it does with
what uncertainty, and where it fails. The grading-and-reporting chapter fills one from numbers computed
in the notebook; this module only checks that nothing is missing and lays it out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["MODEL_CARD_SECTIONS", "model_card_markdown"]

MODEL_CARD_SECTIONS: tuple[str, ...] = (
    "Model details",
    "Intended use",
    "Out of scope",
    "Data",
    "Evaluation",
    "Operating point",
    "Known failure modes",
    "Not tested",
    "Ethical considerations",
)
"""The sections of the course's model card, in order (Mitchell et al.'s, with the operating point and what was
not tested as sections of their own)."""

Entry = str | Mapping[str, object] | Sequence[str]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell(value: object) -> str:
    """A value that cannot break a Markdown table: pipes escaped, line breaks as spaces."""
    return " ".join(str(value).split()).replace("|", "\\|")


def _render(section: str, entry: object) -> str:
    if isinstance(entry, str):
        if _blank(entry):
            raise ValueError(f"card[{section!r}] must not be empty: write what is known, or why nothing is")
        return entry.strip()
    if isinstance(entry, Mapping):
        if not entry or any(_blank(v) or _blank(k) for k, v in entry.items()):
            raise ValueError(f"card[{section!r}] must not be empty or hold an empty field")
        rows = "\n".join(f"| {_cell(key)} | {_cell(value)} |" for key, value in entry.items())
        return f"| field | value |\n|---|---|\n{rows}"
    if isinstance(entry, Sequence) and not isinstance(entry, bytes):
        if not entry or any(not isinstance(item, str) or _blank(item) for item in entry):
            raise ValueError(f"card[{section!r}] must be a non-empty list of non-empty sentences")
        return "\n".join(f"- {item.strip()}" for item in entry)
    raise ValueError(f"card[{section!r}] must be text, a mapping of fields or a list of sentences, not {entry!r}")


def model_card_markdown(title: str, card: Mapping[str, Entry]) -> str:
    """A model card in Markdown: one ``##`` heading per section of :data:`MODEL_CARD_SECTIONS`, in order.

    Each section is text, a mapping (shown as a two-column table) or a list of
    sentences (shown as bullets). A missing, unknown or empty section is refused:
    "not tested" must be written down, not left out.

    Args:
        title: the model's name, the card's heading.
        card: one entry per section.

    Returns:
        The card as Markdown text (show it with ``IPython.display.Markdown``).

    Example:
        >>> sections = dict.fromkeys(MODEL_CARD_SECTIONS, "See the notebook.")
        >>> text = model_card_markdown("Demo", sections | {"Evaluation": {"test AUC": "0.80 (0.75 to 0.85)"}})
        >>> print(text.splitlines()[0])
        # Model card: Demo
        >>> "| test AUC | 0.80 (0.75 to 0.85) |" in text
        True
    """
    if not isinstance(title, str) or _blank(title):
        raise ValueError(f"title must be the model's name, not {title!r}")
    if not isinstance(card, Mapping):
        raise ValueError(f"card must be a mapping from section to entry, not {type(card).__name__}")
    missing = [s for s in MODEL_CARD_SECTIONS if s not in card]
    unknown = [s for s in card if s not in MODEL_CARD_SECTIONS]
    if missing or unknown:
        raise ValueError(
            f"card must have exactly the sections {list(MODEL_CARD_SECTIONS)}; missing {missing}, unknown {unknown}"
        )
    parts = [f"# Model card: {title.strip()}"]
    parts += [f"## {section}\n\n{_render(section, card[section])}" for section in MODEL_CARD_SECTIONS]
    return "\n\n".join(parts) + "\n"
