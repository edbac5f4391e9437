"""Limits that stop guessing without locking out a classroom or an account's owner.

Failed attempts are counted, not successes: per address, per account, and per
device that signed in to an account before (OWASP's "device cookie").
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.auth.limits import wait_in_words
from quizapp.extensions import db
from quizapp.models import Role, User
from tests.conftest import PASSWORD, Accounts, post_form

WRONG = "not the password at all"
DEVICE_COOKIE = "device"  # "__Host-device" over HTTPS


def from_address(app: Flask, address: str) -> FlaskClient:
    """A browser on another network."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def register(client: FlaskClient, email: str, name: str = "Rita"):
    data = {"display_name": name, "email": email, "password": PASSWORD, "confirm": PASSWORD}
    return post_form(client, "/auth/register", data)


@pytest.fixture
def owner(accounts: Accounts) -> User:
    return accounts.create("owner@example.org", name="Olga Owner")


@pytest.fixture
def known_device(app: Flask, accounts: Accounts, owner: User) -> FlaskClient:
    """The owner's own browser: it has signed in to the account before."""
    device = from_address(app, "203.0.113.7")
    assert accounts.login(device, owner.email).status_code == 302
    assert accounts.logout(device).status_code == 302
    assert device.get("/auth/password").status_code == 302, "still signed in"
    return device


def attack(app: Flask, accounts: Accounts, email: str, guesses: int) -> list[int]:
    """Wrong passwords for one account, spread over several addresses."""
    return [
        accounts.login(
            from_address(app, f"198.51.100.{n % 5 + 1}"), email, password=WRONG
        ).status_code
        for n in range(guesses)
    ]


def test_a_class_of_30_signs_in_from_one_school_address_within_a_minute(
    app: Flask, accounts: Accounts
) -> None:
    learners = [accounts.create(f"pupil{n}@example.org", name=f"Pupil {n}") for n in range(30)]
    statuses = []
    for n, learner in enumerate(learners):
        device = from_address(app, "192.0.2.10")
        if n % 3 == 0:  # a third of the class mistypes once first
            assert accounts.login(device, learner.email, password=WRONG).status_code == 400
        statuses.append(accounts.login(device, learner.email).status_code)
    assert statuses == [302] * 30


def test_the_owner_signs_in_on_a_known_device_after_an_attack_and_a_new_device_waits(
    app: Flask, accounts: Accounts, owner: User, known_device: FlaskClient
) -> None:
    statuses = attack(app, accounts, owner.email, 30)
    assert statuses[:10] == [400] * 10
    assert set(statuses[10:]) == {429}
    assert accounts.login(known_device, owner.email).status_code == 302
    new_device = from_address(app, "203.0.113.7")  # even on the owner's own network
    refused = accounts.login(new_device, owner.email)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600


def test_a_known_device_has_its_own_limit(
    accounts: Accounts, owner: User, known_device: FlaskClient
) -> None:
    statuses = [
        accounts.login(known_device, owner.email, password=WRONG).status_code for _ in range(11)
    ]
    assert statuses == [400] * 10 + [429]
    assert accounts.login(known_device, owner.email).status_code == 429


def test_a_device_is_known_only_for_the_account_that_signed_in_on_it(
    app: Flask, accounts: Accounts, owner: User, known_device: FlaskClient
) -> None:
    other = accounts.create("other@example.org", name="Otto Other")
    attack(app, accounts, other.email, 10)
    assert accounts.login(known_device, other.email).status_code == 429
    assert accounts.login(known_device, owner.email).status_code == 302


def test_a_forged_device_cookie_is_a_new_device(
    app: Flask, accounts: Accounts, owner: User, known_device: FlaskClient
) -> None:
    attack(app, accounts, owner.email, 10)
    cookie = known_device.get_cookie(DEVICE_COOKIE)
    assert cookie is not None, "signing in did not mark the device as known"
    forger = from_address(app, "198.51.100.9")
    forger.set_cookie(
        DEVICE_COOKIE, cookie.value[:-4] + ("AAAA" if cookie.value[-4:] != "AAAA" else "BBBB")
    )
    assert accounts.login(forger, owner.email).status_code == 429


def test_one_address_guessing_many_accounts_is_limited(app: Flask, accounts: Accounts) -> None:
    attacker = from_address(app, "198.51.100.66")
    statuses = [
        accounts.login(attacker, f"someone{n}@example.org", password=WRONG).status_code
        for n in range(21)
    ]
    assert statuses == [400] * 20 + [429]


def test_the_429_page_is_in_the_site_layout_and_says_when_to_retry(
    client: FlaskClient, accounts: Accounts, learner: User
) -> None:
    for _ in range(10):
        accounts.login(client, learner.email, password=WRONG)
    response = accounts.login(client, learner.email)
    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 60
    page = response.get_data(as_text=True)
    assert 'class="site-header"' in page and "Skip to content" in page
    assert "Too many attempts" in page
    assert re.search(r"Try again in (about a minute|about \d+ seconds|a few seconds)\.", page), page
    assert response.headers["Content-Security-Policy"]


def test_changing_the_password_limits_guesses_of_the_current_one(
    learner_client: FlaskClient,
) -> None:
    new = "a brand new passphrase"
    statuses = [
        post_form(
            learner_client,
            "/auth/password",
            {"current_password": f"guess {n}", "password": new, "confirm": new},
        ).status_code
        for n in range(11)
    ]
    assert statuses == [400] * 10 + [429]
    right = post_form(
        learner_client,
        "/auth/password",
        {"current_password": PASSWORD, "password": new, "confirm": new},
    )
    assert right.status_code == 429, "the thief cannot try again at once either"


def test_a_class_of_30_registers_from_one_address(app: Flask) -> None:
    statuses = [
        register(from_address(app, "192.0.2.10"), f"new{n}@example.org").status_code
        for n in range(30)
    ]
    assert statuses == [302] * 30


def test_registration_probes_for_existing_emails_are_limited(app: Flask, learner: User) -> None:
    prober = from_address(app, "198.51.100.66")
    statuses = [register(prober, learner.email).status_code for _ in range(61)]
    assert statuses == [400] * 60 + [429]
    assert "already exists" not in register(prober, learner.email).get_data(as_text=True)
    elsewhere = from_address(app, "192.0.2.10")
    assert register(elsewhere, "fresh@example.org").status_code == 302


def test_a_class_of_30_joins_with_the_code_from_one_address(
    app: Flask, accounts: Accounts, instructor_client: FlaskClient
) -> None:
    created = post_form(instructor_client, "/classes/", {"name": "Ward 7"})
    page = instructor_client.get(created.headers["Location"]).get_data(as_text=True)
    code = re.search(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", page)
    assert code
    statuses = []
    for n in range(30):
        learner = accounts.create(f"pupil{n}@example.org", Role.LEARNER, name=f"Pupil {n}")
        device = from_address(app, "192.0.2.10")
        accounts.login(device, learner.email)
        if n % 3 == 0:  # a typo first
            assert post_form(device, "/classes/join", {"code": "AAAAA-BBBBB"}).status_code == 400
        statuses.append(post_form(device, "/classes/join", {"code": code.group(1)}).status_code)
    assert statuses == [302] * 30


def test_over_https_the_device_cookie_is_host_only_and_secure(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(SESSION_COOKIE_SECURE=True)
    with app.app_context():
        db.create_all()
    owner = Accounts(app).create("owner@example.org")
    device = app.test_client()
    device.environ_base["wsgi.url_scheme"] = "https"
    response = Accounts(app).login(device, owner.email)
    assert response.status_code == 302
    header = next(
        value for value in response.headers.getlist("Set-Cookie") if value.startswith("__Host-")
    )
    assert header.startswith("__Host-device=")
    assert "Secure" in header and "HttpOnly" in header and "Path=/" in header
    assert "Domain" not in header


def test_reset_link_requests_for_one_email_are_limited_from_anywhere(
    app: Flask, learner: User
) -> None:
    statuses = [
        post_form(
            from_address(app, f"198.51.100.{n}"), "/account/forgot", {"email": learner.email}
        ).status_code
        for n in range(6)
    ]
    assert statuses[:5] == [statuses[0]] * 5 and statuses[0] != 429
    assert statuses[5] == 429
    other = post_form(from_address(app, "198.51.100.9"), "/account/forgot", {"email": "x@y.org"})
    assert other.status_code != 429


def test_guessing_reset_links_is_limited_per_address(app: Flask) -> None:
    guesser = from_address(app, "198.51.100.66")
    statuses = [guesser.get(f"/account/reset/guess{n}").status_code for n in range(21)]
    assert statuses == [404] * 20 + [429]


def test_the_browser_that_registered_is_a_known_device(app: Flask, accounts: Accounts) -> None:
    device = from_address(app, "203.0.113.7")
    assert register(device, "rita@example.org").status_code == 302
    assert accounts.logout(device).status_code == 302
    attack(app, accounts, "rita@example.org", 10)
    assert accounts.login(from_address(app, "203.0.113.7"), "rita@example.org").status_code == 429
    assert accounts.login(device, "rita@example.org").status_code == 302


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (3, "a few seconds"),
        (40, "about 40 seconds"),
        (59, "about a minute"),
        (170, "about 3 minutes"),
        (3599, "about an hour"),
        (3 * 3600, "about 3 hours"),
    ],
)
def test_the_wait_is_said_as_a_person_would(seconds: int, words: str) -> None:
    assert wait_in_words(seconds) == words


def test_deleting_the_account_limits_guesses_of_the_password(
    learner_client: FlaskClient,
) -> None:
    statuses = [
        post_form(learner_client, "/account/delete", {"password": f"guess {n}"}).status_code
        for n in range(11)
    ]
    assert statuses == [400] * 10 + [429]


def test_an_ipv6_network_counts_as_one_address(app: Flask, accounts: Accounts) -> None:
    """Someone with a /64 has 2⁶⁴ addresses: changing the last bits gains nothing."""
    statuses = [
        accounts.login(
            from_address(app, f"2001:db8:1:2::{n:x}"), f"someone{n}@example.org", password=WRONG
        ).status_code
        for n in range(21)
    ]
    assert statuses == [400] * 20 + [429]
    other_network = from_address(app, "2001:db8:1:3::1")
    assert accounts.login(other_network, "someone@example.org", password=WRONG).status_code == 400
