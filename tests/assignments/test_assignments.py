"""Assignments: windows in the class's zone, attempts allowed, late and missing work,
the figures of the results page, the class roster and the CSVs, and who may see what."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from flask import Flask

from quizapp.classes import services as classes
from quizapp.content import ItemType
from quizapp.extensions import db
from quizapp.models import Classroom, Role, User
from tests._requirements import postgres_only
from tests.assignments.conftest import Clock, Course, at
from tests.conftest import Accounts, at_the_same_moment, post_form, sql_statements


def flashed(client) -> str:
    return client.get("/").get_data(as_text=True)


def test_times_are_read_in_the_class_zone_and_shown_in_it(course: Course) -> None:
    assignment_id = course.assign()
    assignment = course.assignment(assignment_id)
    # 10:00 and 12:00 in Paris in December are 09:00 and 11:00 UTC.
    assert assignment.opens_at == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert assignment.closes_at == datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    page = course.teacher.get(f"/assignments/class/{course.classroom_id}").get_data(as_text=True)
    assert "Europe/Paris" in page
    assert "01 Dec 2026, 10:00 CET" in page


def test_before_the_window_the_learner_is_told_when_it_opens(course: Course, clock: Clock) -> None:
    assignment_id = course.assign()
    learner, client = course.learner("Ann")
    clock.set(at(8, 59))
    home = client.get("/").get_data(as_text=True)
    assert "Week 1" in home and "opens at 01 Dec 2026, 10:00 CET" in home
    response = course.start(client, assignment_id)
    assert response.status_code == 303 and response.location.endswith("/")
    assert "This assignment opens at 01 Dec 2026, 10:00 CET." in flashed(client)
    assert course.attempts(learner) == []


def test_during_the_window_the_attempt_counts_on_time(course: Course, clock: Clock) -> None:
    assignment_id = course.assign()
    learner, client = course.learner("Ann")
    clock.set(at(9, 0))
    course.take(client, learner, assignment_id, right=4)
    page = course.teacher.get(f"/assignments/{assignment_id}").get_data(as_text=True)
    assert "80%" in page and "on time" in page
    assert "01 Dec 2026, 10:00 CET" in page  # submitted, in the class's zone


def test_after_the_close_late_work_is_accepted_and_marked_late(
    course: Course, clock: Clock
) -> None:
    assignment_id = course.assign()
    learner, client = course.learner("Ann")
    clock.set(at(11, 0))  # the closing moment itself is after the window
    home = client.get("/").get_data(as_text=True)
    assert "closed at 01 Dec 2026, 12:00 CET; late work is accepted" in home
    course.take(client, learner, assignment_id, right=2)
    page = course.teacher.get(f"/assignments/{assignment_id}").get_data(as_text=True)
    assert "40%" in page and "late" in page


def test_after_the_close_no_late_work_means_closed(course: Course, clock: Clock) -> None:
    assignment_id = course.assign(late_allowed="")
    learner, client = course.learner("Ann")
    clock.set(at(11, 1))
    response = course.start(client, assignment_id)
    assert response.status_code == 303
    assert "This assignment closed at 01 Dec 2026, 12:00 CET." in flashed(client)
    assert course.attempts(learner) == []
    page = course.teacher.get(f"/assignments/{assignment_id}").get_data(as_text=True)
    assert "missing" in page


def test_attempts_allowed_are_counted_and_a_second_start_resumes(
    course: Course, clock: Clock
) -> None:
    assignment_id = course.assign(attempts="2")
    learner, client = course.learner("Ann")
    clock.set(at(9, 30))
    first = course.start(client, assignment_id)
    again = course.start(client, assignment_id)  # a second tab, another token
    assert first.location == again.location
    assert len(course.attempts(learner)) == 1
    for position in range(1, 6):
        course.quizzes.answer(course.attempts(learner)[0].id, position, True)
    course.take(client, learner, assignment_id, right=1)
    assert len(course.attempts(learner)) == 2
    home = client.get("/").get_data(as_text=True)
    assert "No attempts left of 2" in home and "Start Week 1" not in home
    course.start(client, assignment_id)
    assert "You have used all 2 attempt(s) of this assignment." in flashed(client)
    assert len(course.attempts(learner)) == 2


def test_each_start_button_on_one_home_page_starts_its_own_assignment(
    course: Course, clock: Clock
) -> None:
    """Start A, come back to the same page, start B: B, not A again."""
    week1 = course.assign()
    week2 = course.assign(title="Week 2")
    learner, client = course.learner("Ann")
    clock.set(at(9, 30))
    home = client.get("/").get_data(as_text=True)
    first = course.press(client, home, week1)
    second = course.press(client, home, week2)
    assert first.location != second.location
    assert sorted(a.assignment_id for a in course.attempts(learner)) == sorted([week1, week2])


def test_practice_stays_separate_from_assigned_work(course: Course, clock: Clock) -> None:
    assignment_id = course.assign()
    learner, client = course.learner("Ann")
    clock.set(at(9, 30))
    course.quizzes.take(learner, course.quizzes.items(ItemType.SINGLE, 5), right=True)
    home = client.get("/").get_data(as_text=True)
    assert "Start Week 1" in home and "1 attempt left of 1" in home
    page = course.teacher.get(f"/assignments/{assignment_id}").get_data(as_text=True)
    assert "not yet" in page
    assert [a.assignment_id for a in course.attempts(learner)] == [None]


def _fixture(course: Course, clock: Clock) -> tuple[int, int]:
    """Ann: 3/5 then 4/5 on time (best 80%); Bob: 2/5 after the close (40%, late);
    Cy: nothing (missing). A second assignment only Ann did: 5/5."""
    week1 = course.assign(attempts="2")
    week2 = course.assign(title="Week 2", opens="2026-12-01T09:00", closes="2026-12-02T09:00")
    ann, ann_client = course.learner("Ann")
    bob, bob_client = course.learner("Bob")
    course.learner("Cy")
    clock.set(at(9, 10))
    course.take(ann_client, ann, week1, right=3)
    clock.set(at(9, 20))
    course.take(ann_client, ann, week1, right=4)
    course.take(ann_client, ann, week2, right=5)
    clock.set(at(14, 0))
    course.take(bob_client, bob, week1, right=2)
    return week1, week2


def test_results_roster_and_csvs_match_the_hand_computed_figures(
    course: Course, clock: Clock
) -> None:
    week1, _week2 = _fixture(course, clock)

    rows = list(
        csv.reader(
            io.StringIO(
                course.teacher.get(f"/assignments/{week1}/scores.csv")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    assert rows[0] == [
        "Learner",
        "Email",
        "Attempts",
        "Best %",
        "Submitted (Europe/Paris)",
        "Status",
    ]
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in rows[1:]] == [
        ("Ann", "2", "80.0", "2026-12-01 10:20:00", "on time"),
        ("Bob", "1", "40.0", "2026-12-01 15:00:00", "late"),
        ("Cy", "0", "", "", "missing"),
    ]

    show = course.teacher.get(f"/classes/{course.classroom_id}").get_data(as_text=True)
    assert "Assignment scores" in show
    assert "80%" in show and "40% (late)" in show and "missing" in show

    roster = list(
        csv.DictReader(
            io.StringIO(
                course.teacher.get(f"/classes/{course.classroom_id}/roster.csv")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    figures = {
        row["Learner"]: (
            row["Week 1: best %"],
            row["Week 1: status"],
            row["Week 2: best %"],
            row["Week 2: status"],
        )
        for row in roster
    }
    assert figures == {
        "Ann": ("80.0", "on time", "100.0", "on time"),
        "Bob": ("40.0", "late", "", "not yet"),
        "Cy": ("", "missing", "", "not yet"),
    }


def test_bad_input_is_refused_with_a_message(course: Course) -> None:

    url = f"/assignments/class/{course.classroom_id}"
    base = {
        "title": "X",
        "deck": str(course.quizzes.deck_id()),
        "length": "5",
        "attempts": "1",
        "feedback": "end",
        "time_zone": "Europe/Paris",
    }
    response = post_form(
        course.teacher, url, {**base, "opens": "2026-12-02T10:00", "closes": "2026-12-01T10:00"}
    )
    assert response.status_code == 400
    assert "The closing time must come after the opening time." in response.get_data(as_text=True)
    response = post_form(
        course.teacher,
        url,
        {
            **base,
            "opens": "2026-12-01T10:00",
            "closes": "2026-12-02T10:00",
            "time_zone": "Mars/Olympus",
        },
    )
    assert response.status_code == 400
    assert "Give a time zone such as" in response.get_data(as_text=True)
    skipped = {**base, "opens": "2027-03-28T02:30", "closes": "2027-03-29T10:00"}
    response = post_form(course.teacher, url, skipped)  # Paris jumps from 02:00 to 03:00
    assert response.status_code == 400
    assert "does not exist in Europe/Paris" in response.get_data(as_text=True)
    far = {**base, "opens": "2026-12-01T10:00", "closes": "9999-12-31T23:59"}
    response = post_form(course.teacher, url, far | {"time_zone": "America/New_York"})
    assert response.status_code == 400
    assert "too far off" in response.get_data(as_text=True)


def test_other_instructors_and_outsiders_are_kept_out(
    app: Flask, course: Course, accounts: Accounts, clock: Clock
) -> None:
    assignment_id = course.assign()
    other = app.test_client()
    accounts.create("olga@example.org", Role.INSTRUCTOR, name="Olga")
    accounts.login(other, "olga@example.org")
    for url in (
        f"/assignments/class/{course.classroom_id}",
        f"/assignments/{assignment_id}",
        f"/assignments/{assignment_id}/scores.csv",
    ):
        assert other.get(url).status_code == 404
    outsider = course.build.learner("Out")
    outsider_client = app.test_client()
    accounts.login(outsider_client, outsider.email)
    for url in (f"/assignments/class/{course.classroom_id}", f"/assignments/{assignment_id}"):
        assert outsider_client.get(url).status_code == 403
    clock.set(at(9, 30))
    assert course.start(outsider_client, assignment_id).status_code == 404
    assert "Week 1" not in outsider_client.get("/").get_data(as_text=True)
    assert course.attempts(outsider) == []


@pytest.mark.postgres
def test_two_simultaneous_starts_never_exceed_the_allowance(course: Course, clock: Clock) -> None:
    """Two tabs press Start at the same moment with different tokens: one attempt."""
    postgres_only()
    assignment_id = course.assign()
    learner, _client = course.learner("Ann")
    clock.set(at(9, 30))
    tabs = []
    for _ in range(2):
        client = course.app.test_client()
        course.accounts.login(client, learner.email)
        tabs.append(client)
    locations = at_the_same_moment(
        *(lambda client=client: course.start(client, assignment_id).location for client in tabs)
    )
    assert len(course.attempts(learner)) == 1
    assert locations[0] == locations[1]


def test_a_co_instructor_follows_the_assignment_too(
    app: Flask, course: Course, accounts: Accounts
) -> None:

    assignment_id = course.assign()
    co = accounts.create("cora@example.org", Role.INSTRUCTOR, name="Cora")
    with app.app_context():
        classes.add_co_instructor(
            db.session.get(Classroom, course.classroom_id), db.session.get(User, co.id)
        )
        db.session.commit()
    client = app.test_client()
    accounts.login(client, co.email)
    assert client.get(f"/assignments/{assignment_id}").status_code == 200
    assert client.get(f"/assignments/{assignment_id}/scores.csv").status_code == 200


def test_an_archived_class_takes_no_new_assignment_and_no_start(
    app: Flask, course: Course, clock: Clock
) -> None:

    assignment_id = course.assign()
    learner, client = course.learner("Ann")
    with app.app_context():
        classes.archive(db.session.get(Classroom, course.classroom_id))
        db.session.commit()
    clock.set(at(9, 30))
    assert "Week 1" not in client.get("/").get_data(as_text=True)
    course.start(client, assignment_id)
    assert "This class is archived" in flashed(client)
    assert course.attempts(learner) == []
    response = post_form(
        course.teacher,
        f"/assignments/class/{course.classroom_id}",
        {
            "title": "Late idea",
            "deck": str(course.quizzes.deck_id()),
            "length": "5",
            "opens": "2026-12-01T10:00",
            "closes": "2026-12-02T10:00",
            "time_zone": "Europe/Paris",
            "attempts": "1",
            "feedback": "end",
        },
    )
    assert response.status_code == 400
    assert "This class is archived: restore it to assign work." in response.get_data(as_text=True)
    # its results stay readable for reports
    assert course.teacher.get(f"/assignments/{assignment_id}").status_code == 200


def test_assignment_pages_cost_the_same_for_3_and_12_learners(
    app: Flask, course: Course, clock: Clock
) -> None:
    week1, week2 = _fixture(course, clock)
    pages = [
        f"/classes/{course.classroom_id}",
        f"/classes/{course.classroom_id}/roster.csv",
        f"/assignments/{week1}",
        f"/assignments/{week1}/scores.csv",
    ]

    def counts() -> dict[str, int]:
        found = {}
        for page in pages:
            with sql_statements(app) as statements:
                assert course.teacher.get(page).status_code == 200
            found[page] = len(statements)
        return found

    course.teacher.get("/")  # the sign-in's last-seen time catches up with the clock
    small = counts()
    for number in range(9):
        learner, client = course.learner(f"Extra {number}")
        course.take(client, learner, week2, right=number % 6)
    assert counts() == small
