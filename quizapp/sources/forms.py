"""Forms for decks, topics, source documents and facts.

The fact form shows a fact record of the bank files (questions/README.md,
"facts/*.yaml") as plain fields and turns them back into that record; the
bank's own schema and the deck's validation then judge it, in
:func:`quizapp.bank.facts.save_fact`, and each problem is put at its field.
"""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields import FloatField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from quizapp.content.text import kebab
from quizapp.web.fields import SelectChoice, TextArea, add_error, lines_of

KEY_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_KEY_WORDS = 6
FALSE_STATEMENT_ROWS = 3
NEW_RELATION = ""
KEY_HINT = "Lowercase words joined by hyphens, e.g. white-cell-count."


def key_of(title: str, fallback: str, max_length: int = 64) -> str:
    """A kebab-case key made from a title ("Causes & risks" -> "causes-risks"), so
    an instructor never has to invent one; ``fallback`` when it has no Latin letter."""
    return kebab(title, fallback, words=MAX_KEY_WORDS, length=max_length)


def _key_check(field: StringField) -> None:
    if field.data and not KEY_PATTERN.fullmatch(field.data):
        raise ValidationError(f"Use only lowercase letters, digits and hyphens. {KEY_HINT}")


class DeckForm(FlaskForm):
    title = StringField(
        "Title", validators=[InputRequired("Give the deck a title."), Length(max=200)]
    )
    slug = StringField(
        "Short name in addresses",
        validators=[Optional(), Length(max=64)],
        description=f"{KEY_HINT} Leave empty to make one from the title. It cannot change later.",
    )
    description = TextArea(
        "Description",
        validators=[Length(max=2000)],
        description="One or two sentences learners see when they choose a deck.",
    )
    submit = SubmitField("Create deck")

    def validate_slug(self, field: StringField) -> None:
        _key_check(field)

    def slug_or_title(self) -> str:
        return self.slug.data or key_of(self.title.data or "", "deck")


class TopicForm(FlaskForm):
    title = StringField(
        "New topic", validators=[InputRequired("Give the topic a title."), Length(max=200)]
    )
    submit = SubmitField("Add topic")


class SourceForm(FlaskForm):
    """A source document: pasted, or read from an uploaded file, with its citation."""

    title = StringField(
        "Title",
        validators=[Length(max=300)],
        description="As the document gives it. Left empty, the uploaded file's own title is used.",
    )
    author = StringField(
        "Author",
        validators=[Length(max=300)],
        description="As the document gives it; leave empty when it names none.",
    )
    publisher = StringField(
        "Publisher",
        validators=[Length(max=300)],
        description="The organisation that published it, when it says so.",
    )
    address = StringField(
        "Web address or place", validators=[Length(max=500)], description="Where to find it."
    )
    published = DateField(
        "Date",
        validators=[Optional()],
        description="When it was published or last updated, if it says.",
    )
    file = FileField(
        "Upload the document",
        description="A .txt, .md, .html or .pdf file (a PDF must hold text, not scanned "
        "pages). Its text replaces anything pasted below.",
    )
    text = TextArea(
        "Or paste its text",
        description="Facts quote this text word for word, so paste it as the document gives it.",
    )
    note = TextArea(
        "Note",
        validators=[Length(max=2000)],
        description="Optional, e.g. “the document gives no title; this one is ours”.",
    )
    base_version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    submit = SubmitField("Save source")

    def citation(self) -> dict[str, Any]:
        """The citation fields as the services take them (empty ones as None)."""
        return {
            "author": (self.author.data or "").strip() or None,
            "publisher": (self.publisher.data or "").strip() or None,
            "address": (self.address.data or "").strip() or None,
            "published": self.published.data,
        }


class FalseStatementForm(Form):
    """One false statement and its correction; the outer form carries the CSRF token."""

    text = TextArea("False statement", validators=[Length(max=1000)])
    correction = TextArea("Correction", validators=[Length(max=1000)])


class FactForm(FlaskForm):
    """A fact and the items to make from it, field by field."""

    key = StringField(
        "Short name",
        validators=[Optional(), Length(max=100)],
        description=f"{KEY_HINT} Items are named after it. "
        "Leave empty to make one from the statement.",
    )
    topic = SelectField("Topic", validate_choice=False)
    new_topic = StringField(
        "Or a new topic",
        validators=[Length(max=200)],
        description="Its title, e.g. “Causes”. Leave empty to use the topic chosen above.",
    )
    quote = TextArea(
        "Quote from the document",
        validators=[InputRequired("Choose the passage of the document that says this.")],
        description="Word for word from the document. Select the passage in the text and "
        "press “Use selection as quote”, or paste it here.",
    )
    statement = TextArea(
        "Statement",
        validators=[InputRequired("Write the fact in your own words."), Length(max=2000)],
        description="The fact in plain words, one or two sentences. Keep units with numbers.",
    )
    # Off unless asked for: a deck of True statements alone teaches guessing "True".
    truefalse = BooleanField("Also ask whether the statement is true", default=False)
    critical = BooleanField("Safety-critical (when to get help, preventing harm)")
    question = StringField("Question", validators=[Length(max=500)])
    answer = StringField("Answer", validators=[Length(max=300)], description="Short.")
    accept = TextArea(
        "Other spellings that count as right", description="One per line. Makes a fill-in question."
    )
    distractors = TextArea(
        "Wrong answers",
        description="One per line: wrong answer = why it is wrong, e.g. "
        "“Antacids = They ease heartburn; they do not lower the count.” "
        "Two or more make a multiple-choice question.",
    )
    cloze = TextArea(
        "Text with gaps",
        description="The statement with each hidden part in double braces: "
        "“A count below {{4.0 × 10⁹/L}} is low.” One card per gap.",
    )
    number_question = StringField("Question asking for the number", validators=[Length(max=500)])
    number_value = FloatField("Value", validators=[Optional()])
    number_unit = StringField("Unit", validators=[Length(max=50)], description="e.g. × 10⁹/L")
    number_tolerance = FloatField(
        "Tolerance",
        validators=[Optional(), NumberRange(min=0, message="The tolerance cannot be negative.")],
        description="How far an answer may be off. Leave empty for an exact answer.",
    )
    list_relation = SelectField("The members are", validate_choice=False)
    list_label = StringField(
        "Or a new kind of list",
        validators=[Length(max=200)],
        description="A plural phrase without “the”, e.g. “medicines that can lower the "
        "white count”.",
    )
    list_member_type = StringField(
        "Kind of member",
        validators=[Optional(), Length(max=64)],
        description="e.g. medication, condition, symptom: wrong answers come from members "
        "of the same kind. Leave empty to make one from the list's kind.",
    )
    list_question = StringField("Question asking for the members", validators=[Length(max=500)])
    list_card_question = StringField(
        "Flashcard asking for the whole list",
        validators=[Length(max=500)],
        description="Optional, e.g. “Which kinds of medicine can lower the white count?”",
    )
    list_members = TextArea("Members", description="One per line.")
    list_distractors = TextArea(
        "Wrong answers for the list", description="One per line: wrong answer = why it is wrong."
    )
    list_claim = StringField(
        "Claim about each member",
        validators=[Length(max=300)],
        description="Optional; with {member} where a member goes, e.g. "
        "“{member} can lower the white count.” Makes true/false questions.",
    )
    false_statements = FieldList(
        FormField(FalseStatementForm), min_entries=FALSE_STATEMENT_ROWS, max_entries=20
    )
    base_version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    submit = SubmitField("Save fact")

    # Where a record field's problems are shown, when its name is not the field's.
    FIELD_OF = {"id": "key", "source": "quote", "list": "list_members", "number": "number_question"}
    # The record fields this form writes; any other field of a stored record is kept.
    WRITTEN = (
        "id",
        "topic",
        "source",
        "quote",
        "statement",
        "question",
        "answer",
        "accept",
        "distractors",
        "cloze",
        "number",
        "list",
        "false_statements",
        "truefalse",
        "critical",
    )

    def __init__(self, topics: dict[str, str], relations: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.topic.choices = [SelectChoice("", "Choose a topic")] + [
            SelectChoice(key, title) for key, title in topics.items()
        ]
        self.list_relation.choices = [SelectChoice(NEW_RELATION, "A new kind of list (below)")] + [
            SelectChoice(key, (relation or {}).get("label") or key)
            for key, relation in relations.items()
        ]
        self.false_errors: list[str] = []

    def validate_key(self, field: StringField) -> None:
        _key_check(field)

    def validate_list_member_type(self, field: StringField) -> None:
        _key_check(field)

    def validate_distractors(self, field: TextArea) -> None:
        _check_pairs(field)

    def validate_list_distractors(self, field: TextArea) -> None:
        _check_pairs(field)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        if not self.topic.data and not (self.new_topic.data or "").strip():
            add_error(self.topic, "Choose a topic, or write a new one below.")
            valid = False
        return valid

    def topic_key(self) -> str:
        new = (self.new_topic.data or "").strip()
        return key_of(new, "topic") if new else self.topic.data or ""

    def relation_key(self) -> str:
        return self.list_relation.data or key_of(self.list_label.data or "", "list")

    def record(self, source: str, stored: dict[str, Any] | None = None) -> dict[str, Any]:
        """The fact record the fields describe; fields of ``stored`` that this form
        does not show (``see_also``) are kept."""
        statement = (self.statement.data or "").strip()
        record: dict[str, Any] = {
            "id": self.key.data or key_of(statement, "fact", max_length=100),
            "topic": self.topic_key(),
            "source": source,
            "quote": (self.quote.data or "").strip(),
            "statement": statement,
        }
        optional = {
            "question": (self.question.data or "").strip(),
            "answer": (self.answer.data or "").strip(),
            "accept": lines_of(self.accept.data),
            "distractors": _distractors(self.distractors.data),
            "cloze": (self.cloze.data or "").strip(),
            "number": self._number(),
            "list": self._list(),
            "false_statements": [
                {"text": text, "correction": correction}
                for entry in self.false_statements.entries
                for text, correction in [
                    (
                        (entry.form.text.data or "").strip(),
                        (entry.form.correction.data or "").strip(),
                    )
                ]
                if text or correction
            ],
        }
        record |= {name: value for name, value in optional.items() if value}
        record |= {k: v for k, v in (stored or {}).items() if k not in self.WRITTEN}
        if not self.truefalse.data:
            record["truefalse"] = False
        if self.critical.data:
            record["critical"] = True
        return record

    def new_relation(self) -> dict[str, str] | None:
        """The deck relation a new kind of list is added as (its label), or None."""
        label = (self.list_label.data or "").strip()
        return {"label": label} if not self.list_relation.data and label else None

    def _number(self) -> dict[str, Any]:
        question = (self.number_question.data or "").strip()
        if not question and self.number_value.data is None:
            return {}
        number: dict[str, Any] = {"question": question, "value": self.number_value.data}
        if unit := (self.number_unit.data or "").strip():
            number["unit"] = unit
        if self.number_tolerance.data is not None:
            number["tolerance"] = self.number_tolerance.data
        return number

    def _list(self) -> dict[str, Any]:
        members = lines_of(self.list_members.data)
        question = (self.list_question.data or "").strip()
        if not members and not question:
            return {}
        block: dict[str, Any] = {
            "relation": self.relation_key(),
            "member_type": self.list_member_type.data or self.relation_key(),
            "question": question,
        }
        if card_question := (self.list_card_question.data or "").strip():
            block["card_question"] = card_question
        block["members"] = members
        if distractors := _distractors(self.list_distractors.data):
            block["distractors"] = distractors
        if claim := (self.list_claim.data or "").strip():
            block["claim"] = claim
        return block

    def fill(self, record: dict[str, Any], topics: dict[str, str]) -> None:
        """Show a stored fact record in the fields (the reverse of :meth:`record`)."""
        self.key.data = record["id"]
        self.topic.data = record["topic"] if record["topic"] in topics else ""
        self.quote.data, self.statement.data = record["quote"], record["statement"]
        self.truefalse.data = record.get("truefalse", True)
        self.critical.data = record.get("critical", False)
        self.question.data, self.answer.data = record.get("question"), record.get("answer")
        self.accept.data = "\n".join(record.get("accept", ()))
        self.distractors.data = _written_distractors(record.get("distractors", ()))
        self.cloze.data = record.get("cloze")
        number = record.get("number") or {}
        self.number_question.data, self.number_value.data = (
            number.get("question"),
            number.get("value"),
        )
        self.number_unit.data = number.get("unit")
        self.number_tolerance.data = number.get("tolerance")
        block = record.get("list") or {}
        self.list_relation.data = block.get("relation", NEW_RELATION)
        self.list_member_type.data = block.get("member_type")
        self.list_question.data = block.get("question")
        self.list_card_question.data = block.get("card_question")
        self.list_members.data = "\n".join(block.get("members", ()))
        self.list_distractors.data = _written_distractors(block.get("distractors", ()))
        self.list_claim.data = block.get("claim")
        statements = record.get("false_statements", [])
        while len(self.false_statements.entries) < len(statements) + 1:
            self.false_statements.append_entry()
        for entry, statement in zip(self.false_statements.entries, statements, strict=False):
            entry.form.text.data = statement["text"]
            entry.form.correction.data = statement["correction"]

    def show_problems(self, problems: dict[str, list[str]]) -> None:
        """Put each problem the service found at its field (``number.value`` at
        number_value), the false statements' above their rows, the rest above the form."""
        self.false_errors += problems.get("false_statements", [])
        others = {name: found for name, found in problems.items() if name != "false_statements"}
        show_problems(self, others, self.FIELD_OF)


def show_problems(
    form: FlaskForm, problems: dict[str, list[str]], rename: dict[str, str] | None = None
) -> None:
    """Show what a service refused: each message at the field it names (through
    ``rename`` where the names differ), messages for no field above the form."""
    for name, messages in problems.items():
        target = (rename or {}).get(name, name.replace(".", "_"))
        field = form._fields.get(target)
        for message in messages:
            if field is None:
                form.form_errors.append(message)
            else:
                add_error(field, message)


def _check_pairs(field: TextArea) -> None:
    pairs = [line.partition("=") for line in lines_of(field.data)]
    if any(sep and not (text.strip() and why.strip()) for text, sep, why in pairs):
        raise ValidationError("Write one wrong answer = why it is wrong per line.")


def _distractors(text: str | None) -> list[str | dict[str, str]]:
    """Lines ``wrong answer = why`` as ``{text, why}``; a line without "=" stays a plain
    wrong answer, as older bank files hold them (``quizapp bank lint`` asks for a why)."""
    pairs = [line.partition("=") for line in lines_of(text)]
    return [
        {"text": wrong.strip(), "why": why.strip()} if sep else wrong.strip()
        for wrong, sep, why in pairs
    ]


def _written_distractors(entries: Any) -> str:
    return "\n".join(
        entry if isinstance(entry, str) else f"{entry['text']} = {entry['why']}"
        for entry in entries
    )


class ConfirmForm(FlaskForm):
    """A POST button that carries the CSRF token (retiring a fact)."""

    submit = SubmitField("Retire this fact")
