"""Finding items: the filters of the bank browser, as one indexed SQL query."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload

from quizapp.content import ItemType, Status
from quizapp.models import Deck, Fact, Flag, Item, ItemVersion, Source, Topic

PAGE_SIZE = 50
MAX_PAGE = 10_000


@dataclass(frozen=True)
class Filters:
    text: str = ""
    deck: str = ""
    topic: str = ""
    type: str = ""
    status: str = ""
    source: str = ""
    flagged: bool = False

    def query_args(self) -> dict[str, str]:
        """The filters as query-string arguments, for links to other pages of the list."""
        values = {
            "q": self.text,
            "deck": self.deck,
            "topic": self.topic,
            "type": self.type,
            "status": self.status,
            "source": self.source,
            "flagged": "1" if self.flagged else "",
        }
        return {key: value for key, value in values.items() if value}

    @classmethod
    def from_args(cls, args: dict[str, str]) -> Filters:
        """Read the query string, dropping values that are not real choices."""
        return cls(
            text=args.get("q", "").strip()[:200],
            deck=args.get("deck", "")[:64],
            topic=args.get("topic", "")[:64],
            type=args.get("type", "") if args.get("type") in set(ItemType) else "",
            status=args.get("status", "") if args.get("status") in set(Status) else "",
            source=args.get("source", "")[:64],
            flagged=args.get("flagged") == "1",
        )


def items_query(filters: Filters) -> Select[Item]:
    """Items matching every given filter, newest change first."""
    query = select(Item).options(
        joinedload(Item.deck),
        joinedload(Item.topic),
        joinedload(Item.source),
        joinedload(Item.updated_by),
    )
    if filters.text:
        pattern = f"%{filters.text}%"
        query = query.where(or_(Item.prompt.ilike(pattern), Item.uid.ilike(pattern)))
    if filters.deck:
        query = query.where(Item.deck.has(Deck.slug == filters.deck))
    if filters.topic:
        query = query.where(Item.topic.has(Topic.key == filters.topic))
    if filters.source:
        # Any linked fact's source: an item citing two sources is found by either.
        query = query.where(Item.facts.any(Fact.source.has(Source.key == filters.source)))
    if filters.type:
        query = query.where(Item.type == ItemType(filters.type))
    if filters.status:
        query = query.where(Item.status == Status(filters.status))
    if filters.flagged:
        query = query.where(Item.id.in_(open_flags().with_only_columns(Flag.item_id)))
    return query.order_by(Item.updated_at.desc(), Item.id.desc())


def open_flags() -> Select[Flag]:
    """Learners' "this looks wrong" reports still waiting for an instructor, oldest first."""
    return (
        select(Flag)
        .where(Flag.resolved_at.is_(None))
        .options(
            joinedload(Flag.learner),
            joinedload(Flag.item_version).joinedload(ItemVersion.item).joinedload(Item.topic),
        )
        .order_by(Flag.created_at)
    )


def page_number(value: str | None) -> int:
    """The page asked for, within 1..MAX_PAGE whatever the query string says."""
    try:
        return min(max(int(value or 1), 1), MAX_PAGE)
    except ValueError:
        return 1
