"""The form under each candidate fact: its main texts, editable before accepting.

The form shows only the parts a candidate of its kind has (a question and
answer, a text with gaps, list members, a number) and writes the edits over the
proposed record, so every other part of the proposal (a list's card question
and relation, false statements) is kept. Submitted unchanged, it gives back the proposed
record exactly: that is how an accepted candidate counts as "unchanged".
"""

from __future__ import annotations

import copy
import math
from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length

from quizapp.bank.problems import Problems
from quizapp.models import FactCandidate
from quizapp.web.fields import SelectChoice, TextArea, add_error, lines_of

NUMBER_HINT = "a number such as 4.5 (a point, not a comma, before the decimals)"


class Refused(Problems):
    """Form fields that cannot be read (a number, a wrong answer without why): field -> messages."""


class CandidateForm(FlaskForm):
    topic = SelectField("Topic")
    quote = TextArea(
        "Quote",
        validators=[InputRequired("The quote cannot be empty."), Length(max=5000)],
        description="Word for word from the document; you may shorten it.",
    )
    statement = TextArea(
        "Statement",
        validators=[InputRequired("Write the fact in plain words."), Length(max=2000)],
    )
    question = StringField("Question", validators=[Length(max=500)])
    answer = StringField("Answer", validators=[Length(max=300)])
    cloze = TextArea(
        "Text with gaps",
        validators=[Length(max=2000)],
        description="Each hidden part in double braces: “Wash your {{hands}} often.”",
    )
    list_question = StringField("Question", validators=[Length(max=500)])
    members = TextArea("Members", validators=[Length(max=5000)], description="One per line.")
    wrong_answers = TextArea(
        "Wrong answers",
        validators=[Length(max=5000)],
        description="One per line: wrong answer = why it is wrong. A list needs two or more "
        "when the document has no other list to borrow them from.",
    )
    number_question = StringField("Question", validators=[Length(max=500)])
    number_value = StringField("Value", validators=[Length(max=50)])
    number_unit = StringField("Unit", validators=[Length(max=50)])
    number_tolerance = StringField(
        "Tolerance", validators=[Length(max=50)], description="How far an answer may be off."
    )

    # Where a problem the fact checks find is shown, by the record field it names
    # ("number.value" is a field of the number block); others only above the form.
    FIELD_OF = {
        "source": "quote",
        "list": "members",
        "list.members": "members",
        "list.question": "list_question",
        "list.distractors": "wrong_answers",
        "number": "number_value",
        "number.question": "number_question",
        "number.value": "number_value",
        "number.unit": "number_unit",
        "number.tolerance": "number_tolerance",
    }

    def __init__(self, candidate: FactCandidate, topics: dict[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.candidate = candidate
        self.topic.choices = [SelectChoice(key, title) for key, title in topics.items()]
        # One form per candidate on a page: ids must differ, names need not (each
        # form posts to its own candidate's address).
        for field in self:
            field.id = f"candidate-{candidate.id}-{field.name}"
            field.label.field_id = field.id
        self.problems: list[str] = []

    @classmethod
    def shown(cls, candidate: FactCandidate, topics: dict[str, str]) -> CandidateForm:
        """The form filled with the candidate's proposed record."""
        record = candidate.record
        block = record.get("list") or {}
        number = record.get("number") or {}
        data = {
            "topic": record.get("topic"),
            "quote": record.get("quote"),
            "statement": record.get("statement"),
            "question": record.get("question"),
            "answer": record.get("answer"),
            "cloze": record.get("cloze"),
            "list_question": block.get("question"),
            "members": "\n".join(block.get("members", ())),
            "wrong_answers": "\n".join(
                entry if isinstance(entry, str) else f"{entry['text']} = {entry['why']}"
                for entry in block.get("distractors", ())
            ),
            "number_question": number.get("question"),
            "number_value": _written(number.get("value")),
            "number_unit": number.get("unit"),
            "number_tolerance": _written(number.get("tolerance")),
        }
        return cls(candidate, topics, formdata=None, data=data)

    def has(self, part: str) -> bool:
        """Whether the proposed record has this part, so the form shows its fields."""
        return part in self.candidate.record

    def record(self) -> dict[str, Any]:
        """The proposed record with the edits written over it.

        Raises:
            Refused: a number field holds no number, or a wrong answer lacks its why.
        """
        record = copy.deepcopy(self.candidate.record)
        record["topic"] = self.topic.data
        record["quote"] = (self.quote.data or "").strip()
        record["statement"] = (self.statement.data or "").strip()
        for name in ("question", "answer", "cloze"):
            if self.has(name):
                _put(record, name, getattr(self, name).data)
        if self.has("list"):
            block = record["list"]
            _put(block, "question", self.list_question.data)
            block["members"] = lines_of(self.members.data)
            block.pop("distractors", None)
            if wrong := self._wrong_answers():
                block["distractors"] = wrong
        if self.has("number"):
            number = record["number"]
            _put(number, "question", self.number_question.data)
            _put(number, "unit", self.number_unit.data)
            problems: dict[str, list[str]] = {}
            for name, key in (("number_value", "value"), ("number_tolerance", "tolerance")):
                text = (getattr(self, name).data or "").strip()
                if not text:
                    number.pop(key, None)
                elif (value := _number(text)) is None:
                    problems[name] = [f"Write {NUMBER_HINT}."]
                else:
                    number[key] = value
            if problems:
                raise Refused(problems)
        return record

    def _wrong_answers(self) -> list[dict[str, str]]:
        """Lines ``wrong answer = why it is wrong``: a new list's wrong answers say why.

        Raises:
            Refused: a line without its why.
        """
        wrong = []
        for line in lines_of(self.wrong_answers.data):
            text, _, why = (part.strip() for part in line.partition("="))
            if not (text and why):
                raise Refused({"wrong_answers": [f"Write “{line}” as: wrong answer = why."]})
            wrong.append({"text": text, "why": why})
        return wrong

    def show_problems(self, problems: dict[str, list[str]]) -> None:
        """Mark each field a problem names; every message is also listed above the form."""
        for name, messages in problems.items():
            field = self._fields.get(self.FIELD_OF.get(name, name))
            for message in messages:
                self.problems.append(message)
                if field is not None:
                    add_error(field, message)


def _put(mapping: dict[str, Any], key: str, text: str | None) -> None:
    """Write a text field; an emptied one leaves the record."""
    value = (text or "").strip()
    if value:
        mapping[key] = value
    else:
        mapping.pop(key, None)


def _number(text: str) -> int | float | None:
    """A whole number stays whole (38, not 38.0), as the bank files write it."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _written(value: Any) -> str | None:
    return None if value is None else str(value)
