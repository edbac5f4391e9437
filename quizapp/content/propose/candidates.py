"""Typed candidate facts found in one sentence or one bulleted list, by plain patterns.

Every candidate quotes its sentence (or list) exactly; its statement is that
quote with white space tidied (a bulleted list: its intro and members on one
line). Questions are the sentence itself, turned around as little as
possible, so nothing is said that the document does not say; the instructor
rewords them in review.

How an enumeration is split into members ("such as A, B and C"): commas
separate members. With a comma before the final "and"/"or" ("A, meat and
eggs, and C") that "and" ends the list and every other "and" stays inside its
member ("meat and eggs"). Without one, the last member follows the first
"and"/"or" of the last comma-separated part ("A, B and cold hands and feet"):
any later "and" belongs to the member, so "cold hands and feet" is kept
whole. The enumeration ends at the clause's punctuation, at a comma after its
last member, or at a verb such as "can" or "may" that starts the rest of the
sentence (not one in the member's own "who are ill").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..cues import STOPWORDS, content_stems, words
from .layout import BulletList, Span

DEFINITION = "definition"
NUMBER = "number"
LIST = "list"
STATEMENT = "statement"

MAX_MEMBER_WORDS = 8  # a longer "member" is a clause the split ran into
MAX_BULLET_WORDS = 10
MAX_LABEL_WORDS = 4  # a longer intro is a sentence ("Call us if you have"), not a noun
MAX_DELETION_WORDS = 5  # a cloze hides a key term, not half the sentence
GAP = "…"


@dataclass(frozen=True)
class Draft:
    """A candidate before it gets its id and topic: what it quotes and the record fields."""

    kind: str
    start: int  # what it quotes: the document's text from start to end
    end: int
    name: str  # the words its id is made from
    fields: dict[str, Any]  # the fact record without id, topic, source and quote
    heading: str | None
    label: str = ""  # a list: what its members are ("infections"), "" when no noun says it
    members: tuple[str, ...] = ()


def tidy(text: str) -> str:
    """One line with single spaces: a quote's words as a statement or question shows them."""
    return " ".join(text.split())


# --- definitions: "Leukopenia is a low number of white cells in the blood." ---

_DEFINITION = re.compile(
    r"(?:(?:An?|The)\s)?(?P<term>[A-Z][\w'’-]*(?:\s[\w'’-]+){0,3}?)\s(?P<verb>is|are|means)\s"
    r"(?P<meaning>(?!the same\b|the only\b)"
    r"(?:(?:an?|the|when|too|having|not|low|high)\b|(?:[\w-]+\s){1,3}(?<!so\s)(?:that|which|who)\s)"
    r"[^!?]*?)[.!]?"
)
# First words that make "X is …" a remark about something named earlier, not a definition.
_NOT_TERMS = frozenset(
    {
        "it",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "what",
        "which",
        "who",
        "each",
        "one",
        "your",
        "our",
        "my",
        "his",
        "her",
        "their",
        "its",
        "all",
        "some",
        "most",
        "many",
        "every",
        "any",
        "no",
        "both",
        "such",
    }
)


def definition(sentence: Span, heading: str | None) -> Draft | None:
    """ "X is a …", "X is when …", "X means …", "X are … that …": a question the term
    answers, and a cloze that hides the term unless the sentence gives it away."""
    statement = tidy(sentence.text)
    match = _DEFINITION.fullmatch(statement)
    if not match or match.group("term").split()[0].lower() in _NOT_TERMS:
        return None
    term, meaning = match.group("term"), match.group("meaning")
    if match.group("verb") == "means":
        question = f"What word means {meaning}?"
    elif meaning.startswith("when "):
        question = f"What is it called {meaning}?"
    else:
        question = f"What is the name for {meaning}?"
    fields: dict[str, Any] = {"statement": statement, "question": question, "answer": term}
    if cloze := _cloze(statement, match.start("term"), match.end("term")):
        fields["cloze"] = cloze
    return Draft(DEFINITION, sentence.start, sentence.end, term, fields, heading)


# --- numbers with units: "4.0 × 10⁹/L", "12.0 g/dL", "38 °C", "500 per microlitre" ---

_VALUE = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
_UNIT = (
    r"[×x]\s?10(?:[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\^\d+)\s?/\s?(?:L|µL|μL|mm³|mL)"
    r"|°\s?[CF]\b"
    r"|%"
    r"|(?:mg|mcg|µg|μg|g|kg|mmol|µmol|mL|ml|dL|L|cm|mm)(?:/(?:dL|L|mL|kg|day|µL|μL|mm³))?(?![\w/])"
    r"|(?:cells?\s)?per\s(?:microlitre|microliter|litre|liter|cubic\smillimet(?:re|er)"
    r"|µL|μL|mm³|day|week|hour|minute)\b"
    r"|(?:second|minute|hour|day|week|month|year)s?\b"
)
_NUMBER = re.compile(
    rf"(?<![\w.,])(?P<value>{_VALUE})(?:\s?(?:to|-|–)\s?(?P<high>{_VALUE}))?\s?(?P<unit>{_UNIT})"
)


def numbers(sentence: Span, heading: str | None) -> Iterator[Draft]:
    """One number fact per figure with a unit; both ends of a range ("4 to 11 × 10⁹/L")."""
    statement = tidy(sentence.text)
    for match in _NUMBER.finditer(statement):
        unit = tidy(match.group("unit"))
        for group in ("value", "high"):
            if match.group(group) is None:
                continue
            written = match.group(group)
            gapped = statement[: match.start(group)] + GAP + statement[match.end(group) :]
            block = {
                "question": f"What number fills the gap? {gapped}",
                "value": _number(written),
                "unit": unit,
                "tolerance": 0,
            }
            name = " ".join([*_content_words(statement)[:3], written])
            fields = {"statement": statement, "number": block}
            yield Draft(NUMBER, sentence.start, sentence.end, name, fields, heading)


def _number(written: str) -> int | float:
    plain = written.replace(",", "")
    return float(plain) if "." in plain else int(plain)


# --- lists: bulleted under an intro ending in ':', or inline "such as A, B and C" ---

_ENUMERATION_CUE = re.compile(r"\b(?P<cue>such as|including|includes?)\s", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[.;:!?()]|\s[–—]\s")
_CONNECTOR = re.compile(r"(?:^|\s)(?:and|or)\s")
_FINAL_CONNECTOR = re.compile(r"(?:and|or)\s")  # after a comma: "A, B, and C"
# Words that start the rest of a sentence after its last member ("… and chickenpox can …").
_PREDICATE = frozenset(
    {
        "can",
        "may",
        "might",
        "could",
        "will",
        "would",
        "should",
        "must",
        "is",
        "are",
        "was",
        "were",
        "do",
        "does",
        "did",
        "often",
        "usually",
        "also",
    }
)
# Words ending in "s" that are not plural nouns ("this", "has", "as", "includes").
_NOT_NOUNS = frozenset(
    {"has", "was", "does", "is", "as", "this", "its", "his", "hers", "us", "includes"}
)
_RELATIVE = frozenset({"who", "that", "which"})
_LIST_VERBS = re.compile(r"\s(?:can |may |often )?(?:include|includes|are|is|such as)$")


def enumeration(sentence: Span, heading: str | None) -> Draft | None:
    """ "such as A, B and C", "including A, B, or C", "include A and B": a list fact whose
    question asks which of these is one of them, and whose card hides them."""
    statement = tidy(sentence.text)
    cue = _ENUMERATION_CUE.search(statement)
    if not cue:
        return None
    start = cue.end()
    clause_end = _CLAUSE_END.search(statement, start)
    end = clause_end.start() if clause_end else len(statement)
    split = _members(statement[start:end])
    if split is None:
        return None
    members, length = split
    rest = statement[start + length : end].strip(" ,")
    before = statement[: cue.start()].rstrip(" ,")
    name = _lower(before.split()[-1]) if before else "examples"
    kept = before.split()
    while kept and kept[-1].lower() in _PREDICATE:
        kept.pop()  # "Causes can include …": the noun is before "can"
    label = _noun(kept[-1]) if kept else ""
    if label and rest and not cue.group("cue").lower().startswith("include"):
        question = f"Which of these {label} {rest}?"
    else:
        question = _list_question(label, heading)
    card = statement[:start] + GAP + statement[start + length :]
    place = (sentence.start, sentence.end)
    return _list_draft(place, statement, question, card, members, (name, label), heading)


def _members(enumerated: str) -> tuple[list[str], int] | None:
    """The members at the start of ``enumerated`` and the length of text they take,
    by the rule in the module docstring; None when it is not a list."""
    members: list[str] = []
    end = position = 0
    parts = enumerated.split(", ")
    final = next((i for i, part in enumerate(parts) if i and _FINAL_CONNECTOR.match(part)), None)
    for index, part in enumerate(parts):
        if final is None:
            connector = _CONNECTOR.search(part)
        else:
            connector = _FINAL_CONNECTOR.match(part) if index == final else None
        if connector is None:
            if members and _starts_predicate(part):
                break
            members.append(part)
            end = position + len(part)
            position += len(part) + len(", ")
            continue
        if connector.start() > 0:
            members.append(part[: connector.start()])
        last = _before_predicate(part[connector.end() :])
        members.append(last)
        end = position + connector.end() + len(last)
        break
    members = [member.strip() for member in members]
    if len(members) < 2 or any(
        not member or len(member.split()) > MAX_MEMBER_WORDS for member in members
    ):
        return None
    return members, end


def _starts_predicate(part: str) -> bool:
    first = part.split()[0].lower() if part.split() else ""
    return first in _PREDICATE


def _before_predicate(text: str) -> str:
    """``text`` up to a word that starts the rest of the sentence (see :data:`_PREDICATE`),
    except in a relative clause of the member ("people who are ill")."""
    tokens = list(re.finditer(r"\S+", text))
    found = [
        token
        for previous, token in zip([None, *tokens], tokens, strict=False)
        if token.group(0).lower() in _PREDICATE
        and not (previous and previous.group(0).lower() in _RELATIVE)
    ]
    return text[: found[0].start()].rstrip() if found else text


def bulleted(bullets: BulletList) -> Draft | None:
    """A bulleted or numbered list under its intro; a bullet longer than a short phrase
    is a sentence of advice, not a list member, so such lists are left to the sentences."""
    members = [bullet.text.rstrip(".;,") for bullet in bullets.members]
    if any(len(member.split()) > MAX_BULLET_WORDS for member in members):
        return None
    intro = tidy(bullets.intro.text)
    lead = intro.rstrip(":").rstrip()
    statement = f"{intro} {_joined(members)}."
    name = _LIST_VERBS.sub("", lead)
    name = name[0].lower() + name[1:] if name[:2].istitle() else name
    head = name.split()
    noun = len(head) <= MAX_LABEL_WORDS and (_noun(head[0]) or _noun(head[-1]))
    label = name if noun else ""
    return _list_draft(
        (bullets.start, bullets.end),
        statement,
        _list_question(label, bullets.heading),
        f"{intro} {GAP}",
        members,
        (name, label),
        bullets.heading,
    )


def _list_draft(
    place: tuple[int, int],
    statement: str,
    question: str,
    card: str,
    members: list[str],
    names: tuple[str, str],  # the words its id is made from; what its members are or ""
    heading: str | None,
) -> Draft | None:
    if len({tuple(words(member)) for member in members}) < len(members):
        return None  # a member written twice is not a list a question can be asked from
    block = {"question": question, "card_question": card, "members": members}
    fields = {"statement": statement, "list": block}
    name, label = names
    return Draft(LIST, *place, name, fields, heading, label, tuple(members))


def _joined(members: list[str]) -> str:
    return members[0] if len(members) == 1 else f"{', '.join(members[:-1])} and {members[-1]}"


def _lower(word: str) -> str:
    return word if word.isupper() else word.lower()


def _noun(word: str) -> str:
    """``word`` when it can name what a list's members are (a plural noun such as
    "symptoms" or "signs"), else ""."""
    folded = word.lower()
    plural = word.isalpha() and folded.endswith("s") and not folded.endswith("ss")
    if not plural or folded in STOPWORDS or folded in _PREDICATE or folded in _NOT_NOUNS:
        return ""
    return word if word.isupper() else folded


def _list_question(label: str, heading: str | None) -> str:
    """A real question for a list: by what its members are, else by where it stands."""
    if label:
        return f"Which of these is one of the {label}?"
    if heading:
        return f"Which of these does the text list under “{heading}”?"
    return "Which of these does the text list?"


# --- causal and advice sentences: a cloze on the key term ---

# Phrases that are themselves the key of the advice: they are what the card hides.
_ACTIONS = re.compile(
    r"\b(?:call|phone|see|contact|tell|ask)\s(?:your|a)\s(?:doctor|nurse|GP|pharmacist|care team)\b"
    r"|\bcall\s(?:911|999|112)\b|\bget\s(?:urgent\s)?(?:medical\s)?help\b",
    re.IGNORECASE,
)
# Words after which the sentence names the cause, effect or action to remember.
_CUES = re.compile(
    r"\b(?:because(?:\sof)?|can\slead\sto|leads?\sto|can\scause|causes?|caused\sby|results?\sin"
    r"|avoid|wash|should(?:\snot)?|must(?:\snot)?|do\snot|don't|never|always|try\sto"
    r"|helps?(?:\sto)?|protects?|raises?|lowers?)\s",
    re.IGNORECASE,
)
_BOUNDARY = frozenset(
    {
        "and",
        "or",
        "if",
        "when",
        "because",
        "which",
        "that",
        "so",
        "but",
        "with",
        "before",
        "after",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "during",
        "until",
        "while",
        "as",
        "than",
    }
)
_PHRASE_END = re.compile(r"[,.;:!?()\[\]\"“”`*]")


def advice(sentence: Span, heading: str | None) -> Draft | None:
    """A causal or advice sentence as a statement whose cloze hides its key term: the
    action ("call your doctor"), else the words after the first cue that do not leak."""
    statement = tidy(sentence.text)
    spans = [(m.start(), m.end()) for m in _ACTIONS.finditer(statement)]
    spans += [span for m in _CUES.finditer(statement) if (span := _phrase(statement, m.end()))]
    for start, end in spans:
        if cloze := _cloze(statement, start, end):
            name = " ".join(_content_words(statement)[:5])
            fields = {"statement": statement, "cloze": cloze}
            return Draft(STATEMENT, sentence.start, sentence.end, name, fields, heading)
    return None


def _phrase(statement: str, start: int) -> tuple[int, int] | None:
    """The words from ``start`` that end at punctuation, a linking word or the sentence's
    end within :data:`MAX_DELETION_WORDS` (after leading stop words), less a trailing
    stop word; None when the phrase runs on, as half a phrase is no key term."""
    stop = _PHRASE_END.search(statement, start)
    tokens = list(re.finditer(r"\S+", statement[start : stop.start() if stop else None]))
    while tokens and tokens[0].group(0).lower() in STOPWORDS:
        tokens.pop(0)
    ends = [i for i, token in enumerate(tokens) if token.group(0).lower() in _BOUNDARY]
    kept = tokens[: ends[0] if ends else len(tokens)]
    if len(kept) > MAX_DELETION_WORDS:
        return None
    while kept and kept[-1].group(0).lower() in STOPWORDS:
        kept.pop()
    return (start + kept[0].start(), start + kept[-1].end()) if kept else None


def _cloze(statement: str, start: int, end: int) -> str | None:
    """The statement with ``[start:end]`` as its deletion, unless the rest gives it away
    (a word of the same stem elsewhere) or it hides no word that carries meaning."""
    deleted = statement[start:end]
    rest = statement[:start] + " " + statement[end:]
    hidden = content_stems(deleted)
    if not hidden or hidden & content_stems(rest):
        return None
    return f"{statement[:start]}{{{{{deleted}}}}}{statement[end:]}"


def _content_words(text: str) -> list[str]:
    return [word for word in words(text) if word.isalpha() and word not in STOPWORDS]
