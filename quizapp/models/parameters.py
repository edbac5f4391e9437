"""FSRS parameters fitted to real reviews: a deck's (over all its learners) and a
learner's own in a deck. ``quizapp study optimize`` writes them; the scheduler of a
learner's card uses the learner's own, else the deck's, else the defaults."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.models.base import Base, JSONType, UTCDateTime


class FsrsParameters(Base):
    """One fit: its 21 numbers, how much of them it changed (``extent``: "initial"
    is w0-w3 only, "full" all), the usable ratings it used, the log loss and RMSE
    of the defaults and of the fit on ratings held out from it, and whether it
    schedules cards (``in_use``)."""

    __tablename__ = "fsrs_parameters"
    __table_args__ = (
        # A learner's own fit per deck; the deck's (user_id NULL) once per deck,
        # which a plain UNIQUE would not enforce (NULLs differ from each other).
        UniqueConstraint("deck_id", "user_id"),
        Index(
            "uq_fsrs_parameters_deck_id_all_learners",
            "deck_id",
            unique=True,
            sqlite_where=text("user_id IS NULL"),
            postgresql_where=text("user_id IS NULL"),
        ),
        CheckConstraint("extent IN ('initial', 'full')", name="extent"),
        CheckConstraint("reviews >= 0 AND held_out >= 0", name="counts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("deck.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    parameters: Mapped[list[float]] = mapped_column(JSONType)
    extent: Mapped[str] = mapped_column(String(10))
    fitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Review-log rows of the scope when fitted: what the cheap "grown enough?" check counts.
    log_rows: Mapped[int]
    reviews: Mapped[int]
    held_out: Mapped[int]
    # False: a learner's fit that did not beat the deck's on their held-out reviews;
    # kept on record (``--if-grown`` waits for new reviews) but not scheduling.
    in_use: Mapped[bool] = mapped_column(default=True)
    log_loss_default: Mapped[float | None]
    log_loss_fitted: Mapped[float | None]
    rmse_default: Mapped[float | None]
    rmse_fitted: Mapped[float | None]
