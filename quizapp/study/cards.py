"""How a flashcard reads: the front is its prompt; the back is its answer, shown
inside its sentence for a cloze card. Shared by the study page and the Anki export."""

from __future__ import annotations

from dataclasses import dataclass

from quizapp.content.text import CLOZE_GAP

# How the bank's generator writes the gap of a cloze card (quizapp.content.text).


@dataclass(frozen=True)
class Back:
    """The answer, with the text around it when the card is a cloze sentence."""

    before: str
    answer: str
    after: str

    @property
    def in_sentence(self) -> bool:
        return bool(self.before or self.after)


def back(prompt: str, answer: str) -> Back:
    before, gap, after = prompt.partition(CLOZE_GAP)
    return Back(before, answer, after) if gap else Back("", answer, "")
