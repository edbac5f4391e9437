"""Loading a bank into the database: complete, idempotent, updating in place."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from quizapp import content
from quizapp.extensions import db
from quizapp.models import Fact, Item, ItemVersion, Topic

from .banks import clean_bank

TEST_TOPIC = Path(__file__).parents[1] / "content" / "topics" / "hand-hygiene"
BUNDLED = Path(__file__).parents[2] / "questions"


@pytest.fixture
def bank_dir(tmp_path: Path) -> Path:
    """A copy of the small test topic that a test may edit."""
    target = tmp_path / "bank" / TEST_TOPIC.name
    shutil.copytree(TEST_TOPIC, target)
    return target.parent


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def load(runner: FlaskCliRunner, path: Path):
    return runner.invoke(args=["bank", "load", str(path)])


def test_load_stores_every_fact_and_item_published(
    app: Flask, runner: FlaskCliRunner, bank_dir: Path
) -> None:
    bank = content.read_bank(bank_dir)
    result = load(runner, bank_dir)
    assert result.exit_code == 0, result.output
    assert f"{len(bank.items)} added" in result.output
    with app.app_context():
        assert count(Fact) == sum(len(deck.facts) for deck in bank.decks)
        assert count(Item) == len(bank.items)
        statuses = set(db.session.scalars(select(Item.status).distinct()))
        assert statuses == {content.Status.PUBLISHED}
        item = db.session.scalar(select(Item).where(Item.uid == bank.items[0].id))
        assert [f.key for f in item.facts] == sorted(bank.items[0].facts)


def test_loading_the_same_bank_twice_changes_nothing(
    app: Flask, runner: FlaskCliRunner, bank_dir: Path
) -> None:
    load(runner, bank_dir)
    with app.app_context():
        before = {i.uid: (i.id, i.version, i.updated_at) for i in db.session.scalars(select(Item))}
        versions = count(ItemVersion)
    result = load(runner, bank_dir)
    assert "0 added, 0 updated" in result.output
    with app.app_context():
        after = {i.uid: (i.id, i.version, i.updated_at) for i in db.session.scalars(select(Item))}
        assert after == before
        assert count(ItemVersion) == versions


def test_an_edited_fact_updates_its_items_in_place(
    app: Flask, runner: FlaskCliRunner, bank_dir: Path
) -> None:
    load(runner, bank_dir)
    bank = content.read_bank(bank_dir)
    fact = next(iter(bank.decks[0].facts.values()))
    changed = [item.id for item in bank.items if fact.id in item.facts]
    with app.app_context():
        ids = dict(db.session.execute(select(Item.uid, Item.id).where(Item.uid.in_(changed))).all())
        db.session.execute(
            Item.__table__.update()
            .where(Item.uid == changed[0])
            .values(status=content.Status.DRAFT.value)
        )
        db.session.commit()
    path = Path(fact.origin.path)
    path = path if path.is_absolute() else bank_dir / path
    text = path.read_text()
    assert fact.statement in text
    path.write_text(text.replace(fact.statement, fact.statement + " Edited."))

    result = load(runner, bank_dir)
    assert result.exit_code == 0, result.output
    assert f"{len(changed)} updated" in result.output
    with app.app_context():
        rows = db.session.scalars(select(Item).where(Item.uid.in_(changed))).all()
        assert {row.uid: row.id for row in rows} == ids
        assert {row.version for row in rows} == {2}
        assert all("Edited." in row.explanation for row in rows)
        assert (
            db.session.scalar(select(Item.status).where(Item.uid == changed[0]))
            is content.Status.DRAFT
        )
        assert count(ItemVersion) == len(bank.items) + len(changed)


def test_an_item_that_leaves_the_bank_is_retired_not_deleted(
    app: Flask, runner: FlaskCliRunner, bank_dir: Path
) -> None:
    load(runner, bank_dir)
    items_file = bank_dir / TEST_TOPIC.name / "items.yaml"
    hand_written = [
        item.id
        for item in content.read_bank(bank_dir).items
        if item.origin.path.endswith("items.yaml")
    ]
    assert hand_written
    items_file.unlink()
    result = load(runner, bank_dir)
    assert f"{len(hand_written)} retired" in result.output
    with app.app_context():
        statuses = set(db.session.scalars(select(Item.status).where(Item.uid.in_(hand_written))))
        assert statuses == {content.Status.RETIRED}


def test_a_bank_with_an_error_loads_nothing(
    app: Flask, runner: FlaskCliRunner, bank_dir: Path
) -> None:
    sources = bank_dir / TEST_TOPIC.name / "sources.yaml"
    sources.write_text(sources.read_text() + "\nunexpected: [\n")
    result = load(runner, bank_dir)
    assert result.exit_code == 1
    assert f"{TEST_TOPIC.name}/sources.yaml:" in result.output
    assert "nothing was loaded" in result.output
    with app.app_context():
        assert count(Item) == 0 and count(Fact) == 0


def test_check_reports_ok_or_exits_1(
    runner: FlaskCliRunner, bank_dir: Path, tmp_path: Path
) -> None:
    ok = runner.invoke(args=["bank", "check", str(clean_bank(tmp_path / "clean"))])
    assert ok.exit_code == 0 and ok.output.startswith("OK: 1 deck(s)")
    facts = next((bank_dir / TEST_TOPIC.name / "facts").glob("*.yaml"))
    facts.write_text(facts.read_text().replace("source:", "sauce:", 1))
    bad = runner.invoke(args=["bank", "check", str(bank_dir)])
    assert bad.exit_code == 1
    assert f"{TEST_TOPIC.name}/facts/{facts.name}:" in bad.output


def test_export_json_and_yaml_hold_the_whole_bank(
    runner: FlaskCliRunner, bank_dir: Path, tmp_path: Path
) -> None:
    load(runner, bank_dir)
    bank = content.read_bank(bank_dir)
    out = tmp_path / "bank.json"
    assert (
        runner.invoke(args=["bank", "export", "--format", "json", "--output", str(out)]).exit_code
        == 0
    )
    exported = json.loads(out.read_text())
    assert set(exported) == {"sources", "facts", "items"}
    assert {f["id"] for f in exported["facts"]} == set(bank.decks[0].facts)
    assert set(exported["facts"][0]) >= {"id", "topic", "statement", "source", "quote"}
    by_id = {item["id"]: item for item in exported["items"]}
    for item in bank.items:
        stored = by_id[item.id]
        expected = item.to_dict()
        for key in (
            "kind",
            "type",
            "prompt",
            "options",
            "feedback",
            "answer",
            "explanation",
            "status",
        ):
            assert stored[key] == expected[key], (item.id, key)
        assert sorted(stored["facts"]) == sorted(expected["facts"])
        # An item's source is its first linked fact's (by key), whichever fact made it.
        assert stored["source"] == bank.decks[0].facts[min(item.facts)].source, item.id
    as_yaml = yaml.safe_load(runner.invoke(args=["bank", "export", "--format", "yaml"]).output)
    assert as_yaml == exported


def test_the_bundled_bank_loads_and_reloads_unchanged(app: Flask, runner: FlaskCliRunner) -> None:
    first = load(runner, BUNDLED)
    assert first.exit_code == 0, first.output
    second = load(runner, BUNDLED)
    assert "0 added, 0 updated" in second.output
    with app.app_context():
        types = set(db.session.scalars(select(Item.type).distinct()))
        assert types == set(content.ItemType)


def test_instructors_see_the_loaded_bank_on_their_dashboard(
    runner: FlaskCliRunner, bank_dir: Path, instructor_client
) -> None:
    assert "The bank is empty." in instructor_client.get("/instructor/").get_data(as_text=True)
    load(runner, bank_dir)
    page = instructor_client.get("/instructor/").get_data(as_text=True)
    bank = content.read_bank(bank_dir)
    assert bank.decks[0].title in page
    assert "<td>numeric</td><td>published</td>" in page


def test_load_stores_topic_weights_and_option_feedback(
    app: Flask, runner: FlaskCliRunner, bank_dir: Path
) -> None:
    """deck.yaml's importance and core topics, and each item's feedback, reach the database;
    the feedback is part of the versioned content, so changing it makes a new version."""
    assert load(runner, bank_dir).exit_code == 0
    with app.app_context():
        topics = {t.key: (t.importance, t.core) for t in db.session.scalars(select(Topic))}
        assert topics == {"basics": (1, False), "technique": (3, False), "when": (5, True)}
        item = db.session.scalar(
            select(Item).where(Item.uid == "hand-hygiene:wash-duration:single")
        )
        assert item is not None and item.option_feedback
        (version,) = db.session.scalars(select(ItemVersion).where(ItemVersion.item_id == item.id))
        assert version.content["feedback"] == item.option_feedback
        plain = db.session.scalar(
            select(Item).where(Item.uid == "hand-hygiene:rub-duration:numeric")
        )
        assert plain is not None and plain.option_feedback == {}
    technique = bank_dir / "hand-hygiene" / "facts" / "technique.yaml"
    text = technique.read_text(encoding="utf-8")
    technique.write_text(text.replace("dries the skin.", "dries out the skin."), encoding="utf-8")
    result = load(runner, bank_dir)
    assert result.exit_code == 0 and "0 added, 1 updated" in result.output
    with app.app_context():
        item = db.session.scalar(
            select(Item).where(Item.uid == "hand-hygiene:wash-duration:single")
        )
        assert item is not None and item.version == 2
