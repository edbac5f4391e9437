"""Facts proposed from a source document, each decided by an instructor.

:func:`start` asks the propose engine for candidate facts in the source's
stored text and keeps them as :class:`FactCandidate` rows; the instructor then
accepts (as proposed or edited) or rejects each one. Accepting stores a fact
through :func:`facts.save_fact`, so a candidate passes the same checks as a
fact written by hand, and its items are drafts: nothing reaches learners
before an instructor publishes it. Services never commit: the request does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Select, case, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from quizapp import clock
from quizapp.bank import decks
from quizapp.bank.facts import FactProblems, save_fact
from quizapp.content import Status
from quizapp.content.propose import Proposal, ProposeError, propose
from quizapp.extensions import db
from quizapp.models import Deck, Fact, FactCandidate, Item, Source, User, item_fact

PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
PAGE_SIZE = 20  # candidates on one page of the review screen


class ProposalRefused(Exception):
    """Why no candidates were proposed (said to the instructor as it is)."""


class AlreadyDecided(Exception):
    """The candidate was accepted or rejected already (another tab, a double click)."""


@dataclass(frozen=True)
class Started:
    """What proposing (again) did: new candidates, and decided ones kept."""

    added: int
    kept: int


@dataclass(frozen=True)
class Figures:
    """How the review of one source's candidates stands."""

    proposed: int
    unchanged: int  # accepted as proposed
    edited: int  # accepted after an edit
    rejected: int
    pending: int


@dataclass(frozen=True)
class Generated:
    """What "make draft items" did for the facts accepted from one source."""

    facts: int
    report: decks.RegenerateReport
    drafts: int  # draft items of those facts now waiting in the review queue


def deck_of(source: Source) -> Deck:
    return db.session.get_one(Deck, source.deck_id)


def start(source: Source) -> Started:
    """Propose candidate facts from the source's text.

    Proposing again replaces only the pending candidates: decided ones stay,
    and a candidate with the kind and quote of a decided one is not proposed
    again, so nothing accepted is ever offered twice.

    Raises:
        ProposalRefused: the source has no text or too much of it, or the same proposal was just
            made by another request (two clicks at once store one set).
    """
    if not source.text or not source.text.strip():
        raise ProposalRefused(
            "This source has no text to propose facts from. Add its text to the source first."
        )
    deck = deck_of(source)
    try:
        proposal = _propose(deck, source)
    except ProposeError as error:
        raise ProposalRefused(str(error)) from None
    decided = db.session.scalars(
        select(FactCandidate).where(
            FactCandidate.source_id == source.id, FactCandidate.status != PENDING
        )
    ).all()
    seen = {(candidate.kind, candidate.quote) for candidate in decided}
    fresh = [c for c in proposal.candidates if (c.kind, c.quote) not in seen]
    # Numbered after the decided ones only: a request racing this one numbers its
    # candidates the same, and the unique (source, position) refuses the second set.
    first = max((candidate.position for candidate in decided), default=-1) + 1
    try:
        with db.session.begin_nested():
            db.session.execute(
                delete(FactCandidate).where(
                    FactCandidate.source_id == source.id, FactCandidate.status == PENDING
                )
            )
            db.session.add_all(
                FactCandidate(
                    deck_id=deck.id,
                    source_id=source.id,
                    position=first + number,
                    kind=candidate.kind,
                    topic_key=candidate.topic,
                    topic_title=candidate.topic_title,
                    quote=candidate.quote,
                    record=dict(candidate.record),
                )
                for number, candidate in enumerate(fresh)
            )
    except IntegrityError:
        raise ProposalRefused(
            "These facts were proposed a moment ago (another tab or a double click). "
            "The list below is up to date."
        ) from None
    return Started(added=len(fresh), kept=len(decided))


def _propose(deck: Deck, source: Source) -> Proposal:
    topics = {topic.key: topic.title for topic in deck.topics}
    return propose(source.text or "", deck=deck.slug, source=source.key, topics=topics)


def _free_key(deck: Deck, wanted: str) -> str:
    """``wanted``, or with ``-2``, ``-3`` … added while the deck has a fact of that key
    (a fact proposed from another source, or written by hand, took it first)."""
    taken = set(
        db.session.scalars(
            select(Fact.key).where(Fact.deck_id == deck.id, Fact.key.startswith(wanted))
        )
    )
    key, number = wanted, 1
    while key in taken:
        number += 1
        key = f"{wanted}-{number}"
    return key


def _without_id(record: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in record.items() if name != "id"}


def accept(candidate: FactCandidate, record: dict[str, Any], editor: User) -> Fact:
    """Store ``record`` (the proposal, or the instructor's edit of it) as a new fact.

    Its topic is created if the deck has none of that key yet, and a list fact's
    relation (and the pool of wrong answers for its members) is added to the
    deck's extras as the proposal gave them. The fact keeps the proposed id
    unless the deck has a fact of that id already. Nothing is kept when the
    fact is refused.

    Raises:
        FactProblems: the record breaks the bank's rules (field -> messages).
        AlreadyDecided: the candidate is no longer pending.
    """
    deck = candidate.deck
    titles = {candidate.topic_key: candidate.topic_title} | {t.key: t.title for t in deck.topics}
    topic = record.get("topic")
    if topic not in titles:
        raise FactProblems({"topic": ["Choose one of the deck's topics or the proposed one."]})
    with db.session.begin_nested():  # a refused fact undoes the topic and extras too
        _decide(candidate, ACCEPTED, editor)
        try:
            decks.add_topic(deck, topic, titles[topic])
        except decks.DeckProblems as refused:
            messages = [m for found in refused.problems.values() for m in found]
            raise FactProblems({"topic": messages}) from None
        _declare_list(deck, candidate, record)
        key = _free_key(deck, str(record.get("id", "")))
        fact = save_fact(deck, None, record | {"id": key}, editor)
        candidate.fact = fact
        candidate.edited = _without_id(record) != _without_id(candidate.record)
    return fact


def reject(candidate: FactCandidate, editor: User) -> None:
    """Keep the candidate out of the deck.

    Raises:
        AlreadyDecided: the candidate is no longer pending.
    """
    _decide(candidate, REJECTED, editor)


def _decide(candidate: FactCandidate, status: str, editor: User) -> None:
    """Mark the candidate decided, if it still is pending: of two decisions at
    once, only the first counts."""
    decided = cast(
        "CursorResult[Any]",
        db.session.execute(
            update(FactCandidate)
            .where(FactCandidate.id == candidate.id, FactCandidate.status == PENDING)
            .values(status=status, decided_by_id=editor.id, decided_at=clock.now())
            .execution_options(synchronize_session="fetch")
        ),
    )
    if decided.rowcount != 1:
        raise AlreadyDecided


def _declare_list(deck: Deck, candidate: FactCandidate, record: dict[str, Any]) -> None:
    """Add what a list fact needs to the deck's extras when it is missing: its
    relation (deck.yaml ``relations``) and the pool of wrong answers named by its
    member type (pools.yaml; empty when the proposal has none).

    The candidate keeps only the fact, so the entries are read from the
    proposal again, which follows from the source text alone.
    """
    block = record.get("list")
    if not isinstance(block, dict):
        return
    relation, member_type = block.get("relation"), block.get("member_type")
    if not (isinstance(relation, str) and isinstance(member_type, str)):
        return  # save_fact reports the malformed block
    relations = (deck.extras or {}).get("relations") or {}
    pools = (deck.extras or {}).get("pools") or {}
    if relation in relations and member_type in pools:
        return
    proposal = _propose(deck, candidate.source)
    decks.declare_list(
        deck,
        relation,
        member_type,
        proposal.relations.get(relation),
        proposal.pools.get(member_type),
    )


def generate(source: Source, editor: User) -> Generated:
    """Regenerate the items of the facts accepted from this source: new ones are drafts.

    Raises:
        content.BankError: the stored deck does not pass the bank's checks.
    """
    keys = set(
        db.session.scalars(
            select(Fact.key)
            .join(FactCandidate, FactCandidate.fact_id == Fact.id)
            .where(FactCandidate.source_id == source.id, Fact.retired_at.is_(None))
        )
    )
    report = decks.regenerate(deck_of(source), keys, editor) if keys else decks.RegenerateReport()
    drafts = db.session.scalar(
        select(func.count(func.distinct(Item.id)))
        .join(item_fact, item_fact.c.item_id == Item.id)
        .join(FactCandidate, FactCandidate.fact_id == item_fact.c.fact_id)
        .where(FactCandidate.source_id == source.id, Item.status == Status.DRAFT)
    )
    return Generated(facts=len(keys), report=report, drafts=drafts or 0)


def figures(source: Source) -> Figures:
    outcome = case(
        (FactCandidate.status != ACCEPTED, FactCandidate.status),
        (FactCandidate.edited, "edited"),
        else_="unchanged",
    )
    rows = db.session.execute(
        select(outcome, func.count()).where(FactCandidate.source_id == source.id).group_by(outcome)
    )
    counts: dict[str, int] = {name: count for name, count in rows}
    return Figures(
        proposed=sum(counts.values()),
        unchanged=counts.get("unchanged", 0),
        edited=counts.get("edited", 0),
        rejected=counts.get(REJECTED, 0),
        pending=counts.get(PENDING, 0),
    )


def candidates_of(source: Source) -> Select[FactCandidate]:
    """The source's candidates in the order the review screen lists them."""
    return (
        select(FactCandidate)
        .where(FactCandidate.source_id == source.id)
        .order_by(FactCandidate.position)
    )


def page_of(candidate: FactCandidate) -> int:
    """The review screen's page that lists the candidate."""
    before = db.session.scalar(
        select(func.count()).where(
            FactCandidate.source_id == candidate.source_id,
            FactCandidate.position < candidate.position,
        )
    )
    return (before or 0) // PAGE_SIZE + 1
