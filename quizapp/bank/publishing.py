"""What an item must pass before learners meet it.

An item is published only when it links at least one fact (its explanation
and citation come from the facts) and the quality gate finds no item-writing
error in it: the bar the bundled bank is held to. An edit or a restore that
gives a published item such an error takes it back to the drafts, so that no
learner meets it while an instructor fixes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from quizapp import content
from quizapp.bank import gate
from quizapp.bank.services import NEEDS_FACTS
from quizapp.content.lint import Finding, LintContext, Severity
from quizapp.extensions import db
from quizapp.models import Item, User

# Why an item without facts is not published, and how to fix it.
UNLINKED = (
    f"{NEEDS_FACTS} Open the item, choose Edit, tick its facts under “Linked facts” "
    "(type in “Find a fact” to search), save, then publish"
)


@dataclass(frozen=True)
class StatusChange:
    changed: int
    unlinked: list[str]  # uids not published: they have no linked fact
    failing: list[str]  # uids not published: the gate finds an item-writing error


def errors(item: Item, context: LintContext | None = None) -> list[Finding]:
    """The gate's item-writing errors on a stored item (warnings do not block)."""
    return [f for f in gate.item_findings(item, context) if f.severity is Severity.ERROR]


def set_status(item_ids: list[int], status: content.Status, editor: User) -> StatusChange:
    """Give items a status; publishing skips (and names) the items that fail the rules
    above, and clears the review note of those it publishes (they were reviewed)."""
    query = select(Item).where(Item.id.in_(item_ids)).order_by(Item.uid)
    loads = (
        selectinload(relation) for relation in (Item.facts, Item.deck, Item.topic, Item.source)
    )
    items = db.session.scalars(query.options(*loads)).all()
    unlinked: list[str] = []
    failing: list[str] = []
    if status is content.Status.PUBLISHED:
        contexts = {slug: gate.context_for(slug) for slug in {item.deck.slug for item in items}}
        unlinked = [item.uid for item in items if not item.facts]
        failing = [
            item.uid for item in items if item.facts and errors(item, contexts[item.deck.slug])
        ]
    changed = [item for item in items if item.uid not in {*unlinked, *failing}]
    for item in changed:
        item.status = status
        item.updated_by = editor
        if status is content.Status.PUBLISHED:
            item.review_note = None
    return StatusChange(len(changed), unlinked, failing)


def hold_to_gate(item: Item, editor: User) -> list[Finding]:
    """After an edit: a published item with item-writing errors goes back to the drafts.

    Returns:
        The errors that withdrew it (empty when it stays as it was).
    """
    found = errors(item) if item.status is content.Status.PUBLISHED else []
    if found:
        item.status = content.Status.DRAFT
        item.updated_by = editor
    return found
