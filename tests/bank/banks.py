"""Small banks written for a test: one that passes the quality gate."""

from __future__ import annotations

from pathlib import Path

CLEAN_DECK = {
    "deck.yaml": "id: tiny\ntitle: Tiny\ntopics:\n  basics: Basics\nrelations: {}\n",
    "sources.yaml": "sources:\n  - id: leaflet\n    title: A leaflet\n    seed: leaflet.txt\n",
    "facts/basics.yaml": """facts:
  - id: soap-cleans
    topic: basics
    source: leaflet
    quote: "Soap cleans hands."
    statement: Soap and water clean the hands.
    question: What cleans the hands well?
    answer: Soap and water
    truefalse: false
""",
}


def clean_bank(root: Path) -> Path:
    """A bank of one deck and one flashcard with no item-writing flaw; returns its folder."""
    for name, text in CLEAN_DECK.items():
        path = root / "tiny" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
