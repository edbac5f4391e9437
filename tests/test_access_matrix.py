"""Every route × {anonymous, learner, instructor} → the status each must get.

A route added without an entry here fails ``test_every_route_is_in_the_matrix``,
so no view can ship without someone deciding who may see it.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

ANON, LEARNER, INSTRUCTOR = "anonymous", "learner", "instructor"
SIGN_IN = "sign-in"  # a redirect to the sign-in page

# (method, path) -> {who: expected status}
MATRIX: dict[tuple[str, str], dict[str, int | str]] = {
    ("GET", "/"): {ANON: 200, LEARNER: 200, INSTRUCTOR: 200},
    ("GET", "/health"): {ANON: 200, LEARNER: 200, INSTRUCTOR: 200},
    ("GET", "/auth/login"): {ANON: 200, LEARNER: 302, INSTRUCTOR: 302},
    ("POST", "/auth/login"): {ANON: 400, LEARNER: 302, INSTRUCTOR: 302},
    ("GET", "/auth/register"): {ANON: 200, LEARNER: 302, INSTRUCTOR: 302},
    ("POST", "/auth/register"): {ANON: 400, LEARNER: 302, INSTRUCTOR: 302},
    ("POST", "/auth/logout"): {ANON: 302, LEARNER: 302, INSTRUCTOR: 302},
    ("GET", "/auth/password"): {ANON: SIGN_IN, LEARNER: 200, INSTRUCTOR: 200},
    ("POST", "/auth/password"): {ANON: SIGN_IN, LEARNER: 400, INSTRUCTOR: 400},
    ("GET", "/auth/setup/<token>"): {ANON: 404, LEARNER: 404, INSTRUCTOR: 404},
    ("POST", "/auth/setup/<token>"): {ANON: 404, LEARNER: 404, INSTRUCTOR: 404},
    ("GET", "/instructor/"): {ANON: SIGN_IN, LEARNER: 403, INSTRUCTOR: 200},
    # quiz (issue 4) — keep these entries together
    # study (issue 5) — keep these entries together
}

EXAMPLE_ARGS = {"token": "no-such-token"}


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
    path = rule.replace("<token>", EXAMPLE_ARGS["token"])
    data = {"csrf_token": csrf_token(client)} if method == "POST" else None
    response = client.open(path, method=method, data=data)
    expected = MATRIX[(method, rule)][who]
    if expected == SIGN_IN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login?next=")
    else:
        assert response.status_code == expected
