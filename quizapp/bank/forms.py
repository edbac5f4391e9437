"""The item form: one form for every type, showing the fields the type needs.

Field-level rules live in :mod:`quizapp.bank.authoring`; the form turns its
data into an :class:`ItemDraft` and puts each problem at its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import FloatField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from quizapp.bank.authoring import MAX_EXPLANATION, MAX_OPTIONS, ItemDraft, problems
from quizapp.bank.citations import quotes
from quizapp.bank.services import DeckRows
from quizapp.content import ItemType, Status, TextFormat
from quizapp.web.fields import SelectChoice, TextArea, lines_of

MAX_BULK = 500  # items changed by one bulk action
MAX_ID = 2**31 - 1


def _pairs(text: str | None, at_last: bool = True) -> dict[str, str]:
    """``answer = value`` lines as a mapping, split at the last "=" (a percent) or
    at the first (feedback, which may hold an "=" itself)."""
    pairs = (line.rpartition("=") if at_last else line.partition("=") for line in lines_of(text))
    return {answer.strip(): value.strip() for answer, sep, value in pairs if sep}


def _percent(value: str) -> float | None:
    try:
        return float(value.removesuffix("%")) / 100
    except ValueError:
        return None


def _written_pairs(mapping: dict[str, Any], percent: bool = False) -> str:
    return "\n".join(
        f"{key} = {value * 100:g}" if percent else f"{key} = {value}"
        for key, value in mapping.items()
    )


class OptionForm(Form):
    """One answer option; a plain Form because the outer form carries the CSRF token."""

    text = StringField("Option")
    correct = BooleanField("Correct")
    why = TextArea("Feedback", validators=[Length(max=MAX_EXPLANATION)])


@dataclass(frozen=True)
class FactChoice:
    """A fact as the editor offers it: ticked to link it to the item."""

    key: str
    statement: str
    citation: str  # its source, which the item's citation then lists


class ItemForm(FlaskForm):
    topic = SelectField("Topic")
    facts = SelectMultipleField(
        "Linked facts",
        description="The facts this item tests: learners see their quotes, each with its own "
        "source. The item's source follows from them.",
    )
    prompt = TextArea("Question")
    options = FieldList(FormField(OptionForm), min_entries=6, max_entries=MAX_OPTIONS)
    answer = TextArea("Answer")
    accept = TextArea("Other accepted answers", description="One per line.")
    truth = RadioField(
        "The statement is",
        choices=[SelectChoice("true", "True"), SelectChoice("false", "False")],
        validators=[Optional()],
    )
    value = FloatField("Correct value", validators=[Optional()])
    tolerance = FloatField(
        "Tolerance", default=0, validators=[Optional()], description="How far an answer may be off."
    )
    unit = StringField("Unit", description="Shown to the learner, e.g. × 10⁹/L.")
    explanation = TextArea(
        "Explanation", description="Shown after the answer. Leave empty to use the linked facts."
    )
    text_format = SelectField(
        "Text format",
        choices=[
            SelectChoice(TextFormat.PLAIN.value, "Plain text"),
            SelectChoice(TextFormat.HTML.value, "HTML (cleaned to a safe subset)"),
            SelectChoice(TextFormat.MARKDOWN.value, "Markdown"),
        ],
        default=TextFormat.PLAIN.value,
        description="How the question and explanation are written; imported items keep theirs.",
    )
    weights = TextArea(
        "Partial credit",
        description="One per line: answer = percent of a point, e.g. “Fatigue = 50” or "
        "“Gout = -100”. Leave empty for all-or-nothing.",
    )
    answer_feedback = TextArea(
        "Feedback on answers",
        description="One per line: answer = what the learner who gives it is told "
        "(for true/false: true = … or false = …).",
    )
    # The version the form was opened on: saving over a newer one is a conflict.
    base_version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    save = SubmitField("Save")
    preview = SubmitField("Preview")

    PROMPT_LABELS = {
        ItemType.TRUEFALSE: "Statement",
        ItemType.QA: "Front of the card",
        ItemType.CLOZE: "Text with deletions",
    }
    ANSWER_LABELS = {ItemType.QA: "Back of the card", ItemType.FILLIN: "Correct answer"}

    def __init__(
        self, item_type: ItemType, rows: DeckRows, require_facts: bool = True, **kwargs: Any
    ) -> None:
        """``require_facts`` is False for a draft being edited: an imported item may
        stay without facts until they are linked (publishing still needs them)."""
        super().__init__(**kwargs)
        self.item_type = item_type
        self.rows = rows
        self.require_facts = require_facts
        self.topic.choices = [SelectChoice(key, topic.title) for key, topic in rows.topics.items()]
        self.facts.choices = [
            SelectChoice(key, f"{key}: {fact.statement[:90]}")
            for key, fact in sorted(rows.facts.items())
        ]
        self.prompt.label.text = self.PROMPT_LABELS.get(item_type, "Question")
        self.answer.label.text = self.ANSWER_LABELS.get(item_type, "Answer")
        if item_type is ItemType.CLOZE:
            self.prompt.description = "Put each hidden part in double braces: {{like this}}."
        if item_type is ItemType.NUMERIC:
            self.value.validators = [InputRequired("Give the correct value.")]
            self.tolerance.validators = [
                Optional(),
                NumberRange(min=0, message="The tolerance cannot be negative."),
            ]
        if item_type is ItemType.TRUEFALSE:
            self.truth.validators = [InputRequired("Say whether the statement is true or false.")]

    def fact_groups(self) -> list[tuple[str, list[FactChoice]]]:
        """The deck's facts by topic (in deck order), each topic's by key: what the
        editor lists as ticks. Retired facts are offered only where already linked."""
        linked = set(self.facts.data or ())
        by_topic: dict[int, list[FactChoice]] = {}
        for key, fact in sorted(self.rows.facts.items()):
            if fact.retired_at is None or key in linked:
                choice = FactChoice(key, fact.statement, fact.source.citation)
                by_topic.setdefault(fact.topic_id, []).append(choice)
        return [
            (topic.title, by_topic[topic.id])
            for topic in sorted(self.rows.topics.values(), key=lambda t: t.position)
            if topic.id in by_topic
        ]

    def quotes(self) -> list[tuple[str, str]]:
        """(quote, its source's citation) of every linked fact: what the preview shows."""
        return quotes(
            self.rows.facts[key] for key in sorted(self.facts.data or ()) if key in self.rows.facts
        )

    def validate_weights(self, field: TextAreaField) -> None:
        lines = lines_of(field.data)
        pairs = _pairs(field.data)
        if len(pairs) != len(lines) or any(_percent(v) is None for v in pairs.values()):
            raise ValidationError("Write one answer = percent per line, e.g. “Fatigue = 50”.")

    def validate_answer_feedback(self, field: TextAreaField) -> None:
        if len(_pairs(field.data, at_last=False)) != len(lines_of(field.data)):
            raise ValidationError("Write one answer = feedback per line.")

    def draft(self) -> ItemDraft:
        kind = self.item_type
        options = None
        feedback: dict[str, str] = _pairs(self.answer_feedback.data, at_last=False)
        answer: Any = (self.answer.data or "").strip()
        if kind in (ItemType.SINGLE, ItemType.MULTIPLE):
            filled = [
                entry for entry in self.options.entries if (entry.form.text.data or "").strip()
            ]
            options = [(entry.form.text.data or "").strip() for entry in filled]
            right = [
                (entry.form.text.data or "").strip() for entry in filled if entry.form.correct.data
            ]
            feedback |= {
                (entry.form.text.data or "").strip(): why
                for entry in filled
                if (why := (entry.form.why.data or "").strip())
            }
            answer = (
                right if kind is ItemType.MULTIPLE else (right[0] if len(right) == 1 else right)
            )
        elif kind is ItemType.TRUEFALSE:
            answer = self.truth.data == "true"
        elif kind is ItemType.NUMERIC:
            answer = {
                "value": self.value.data,
                "tolerance": self.tolerance.data or 0,
                "unit": (self.unit.data or "").strip(),
            }
        return ItemDraft(
            type=kind,
            topic=self.topic.data or "",
            facts=list(self.facts.data or []),
            prompt=(self.prompt.data or "").strip(),
            explanation=self._explanation(),
            options=options,
            answer=answer,
            accept=lines_of(self.accept.data) if kind is ItemType.FILLIN else [],
            feedback=feedback,
            text_format=self.text_format.data or TextFormat.PLAIN.value,
            weights={
                answer: weight
                for answer, value in _pairs(self.weights.data).items()
                if (weight := _percent(value)) is not None
            },
        )

    def _explanation(self) -> str:
        written = (self.explanation.data or "").strip()
        if written:
            return written
        linked = [self.rows.facts[key] for key in self.facts.data or [] if key in self.rows.facts]
        return " ".join(fact.statement for fact in linked)

    def fill(self, draft: ItemDraft) -> None:
        """Show a stored item in the form (the reverse of :meth:`draft`)."""
        self.topic.data, self.facts.data = draft.topic, draft.facts
        self.prompt.data, self.explanation.data = draft.prompt, draft.explanation
        answer = draft.answer
        if draft.options is not None:
            right = answer if isinstance(answer, list) else [answer]
            for entry, option in zip(self.options.entries, draft.options, strict=False):
                entry.form.text.data, entry.form.correct.data = option, option in right
                entry.form.why.data = draft.feedback.get(option, "")
        elif isinstance(answer, bool):
            self.truth.data = "true" if answer else "false"
        elif isinstance(answer, dict):
            self.value.data, self.tolerance.data = answer["value"], answer["tolerance"]
            self.unit.data = answer["unit"]
        else:
            self.answer.data = answer
        self.accept.data = "\n".join(draft.accept)
        self.text_format.data = draft.text_format
        self.weights.data = _written_pairs(draft.weights, percent=True)
        options = set(draft.options or ())
        self.answer_feedback.data = _written_pairs(
            {key: why for key, why in draft.feedback.items() if key not in options}
        )

    def validate(self, extra_validators: Any = None) -> bool:
        """The field validators, then the authoring rules, each shown at its field."""
        self.option_errors: list[str] = []
        if not super().validate(extra_validators):
            return False
        found = problems(self.draft(), self.rows, require_facts=self.require_facts)
        for name, messages in found.items():
            if name == "feedback" and self.item_type not in (ItemType.SINGLE, ItemType.MULTIPLE):
                self.answer_feedback.errors = [*self.answer_feedback.errors, *messages]
            elif name in ("options", "feedback"):
                self.option_errors += messages
            else:
                getattr(self, name).errors = [*getattr(self, name).errors, *messages]
        return not found


class ImportForm(FlaskForm):
    deck = SelectField("Into deck")
    topic = SelectField("Topic for new items whose file names none")
    file = FileField(
        "Bank file",
        validators=[FileRequired("Choose a file to import.")],
        description=(
            "Moodle GIFT (.gift, .txt), Moodle XML (.xml), or the project's YAML or JSON "
            "export (.yaml, .yml, .json)."
        ),
    )
    import_rest = BooleanField(
        "Import the rest: skip the questions this product cannot hold "
        "(each listed with its reason) and import the others"
    )
    submit = SubmitField("Import")


class StatusForm(FlaskForm):
    """Publish, retire or return to draft: one item, or every ticked item of a page."""

    status = SelectField(
        "Set status to", choices=[SelectChoice(s.value, s.value.capitalize()) for s in Status]
    )
    items = SelectMultipleField("Items", coerce=int, validate_choice=False)
    submit = SubmitField("Apply")

    def validate_items(self, field: SelectMultipleField) -> None:
        if len(field.data or []) > MAX_BULK or any(not 0 < i <= MAX_ID for i in field.data or []):
            raise ValidationError(f"Choose between 1 and {MAX_BULK} items of this bank.")


class ResolveFlagForm(FlaskForm):
    resolution = TextAreaField(
        "How was it resolved?",
        validators=[
            InputRequired("Say what you did, e.g. “Fixed the wording in version 3”."),
            Length(max=1000),
        ],
    )
    submit = SubmitField("Resolve")
