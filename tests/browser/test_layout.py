"""Every page at laptop (1,280 px) and phone (390 px) width: nothing scrolls sideways
except a table's own focusable scroll region, and axe-core finds nothing serious or
critical. One seeded server and one signed-in browser context per role serve all pages."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask, url_for
from playwright.sync_api import Browser, BrowserContext
from sqlalchemy import select
from werkzeug.serving import make_server

from quizapp import clock
from quizapp.assignments import services as assignments
from quizapp.bank import proposals, sources
from quizapp.content import ItemType, Status
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    Classroom,
    Deck,
    Fact,
    FeedbackTiming,
    Item,
    Role,
    Topic,
    User,
)
from quizapp.quiz import services as quiz
from tests import _databases as databases
from tests._requirements import missing
from tests.classes.conftest import Classes
from tests.conftest import (
    PASSWORD,
    TEST_DATABASE_URL,
    Accounts,
    build_app,
    on_postgres,
)
from tests.proposals.test_proposals import LEAFLET
from tests.quiz.conftest import Quizzes

pytestmark = pytest.mark.browser

WIDTHS = {"laptop": 1280, "phone": 390}
BLOCKING = {"serious", "critical"}

# Every page a person opens, by endpoint (a suffix after "@" names the role when
# the same endpoint is checked for more than one), with the role that opens it.
PAGES: dict[str, str] = {
    "main.home@guest": "guest",
    "auth.login": "guest",
    "auth.register": "guest",
    "account.forgot": "guest",
    "main.home": "learner",
    "main.reports": "learner",
    "quiz.index": "learner",
    "quiz.start": "learner",
    "quiz.question": "learner",
    "quiz.finish": "learner",
    "quiz.results": "learner",
    "quiz.history": "learner",
    "study.index": "learner",
    "study.session": "learner",
    "study.settings": "learner",
    "progress.index": "learner",
    "classes.mine": "learner",
    "classes.join": "learner",
    "classes.join_link": "learner",
    "account.index": "learner",
    "account.delete": "learner",
    "auth.change_password": "learner",
    "auth.devices": "learner",
    "main.home@instructor": "instructor",
    "instructor.dashboard": "instructor",
    "classes.index": "instructor",
    "classes.show": "instructor",
    "classes.learner": "instructor",
    "classes.items": "instructor",
    "classes.items_all": "instructor",
    "classes.manage": "instructor",
    "classes.join_sheet": "instructor",
    "classes.remove_learner": "instructor",
    "assignments.index": "instructor",
    "assignments.show": "instructor",
    "bank.index": "instructor",
    "bank.show": "instructor",
    "bank.show_version": "instructor",
    "bank.edit": "instructor",
    "bank.choose_type": "instructor",
    "bank.create": "instructor",
    "bank.import_file": "instructor",
    "bank.review": "instructor",
    "sources.deck_list": "instructor",
    "sources.new_deck": "instructor",
    "sources.deck": "instructor",
    "sources.new_source": "instructor",
    "sources.source": "instructor",
    "sources.edit_source": "instructor",
    "sources.fact_list": "instructor",
    "sources.new_fact": "instructor",
    "sources.fact": "instructor",
    "sources.edit_fact": "instructor",
    "sources.retire_fact": "instructor",
    "proposals.review": "instructor",
}
# GET routes that are not pages to look at, each with the reason.
NOT_PAGES: dict[str, str] = {
    "static": "files",
    "main.health": "a JSON probe",
    "account.download": "a download",
    "bank.export": "a download",
    "classes.roster_csv": "a download",
    "classes.items_csv": "a download",
    "classes.items_all_csv": "a download",
    "assignments.scores_csv": "a download",
    "study.export_anki": "a download",
    "quiz.resume": "a redirect to the question",
    "account.reset": "needs an emailed token; the same form as account.forgot",
    "account.welcome": "needs an emailed token; the same form as auth.register",
    "auth.setup": "needs an emailed token; the same form as auth.change_password",
}
LONG_NAMES = (
    "Maria-Fernanda Albuquerque dos Santos",
    "Bartholomew Oyelaran-Whitcombe",
    "Cy",
    "Dee Lin",
    "Flo Nakamura-Pettersson",
    "Eun-ji Park",
)


@dataclass
class Site:
    base_url: str
    urls: dict[str, str]
    states: dict[str, Any] = field(default_factory=dict)


def seed(app: Flask) -> dict[str, Any]:
    """A class whose instructor sees everything at once: six learners with long
    names, quizzes over every topic, flashcard reviews, an open quiz, a report and an
    assignment."""
    accounts = Accounts(app)
    build = Classes(app, accounts, Quizzes(app))
    instructor = accounts.create("ivy@example.org", Role.INSTRUCTOR, name="Ivy Instructor")
    learner = accounts.create("lee@example.org", Role.LEARNER, name="Lee Learner")
    classroom_id = build.classroom(instructor, "Ward 7 nurses, evening cohort 2026")
    build.enrol(classroom_id, learner)
    learners = [learner, *(build.learner(name, classroom_id) for name in LONG_NAMES)]
    with app.app_context():
        topics = list(db.session.scalars(select(Topic.key).order_by(Topic.key)))
        deck = db.session.scalar(select(Deck.slug).order_by(Deck.id))
        singles = db.session.execute(
            select(Item.id, Item.topic_id)
            .where(Item.type == ItemType.SINGLE, Item.status == Status.PUBLISHED)
            .order_by(Item.topic_id, Item.uid)
        ).all()
    per_topic: dict[int, list[int]] = {}
    for item_id, topic_id in singles:
        per_topic.setdefault(topic_id, []).append(item_id)
    asked = [item_id for ids in per_topic.values() for item_id in ids[:2]][:24]
    cards = [card for topic in topics for card in build.cards(1, topic)]
    finished = 0
    for number, person in enumerate(learners):
        finished = build.quiz(person, [(item, (item + number) % 3 != 0) for item in asked])
        build.reviews(person, [(card, 1 + (card + number) % 4) for card in cards])
    open_attempt = build.quiz(learner, [(item, True) for item in asked[:5]], finish=False)
    results = build.quiz(learner, [(item, item % 2 == 0) for item in asked[:10]])
    with app.app_context():
        quiz.finish(db.session.get_one(Attempt, results))
        found = quiz.own_question(learners[-1].id, finished, 1)
        assert found is not None
        question = found[0]
        quiz.flag(question, learners[-1].id, "The key looks wrong to me: see the source.")
        classroom = db.session.get_one(Classroom, classroom_id)
        wall_clock = clock.now().replace(tzinfo=None)
        assignment = assignments.create(
            classroom,
            assignments.Plan(
                title="Week 1: causes and first-line management of leukopenia",
                deck_id=db.session.execute(select(Deck.id).where(Deck.slug == deck)).scalar_one(),
                topic_ids=(),
                item_ids=tuple(asked[:5]),
                length=5,
                opens=wall_clock - timedelta(days=1),
                closes=wall_clock + timedelta(days=6),
                zone="Europe/Berlin",
                attempts_allowed=2,
                feedback=FeedbackTiming.EACH,
                late_allowed=True,
            ),
        )
        db.session.commit()
        assignment_id, code = assignment.id, classroom.join_code
        leaflet = sources.add_source(
            db.session.scalars(select(Deck).where(Deck.slug == deck)).one(),
            title="Low white blood cell count",
            text=LEAFLET,
            publisher="Ward 7",
            editor=db.session.get_one(User, instructor.id),
        )
        proposals.start(leaflet)
        db.session.commit()
        leaflet_id = leaflet.id
        fact_id = db.session.scalar(select(Fact.id).order_by(Fact.id))
    return {
        "classroom_id": classroom_id,
        "learner_id": learners[1].id,
        "item_id": asked[0],
        "item_type": ItemType.SINGLE.value,
        "attempt_id": open_attempt,
        "quiz.results": {"attempt_id": results},
        "position": 1,
        "version": 1,
        "deck_slug": deck,
        "deck": deck,
        "assignment_id": assignment_id,
        "code": code,
        "source_id": leaflet_id,
        "fact_id": fact_id,
        "proposals.review": {"source_id": leaflet_id},
    }


def page_urls(app: Flask, args: dict[str, Any]) -> dict[str, str]:
    """Each page's address, its arguments from the seed (an endpoint's own entry wins)."""
    arguments: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        arguments.setdefault(rule.endpoint, set()).update(rule.arguments)
    urls = {}
    with app.test_request_context():
        for name in PAGES:
            endpoint = name.partition("@")[0]
            values = {key: args[key] for key in arguments[endpoint] if key in args}
            urls[name] = url_for(endpoint, **values | args.get(endpoint, {}))
    return urls


@pytest.fixture(scope="module")
def seeded_app(tmp_path_factory: pytest.TempPathFactory, bank_template: str) -> Iterator[Flask]:
    if on_postgres():
        with databases.postgres_schema_copy(TEST_DATABASE_URL, bank_template, db.metadata) as uri:
            yield build_app(uri)
        return
    target = tmp_path_factory.mktemp("layout") / "site.db"
    yield build_app(databases.copy_sqlite(bank_template, target))


@pytest.fixture(scope="module")
def site(seeded_app: Flask, browser: Browser) -> Iterator[Site]:
    urls = page_urls(seeded_app, seed(seeded_app))
    server = make_server("127.0.0.1", 0, seeded_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site = Site(f"http://127.0.0.1:{server.server_port}", urls)
    for role, email in (("learner", "lee@example.org"), ("instructor", "ivy@example.org")):
        context = browser.new_context(base_url=site.base_url)
        page = context.new_page()
        page.goto("/auth/login")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{site.base_url}/")
        site.states[role] = context.storage_state()
        context.close()
    yield site
    server.shutdown()
    thread.join()
    with seeded_app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def axe() -> Any:
    try:
        from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
    except ImportError:
        missing("axe-playwright-python is not installed (pip install -e '.[dev]')")
    return Axe()


def open_context(browser: Browser, site: Site, role: str, width: int) -> BrowserContext:
    return browser.new_context(
        base_url=site.base_url,
        viewport={"width": width, "height": 900},
        storage_state=site.states.get(role),
    )


# What sticks out sideways: the page's own width, and any element reaching past the
# window that does not sit inside a scroll box (a table-scroll region clips it); the
# width of the main column; tables outside a named, focusable scroll region.
MEASURE = """() => {
  const width = window.innerWidth;
  const outside = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right <= width + 1 || box.width === 0) continue;
    let clipped = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX !== 'visible') { clipped = true; break; }
    }
    if (!clipped) outside.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
  }
  const loose = [...document.querySelectorAll('table')].filter(
    (table) => !table.closest('.table-scroll[role="region"][aria-label][tabindex="0"]')).length;
  return {
    scrollWidth: document.documentElement.scrollWidth, width, outside: outside.slice(0, 5),
    main: Math.round(document.querySelector('main').getBoundingClientRect().width), loose,
  };
}"""


def findings(violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{v['impact']} {v['id']}: {v['help']} ({[n['target'] for n in v['nodes'][:3]]})"
        for v in violations
        if v["impact"] in BLOCKING
    ]


def test_every_page_is_checked(seeded_app: Flask) -> None:
    """A new page must join PAGES (or NOT_PAGES with a reason), so none escapes the checks."""
    endpoints = {
        rule.endpoint for rule in seeded_app.url_map.iter_rules() if "GET" in (rule.methods or ())
    }
    listed = {name.partition("@")[0] for name in PAGES} | set(NOT_PAGES)
    assert endpoints - listed == set()
    assert listed - endpoints == set()


@pytest.mark.parametrize("size", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_fits_and_passes_axe(
    browser: Browser, site: Site, axe: Any, name: str, size: str, capsys: pytest.CaptureFixture[str]
) -> None:
    context = open_context(browser, site, PAGES[name], WIDTHS[size])
    try:
        page = context.new_page()
        response = page.goto(site.urls[name])
        assert response is not None and response.status == 200, f"{site.urls[name]} failed"
        measured = page.evaluate(MEASURE)
        blocking = findings(axe.run(page).response["violations"])
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    with capsys.disabled():
        print(
            f"\nLAYOUT {name} {WIDTHS[size]}px: page {measured['scrollWidth']}px, "
            f"main {measured['main']}px, "
            f"axe serious/critical {len(blocking)}",
            end="",
        )
    assert measured["scrollWidth"] <= measured["width"], (
        f"{name} is {measured['scrollWidth']} px wide in a {measured['width']} px window; "
        f"sticking out: {measured['outside']}"
    )
    assert blocking == [], "\n".join(blocking)
    assert measured["loose"] == 0, "a table outside tables.scroll_region (templates/_tables.html)"


def test_a_big_table_scrolls_by_keyboard_with_names_and_headings_in_view(
    browser: Browser, site: Site
) -> None:
    """On a phone, the roster scrolls sideways in its own box from the keyboard while
    the learners' names stay in view; the item analysis keeps its headings in view."""
    context = open_context(browser, site, "instructor", WIDTHS["phone"])
    try:
        page = context.new_page()
        page.goto(site.urls["classes.show"])
        roster = page.get_by_role("region", name="Learners and their scores")
        roster.focus()
        for _ in range(20):
            page.keyboard.press("ArrowRight")
        assert roster.evaluate("el => el.scrollLeft") > 0
        box = roster.bounding_box()
        name = roster.get_by_role("rowheader").first.bounding_box()
        assert box is not None and name is not None
        assert abs(name["x"] - box["x"]) <= 2, "the names scrolled out of view"

        page.goto(site.urls["classes.items"])
        analysis = page.get_by_role("region", name="Item analysis")
        analysis.evaluate("el => { el.scrollTop = el.scrollHeight; }")
        assert analysis.evaluate("el => el.scrollTop") > 0
        box = analysis.bounding_box()
        heading = analysis.get_by_role("columnheader").first.bounding_box()
        assert box is not None and heading is not None
        assert abs(heading["y"] - box["y"]) <= 2, "the headings scrolled out of view"
    finally:
        context.close()
