"""medlearn.reporting: a complete card renders every section in order; a missing, unknown or empty one is refused."""

from __future__ import annotations

import pytest

from medlearn.reporting import MODEL_CARD_SECTIONS, model_card_markdown

CARD = {
    **dict.fromkeys(MODEL_CARD_SECTIONS, "Written."),
    "Data": {"source": "RetinaMNIST", "test photographs": 400},
    "Not tested": ["External data.", "Subgroups."],
}


def test_every_section_in_order_with_tables_and_bullets() -> None:
    text = model_card_markdown("Demo", CARD)
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == list(MODEL_CARD_SECTIONS)
    assert "| test photographs | 400 |" in text and "- External data." in text and text.startswith("# Model card: Demo")
    assert "| field | value |" in text
    piped = model_card_markdown("Demo", CARD | {"Data": {"range": "a | b\nc"}})
    assert "| range | a \\| b c |" in piped  # a pipe or a line break cannot split the table


@pytest.mark.parametrize(
    ("change", "word"),
    [
        ({"Not tested": ""}, "Not tested"),
        ({"Not tested": []}, "Not tested"),
        ({"Not tested": ["fine", " "]}, "Not tested"),
        ({"Data": {}}, "Data"),
        ({"Data": {"source": None}}, "Data"),
        ({"Data": 3.5}, "Data"),
        ({"Fairness": "unknown section"}, "unknown"),
    ],
)
def test_empty_or_unknown_sections_are_refused(change: dict, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        model_card_markdown("Demo", CARD | change)


def test_missing_section_title_and_card_type() -> None:
    card = dict(CARD)
    del card["Not tested"]
    with pytest.raises(ValueError, match=r"missing \['Not tested'\]"):
        model_card_markdown("Demo", card)
    with pytest.raises(ValueError, match="^title"):
        model_card_markdown("  ", CARD)
    with pytest.raises(ValueError, match="^card"):
        model_card_markdown("Demo", list(CARD.items()))
