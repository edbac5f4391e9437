"""A proposal as a deck folder that ``quizapp bank check`` accepts as written.

The folder is a first draft for an instructor (deck.yaml says ``new_items:
draft``, so loading it publishes nothing). It holds the document's text in
documents/, so every quote is checked against it. A candidate whose fact the
bank's own checks or the item-writing gate would refuse (a list with too few
wrong answers, a sentence that reads far above grade 8 …) is held back with
the reason, rather than written into a folder that cannot be loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import bank_of
from ..folder import deck_files, load_deck_files
from ..lint import lint_deck
from ..model import Status
from ..problems import BankError, Location
from ..text import kebab
from . import KEY_WORDS, Candidate, Proposal, propose


@dataclass(frozen=True)
class Held:
    candidate: Candidate
    reason: str


@dataclass(frozen=True)
class ProposalFolder:
    files: dict[str, str]  # relative path -> text, for write_folder; none if no fact is kept
    proposal: Proposal
    held: tuple[Held, ...]  # candidates left out, with the first reason for each
    unresolved: tuple[str, ...]  # the gate's errors about the whole deck: for the instructor

    @property
    def written(self) -> tuple[Candidate, ...]:
        left_out = {held.candidate.record["id"] for held in self.held}
        return tuple(c for c in self.proposal.candidates if c.record["id"] not in left_out)


@dataclass(frozen=True)
class SourceInfo:
    """What sources.yaml says of the document (title, author, publisher as it gives them)."""

    title: str
    file_name: str  # the original file's name, for the source's key
    author: str | None = None
    publisher: str | None = None


def proposal_folder(text: str, *, deck: str, source: SourceInfo) -> ProposalFolder:
    """The deck folder files for the facts proposed from ``text``.

    Raises:
        BankError: a problem that belongs to no single fact (a bug, or a
            document the loader refuses); the problems say what it is.
    """
    named = kebab(source.file_name, "document", words=KEY_WORDS)
    key = kebab(source.title, named, words=KEY_WORDS)
    proposal = propose(text, deck=deck, source=key)
    document = f"{key}.txt"
    entry: dict[str, Any] = {"id": key, "title": source.title}
    credits = {"author": source.author, "publisher": source.publisher}
    entry |= {name: value for name, value in credits.items() if value}
    entry["document"] = document
    held: dict[str, str] = {}
    files: dict[str, str] = {}
    whole: list[str] = []
    while kept := [c for c in proposal.candidates if c.record["id"] not in held]:
        files = _files(deck, source.title, proposal, kept, entry, {document: text})
        by_fact, whole = _problems(files, deck)
        if not by_fact:
            break
        held |= by_fact
    else:
        files = {}  # nothing left to write
    by_id = {c.record["id"]: c for c in proposal.candidates}
    return ProposalFolder(
        files,
        proposal,
        tuple(Held(by_id[fact], reason) for fact, reason in held.items()),
        tuple(whole),
    )


def _files(
    deck: str,
    title: str,
    proposal: Proposal,
    kept: list[Candidate],
    source: Mapping[str, Any],
    documents: Mapping[str, str],
) -> dict[str, str]:
    topics = {c.topic: c.topic_title for c in kept}
    relations = sorted({c.record["list"]["relation"] for c in kept if "list" in c.record})
    header: dict[str, Any] = {"id": deck, "title": title, "topics": topics}
    if relations:
        header["relations"] = {key: proposal.relations[key] for key in relations}
    header["new_items"] = Status.DRAFT.value
    pools = {"pools": {key: proposal.pools[key] for key in relations}}
    return deck_files(
        header,
        [source],
        [c.record for c in kept],
        documents=documents,
        pools=pools if relations else None,
    )


def _problems(files: Mapping[str, str], deck: str) -> tuple[dict[str, str], list[str]]:
    """Fact id -> the first problem that the bank's checks or the gate's errors find in
    it; and the gate's errors about the whole deck, which no one fact can be blamed for.

    Raises:
        BankError: a problem of the bank's checks that is not at a fact.
    """
    loaded = load_deck_files(files, deck)
    at = {fact.origin: fact.id for fact in loaded.facts.values()}
    found: dict[str, str] = {}
    try:
        bank = bank_of((loaded,))
    except BankError as error:
        for problem in error.problems:
            fact = at.get(Location(problem.path, problem.line or 0))
            if fact is None:
                raise
            found.setdefault(fact, problem.message)
        return found, []
    whole: list[str] = []
    for finding in lint_deck(loaded, bank.items).errors:
        parts = finding.item_id.split(":")
        if len(parts) > 1 and parts[1] in loaded.facts:
            found.setdefault(parts[1], f"{finding.code}: {finding.reason}")
        else:
            whole.append(str(finding))
    return found, whole
