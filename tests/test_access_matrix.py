"""Every route × {anonymous, learner, instructor} → the status each must get.

A route added without an entry here fails ``test_every_route_is_in_the_matrix``,
so no view can ship without someone deciding who may see it.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

ANON, LEARNER, INSTRUCTOR = "anonymous", "learner", "instructor"
SIGN_IN = "sign-in"  # a redirect to the sign-in page

# (method, path) -> {who: expected status}
MATRIX: dict[tuple[str, str], dict[str, int | str]] = {
    ("GET", "/"): {ANON: 200, LEARNER: 200, INSTRUCTOR: 200},
    ("GET", "/health"): {ANON: 200, LEARNER: 200, INSTRUCTOR: 200},
    # a user's own "this looks wrong" reports (issue 17); a made-up report is 404
    ("GET", "/reports"): {ANON: SIGN_IN, LEARNER: 200, INSTRUCTOR: 200},
    ("POST", "/reports/<int:flag_id>/dismiss"): {ANON: SIGN_IN, LEARNER: 404, INSTRUCTOR: 404},
    ("GET", "/auth/login"): {ANON: 200, LEARNER: 302, INSTRUCTOR: 302},
    ("POST", "/auth/login"): {ANON: 400, LEARNER: 302, INSTRUCTOR: 302},
    ("GET", "/auth/register"): {ANON: 200, LEARNER: 302, INSTRUCTOR: 302},
    ("POST", "/auth/register"): {ANON: 400, LEARNER: 302, INSTRUCTOR: 302},
    ("POST", "/auth/logout"): {ANON: 302, LEARNER: 302, INSTRUCTOR: 302},
    ("GET", "/auth/password"): {ANON: SIGN_IN, LEARNER: 200, INSTRUCTOR: 200},
    ("POST", "/auth/password"): {ANON: SIGN_IN, LEARNER: 400, INSTRUCTOR: 400},
    ("GET", "/auth/setup/<token>"): {ANON: 404, LEARNER: 404, INSTRUCTOR: 404},
    ("POST", "/auth/setup/<token>"): {ANON: 404, LEARNER: 404, INSTRUCTOR: 404},
    # signed-in devices (issue 14): only one's own sessions; a made-up id is 404
    ("GET", "/auth/sessions"): {ANON: SIGN_IN, LEARNER: 200, INSTRUCTOR: 200},
    ("POST", "/auth/sessions/<int:session_id>/end"): {ANON: SIGN_IN, LEARNER: 404, INSTRUCTOR: 404},
    ("POST", "/auth/sessions/end-others"): {ANON: SIGN_IN, LEARNER: 303, INSTRUCTOR: 303},
    ("POST", "/auth/sessions/end-all"): {ANON: SIGN_IN, LEARNER: 303, INSTRUCTOR: 303},
    # account lifecycle (issue 14): one's own account; links work for anyone who holds
    # them (made-up ones are 404); reset links only for the instructor's own learners
    ("GET", "/account/"): {ANON: SIGN_IN, LEARNER: 200, INSTRUCTOR: 200},
    ("POST", "/account/profile"): {ANON: SIGN_IN, LEARNER: 400, INSTRUCTOR: 400},
    ("GET", "/account/forgot"): {ANON: 200, LEARNER: 200, INSTRUCTOR: 200},
    ("POST", "/account/forgot"): {ANON: 200, LEARNER: 200, INSTRUCTOR: 200},
    ("GET", "/account/reset/<token>"): {ANON: 404, LEARNER: 404, INSTRUCTOR: 404},
    ("POST", "/account/reset/<token>"): {ANON: 404, LEARNER: 404, INSTRUCTOR: 404},
    ("GET", "/account/welcome/<token>"): {ANON: 404, LEARNER: 404, INSTRUCTOR: 404},
    ("POST", "/account/welcome/<token>"): {ANON: 404, LEARNER: 404, INSTRUCTOR: 404},
    ("POST", "/account/learners/<int:learner_id>/reset-link"): {
        ANON: SIGN_IN,
        LEARNER: 403,
        INSTRUCTOR: 403,
    },
    ("GET", "/account/delete"): {ANON: SIGN_IN, LEARNER: 200, INSTRUCTOR: 200},
    ("POST", "/account/delete"): {ANON: SIGN_IN, LEARNER: 400, INSTRUCTOR: 400},
    ("GET", "/account/my-data.zip"): {ANON: SIGN_IN, LEARNER: 200, INSTRUCTOR: 200},
    ("GET", "/instructor/"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 200},
    # bank (issue 6): instructors only
    ("GET", "/bank/"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 200},
    ("GET", "/bank/new"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("GET", "/bank/new/<item_type>"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("POST", "/bank/new/<item_type>"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("GET", "/bank/items/<int:item_id>"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("GET", "/bank/items/<int:item_id>/edit"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("POST", "/bank/items/<int:item_id>/edit"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("GET", "/bank/items/<int:item_id>/versions/<int:version>"): {
        ANON: SIGN_IN,
        LEARNER: 403,
        INSTRUCTOR: 404,
    },
    ("POST", "/bank/items/<int:item_id>/versions/<int:version>/restore"): {
        ANON: SIGN_IN,
        LEARNER: 403,
        INSTRUCTOR: 404,
    },
    ("POST", "/bank/status"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 303},
    ("GET", "/bank/export.<fmt>"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 200},
    ("GET", "/bank/import"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("POST", "/bank/import"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("GET", "/bank/review"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 200},
    ("POST", "/bank/flags/<int:flag_id>/resolve"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    # decks, sources and facts (issue 13): instructors only; made-up ones are 404
    ("GET", "/bank/decks"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 200},
    ("GET", "/bank/decks/new"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 200},
    ("POST", "/bank/decks/new"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 400},
    ("GET", "/bank/decks/<deck>"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("POST", "/bank/decks/<deck>/topics"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("GET", "/bank/decks/<deck>/sources/new"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("POST", "/bank/decks/<deck>/sources/new"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("GET", "/bank/sources/<int:source_id>"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("GET", "/bank/sources/<int:source_id>/edit"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("POST", "/bank/sources/<int:source_id>/edit"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("GET", "/bank/sources/<int:source_id>/facts/new"): {
        ANON: SIGN_IN,
        LEARNER: 403,
        INSTRUCTOR: 404,
    },
    ("POST", "/bank/sources/<int:source_id>/facts/new"): {
        ANON: SIGN_IN,
        LEARNER: 403,
        INSTRUCTOR: 404,
    },
    ("GET", "/bank/facts"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 200},
    ("GET", "/bank/facts/<int:fact_id>"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("GET", "/bank/facts/<int:fact_id>/edit"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("POST", "/bank/facts/<int:fact_id>/edit"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("GET", "/bank/facts/<int:fact_id>/retire"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("POST", "/bank/facts/<int:fact_id>/retire"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    # proposed facts (issue 13): instructors only; made-up sources and candidates are 404
    ("GET", "/bank/proposals/<int:source_id>"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("POST", "/bank/proposals/<int:source_id>/start"): {
        ANON: SIGN_IN,
        LEARNER: 403,
        INSTRUCTOR: 404,
    },
    ("POST", "/bank/proposals/<int:source_id>/generate"): {
        ANON: SIGN_IN,
        LEARNER: 403,
        INSTRUCTOR: 404,
    },
    ("POST", "/bank/proposals/candidates/<int:candidate_id>/accept"): {
        ANON: SIGN_IN,
        LEARNER: 403,
        INSTRUCTOR: 404,
    },
    ("POST", "/bank/proposals/candidates/<int:candidate_id>/reject"): {
        ANON: SIGN_IN,
        LEARNER: 403,
        INSTRUCTOR: 404,
    },
    # classes (issue 7): instructors manage their own; learners join and leave
    ("GET", "/classes/"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 200},
    ("POST", "/classes/"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 400},
    ("GET", "/classes/<int:classroom_id>"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("POST", "/classes/<int:classroom_id>/figures"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("POST", "/classes/<int:classroom_id>/code"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("POST", "/classes/<int:classroom_id>/joining"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("GET", "/classes/join"): {ANON: SIGN_IN, LEARNER: 200, INSTRUCTOR: 403},
    ("POST", "/classes/join"): {ANON: SIGN_IN, LEARNER: 400, INSTRUCTOR: 403},
    ("GET", "/classes/mine"): {ANON: SIGN_IN, LEARNER: 200, INSTRUCTOR: 403},
    ("POST", "/classes/<int:classroom_id>/leave"): {ANON: SIGN_IN, LEARNER: 404, INSTRUCTOR: 403},
    # class analytics: the instructor's own classes only (made-up ids are 404)
    ("GET", "/classes/<int:classroom_id>/learners/<int:learner_id>"): {
        ANON: SIGN_IN,
        LEARNER: 403,
        INSTRUCTOR: 404,
    },
    ("GET", "/classes/<int:classroom_id>/items"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("GET", "/classes/<int:classroom_id>/roster.csv"): {
        ANON: SIGN_IN,
        LEARNER: 403,
        INSTRUCTOR: 404,
    },
    ("GET", "/classes/<int:classroom_id>/items.csv"): {
        ANON: SIGN_IN,
        LEARNER: 403,
        INSTRUCTOR: 404,
    },
    ("GET", "/classes/items/all"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 200},
    # class management (issue 17): owner and co-instructors; the per-class matrix with
    # owner, co-instructor and other instructor is tests/classes/test_class_access.py
    ("GET", "/classes/<int:classroom_id>/manage"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("POST", "/classes/<int:classroom_id>/rename"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("POST", "/classes/<int:classroom_id>/archive"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("POST", "/classes/<int:classroom_id>/restore"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("POST", "/classes/<int:classroom_id>/instructors"): {
        ANON: SIGN_IN,
        LEARNER: 403,
        INSTRUCTOR: 404,
    },
    ("POST", "/classes/<int:classroom_id>/instructors/<int:instructor_id>/remove"): {
        ANON: SIGN_IN,
        LEARNER: 403,
        INSTRUCTOR: 404,
    },
    ("GET", "/classes/<int:classroom_id>/learners/<int:learner_id>/remove"): {
        ANON: SIGN_IN,
        LEARNER: 403,
        INSTRUCTOR: 404,
    },
    ("POST", "/classes/<int:classroom_id>/learners/<int:learner_id>/remove"): {
        ANON: SIGN_IN,
        LEARNER: 403,
        INSTRUCTOR: 404,
    },
    ("GET", "/classes/<int:classroom_id>/sheet"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("GET", "/classes/join/<code>"): {ANON: SIGN_IN, LEARNER: 200, INSTRUCTOR: 403},
    ("GET", "/classes/items/all.csv"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 200},
    # assignments (issue 17): the class's instructors set and follow them; learners of
    # the class start them (an outsider's start is 404: tests/assignments)
    ("GET", "/assignments/class/<int:classroom_id>"): {
        ANON: SIGN_IN,
        LEARNER: 403,
        INSTRUCTOR: 404,
    },
    ("POST", "/assignments/class/<int:classroom_id>"): {
        ANON: SIGN_IN,
        LEARNER: 403,
        INSTRUCTOR: 404,
    },
    ("GET", "/assignments/<int:assignment_id>"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 404},
    ("GET", "/assignments/<int:assignment_id>/scores.csv"): {
        ANON: SIGN_IN,
        LEARNER: 403,
        INSTRUCTOR: 404,
    },
    ("POST", "/assignments/<int:assignment_id>/start"): {
        ANON: SIGN_IN,
        LEARNER: 404,
        INSTRUCTOR: 403,
    },
    # progress (issue 7): any signed-in user sees their own; no learner id in the URL
    ("GET", "/progress/"): {ANON: SIGN_IN, LEARNER: 200, INSTRUCTOR: 200},
    # quiz (issue 4) — keep these entries together
    # Signed-in users take quizzes; made-up decks and attempts are nobody's (404).
    ("GET", "/quiz/"): {ANON: SIGN_IN, LEARNER: 200, INSTRUCTOR: 200},
    ("GET", "/quiz/history"): {ANON: SIGN_IN, LEARNER: 200, INSTRUCTOR: 200},
    ("POST", "/quiz/<deck_slug>/quick"): {ANON: SIGN_IN, LEARNER: 404, INSTRUCTOR: 404},
    ("GET", "/quiz/<deck_slug>/start"): {ANON: SIGN_IN, LEARNER: 404, INSTRUCTOR: 404},
    ("POST", "/quiz/<deck_slug>/start"): {ANON: SIGN_IN, LEARNER: 404, INSTRUCTOR: 404},
    ("GET", "/quiz/attempt/<int:attempt_id>"): {ANON: SIGN_IN, LEARNER: 404, INSTRUCTOR: 404},
    ("GET", "/quiz/attempt/<int:attempt_id>/<int:position>"): {
        ANON: SIGN_IN,
        LEARNER: 404,
        INSTRUCTOR: 404,
    },
    ("POST", "/quiz/attempt/<int:attempt_id>/<int:position>"): {
        ANON: SIGN_IN,
        LEARNER: 404,
        INSTRUCTOR: 404,
    },
    ("POST", "/quiz/attempt/<int:attempt_id>/<int:position>/flag"): {
        ANON: SIGN_IN,
        LEARNER: 404,
        INSTRUCTOR: 404,
    },
    ("GET", "/quiz/attempt/<int:attempt_id>/finish"): {
        ANON: SIGN_IN,
        LEARNER: 404,
        INSTRUCTOR: 404,
    },
    ("POST", "/quiz/attempt/<int:attempt_id>/finish"): {
        ANON: SIGN_IN,
        LEARNER: 404,
        INSTRUCTOR: 404,
    },
    ("GET", "/quiz/attempt/<int:attempt_id>/results"): {
        ANON: SIGN_IN,
        LEARNER: 404,
        INSTRUCTOR: 404,
    },
    # study (issue 5) — keep these entries together
    # Any signed-in user studies their own cards; made-up decks and topics are 404.
    ("GET", "/study/"): {ANON: SIGN_IN, LEARNER: 200, INSTRUCTOR: 200},
    ("GET", "/study/settings"): {ANON: SIGN_IN, LEARNER: 200, INSTRUCTOR: 200},
    ("POST", "/study/settings"): {ANON: SIGN_IN, LEARNER: 400, INSTRUCTOR: 400},
    ("GET", "/study/decks/<deck>"): {ANON: SIGN_IN, LEARNER: 404, INSTRUCTOR: 404},
    ("GET", "/study/decks/<deck>/topics/<topic>"): {ANON: SIGN_IN, LEARNER: 404, INSTRUCTOR: 404},
    ("POST", "/study/decks/<deck>/review"): {ANON: SIGN_IN, LEARNER: 404, INSTRUCTOR: 404},
    ("POST", "/study/decks/<deck>/topics/<topic>/review"): {
        ANON: SIGN_IN,
        LEARNER: 404,
        INSTRUCTOR: 404,
    },
    ("POST", "/study/decks/<deck>/undo"): {ANON: SIGN_IN, LEARNER: 404, INSTRUCTOR: 404},
    ("POST", "/study/decks/<deck>/topics/<topic>/undo"): {
        ANON: SIGN_IN,
        LEARNER: 404,
        INSTRUCTOR: 404,
    },
    ("GET", "/study/decks/<deck>/export.apkg"): {ANON: SIGN_IN, LEARNER: 404, INSTRUCTOR: 404},
}

# A value for each URL parameter, by name; made-up ids reach the view's own 404.
EXAMPLE_ARGS = {
    "token": "no-such-token",
    "item_type": "single",
    "item_id": "999999",
    "version": "1",
    "fmt": "json",
    "flag_id": "999999",
    "classroom_id": "999999",
    "learner_id": "999999",
    "deck_slug": "no-such-deck",
    "attempt_id": "999999",
    "position": "1",
    "deck": "no-such-deck",
    "topic": "no-such-topic",
    "session_id": "999999",
    "instructor_id": "999999",
    "assignment_id": "999999",
    "code": "ABCDE-FGHJK",
    "source_id": "999999",
    "fact_id": "999999",
    "candidate_id": "999999",
}
URL_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    missing = routes - set(MATRIX)
    assert not missing, f"routes without an access-matrix entry: {sorted(missing)}"


@pytest.fixture
def clients(
    client: FlaskClient, learner_client: FlaskClient, instructor_client: FlaskClient
) -> dict[str, FlaskClient]:
    return {ANON: client, LEARNER: learner_client, INSTRUCTOR: instructor_client}


@pytest.mark.parametrize(("method", "rule"), sorted(MATRIX))
@pytest.mark.parametrize("who", [ANON, LEARNER, INSTRUCTOR])
def test_access(clients: dict[str, FlaskClient], method: str, rule: str, who: str) -> None:
    from tests.conftest import csrf_token

    client = clients[who]
    path = URL_PARAMETER.sub(lambda match: EXAMPLE_ARGS[match.group(1)], rule)
    data = {"csrf_token": csrf_token(client)} if method == "POST" else None
    response = client.open(path, method=method, data=data)
    expected = MATRIX[(method, rule)][who]
    if expected == SIGN_IN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login?next=")
    else:
        assert response.status_code == expected
