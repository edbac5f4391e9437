"""Limits on guessing that a classroom and an account's owner do not run into.

Only refused attempts count (a form sent back with an error), never a sign-in
that worked, so a whole class can sign in from one school network. A browser
that has signed in to an account before carries a signed *device cookie*
naming that account (OWASP, "Slow Down Online Guessing Attacks with Device
Cookies"): on it, sign-in is limited per device only, so an attacker's failures
from elsewhere, which lock out every new device of the account, do not lock out
the owner's own browser.

The counts live in Flask-Limiter's store (``RATELIMIT_STORAGE_URI``); if that
store (Redis) stops answering, each worker counts in its own memory until it is
back (see ``quizapp.extensions``).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import ParamSpec

from flask import current_app, g, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_limiter import RouteLimit
from flask_login import current_user
from itsdangerous import BadData, URLSafeTimedSerializer
from limits.errors import StorageError
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from quizapp.account import mail
from quizapp.extensions import limiter
from quizapp.models import User
from quizapp.security import guessing_limit

P = ParamSpec("P")

DEVICE_COOKIE_AGE = timedelta(days=365)
# A shared computer (a school's) remembers this many accounts, the latest kept.
DEVICE_COOKIE_ACCOUNTS = 30


def address_limit() -> str:
    """Refused attempts per network address: sign-in from new devices, password
    checks and join codes."""
    return str(current_app.config["ADDRESS_RATE_LIMIT"])


def registration_limit() -> str:
    """Registrations per network address, successful or not."""
    return str(current_app.config["REGISTER_RATE_LIMIT"])


def recovery_limit() -> str:
    """Requests per email address that may each mail it: reset links, and
    registrations while mail is configured."""
    return str(current_app.config["RECOVERY_RATE_LIMIT"])


def _mail_off() -> bool:
    """Without mail a registration sends nothing, so only the address limit applies."""
    return not mail.configured()


def refused(response: Response) -> bool:
    """An attempt that failed: the form came back with an error. A 429 is not
    counted again, or waiting would never end."""
    return 400 <= response.status_code < 500 and response.status_code != 429


def _network() -> str:
    """Where the attempt comes from: its IPv4 address, or its IPv6 /64, which one
    household or one attacker gets whole (counting each of its 2⁶⁴ addresses
    apart would limit nothing)."""
    address = request.remote_addr or ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _account_key(email: str) -> str:
    """The account an attempt names, as a keyed digest of its email: neither the
    limit store nor the device cookie holds the address itself."""
    secret = str(current_app.secret_key).encode()
    normalised = User.normalise_email(email).encode()
    return hmac.new(secret, b"account:" + normalised, hashlib.sha256).hexdigest()[:24]


def _submitted_account() -> str:
    return "account:" + _account_key(request.form.get("email", ""))


def _signed_in_user() -> str:
    return f"user:{current_user.id}"


def _cookie_name() -> str:
    """``__Host-`` over HTTPS: only this host, over HTTPS, for every path, can set it."""
    return "__Host-device" if current_app.config["SESSION_COOKIE_SECURE"] else "device"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.secret_key), salt="device-cookie")


def _known_accounts() -> dict[str, str]:
    """Account digest → this browser's device id for it, from a valid cookie."""
    raw = request.cookies.get(_cookie_name())
    if not raw:
        return {}
    try:
        known = _serializer().loads(raw, max_age=int(DEVICE_COOKIE_AGE.total_seconds()))
    except BadData:
        return {}
    if not isinstance(known, dict):
        return {}
    return {str(account): str(device) for account, device in known.items()}


def _device() -> str:
    """This browser's device id for the account being signed in to, or "" if it
    has not signed in to that account before."""
    if "known_device" not in g:
        g.known_device = _known_accounts().get(_account_key(request.form.get("email", "")), "")
    return str(g.known_device)


def _on_known_device() -> bool:
    return bool(_device())


def _on_new_device() -> bool:
    return not _device()


def _device_key() -> str:
    return "device:" + _device()


def _remember_device(response: Response, email: str) -> None:
    """Name the account in this browser's device cookie, with a new device id
    (a fresh count after each sign-in, as OWASP describes)."""
    known = _known_accounts()
    account = _account_key(email)
    known.pop(account, None)
    known[account] = secrets.token_hex(8)
    latest = dict(list(known.items())[-DEVICE_COOKIE_ACCOUNTS:])
    response.set_cookie(
        _cookie_name(),
        _serializer().dumps(latest),
        max_age=DEVICE_COOKIE_AGE,
        path="/",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        httponly=True,
        samesite="Lax",
    )


def _remembering_device(
    view: Callable[P, ResponseReturnValue],
) -> Callable[P, ResponseReturnValue]:
    """A browser that signs in (or registers) through ``view`` becomes a known
    device of that account."""

    @wraps(view)
    def remembering(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
        was_signed_in = current_user.is_authenticated
        response = make_response(view(*args, **kwargs))
        if request.method == "POST" and not was_signed_in and current_user.is_authenticated:
            _remember_device(response, current_user.email)
        return response

    return remembering


def _apply(
    view: Callable[P, ResponseReturnValue], *limits: RouteLimit
) -> Callable[P, ResponseReturnValue]:
    for limit in reversed(limits):
        view = limit(view)
    return view


def sign_in_limits(
    view: Callable[P, ResponseReturnValue],
) -> Callable[P, ResponseReturnValue]:
    """Refused sign-ins: per address and per account from new devices, per device
    on one that signed in to the account before; a successful sign-in marks the
    device as known."""
    limited = _apply(
        view,
        limiter.limit(
            address_limit,
            methods=["POST"],
            key_func=_network,
            deduct_when=refused,
            exempt_when=_on_known_device,
        ),
        limiter.limit(
            guessing_limit,
            methods=["POST"],
            key_func=_submitted_account,
            deduct_when=refused,
            exempt_when=_on_known_device,
        ),
        limiter.limit(
            guessing_limit,
            methods=["POST"],
            key_func=_device_key,
            deduct_when=refused,
            exempt_when=_on_new_device,
        ),
    )
    return _remembering_device(limited)


def guess_limits(
    view: Callable[P, ResponseReturnValue],
) -> Callable[P, ResponseReturnValue]:
    """Refused guesses by a signed-in user (the current password, a join code):
    per user and per address. Put it below ``login_required``."""
    return _apply(
        view,
        limiter.limit(address_limit, methods=["POST"], key_func=_network, deduct_when=refused),
        limiter.limit(
            guessing_limit, methods=["POST"], key_func=_signed_in_user, deduct_when=refused
        ),
    )


def registration_limits(
    view: Callable[P, ResponseReturnValue],
) -> Callable[P, ResponseReturnValue]:
    """Every registration counts per network address, so probing which emails have
    accounts is bounded, and with mail configured per email address too, so nobody
    floods one inbox from many addresses; the browser that registers is a known
    device of the new account."""
    return _remembering_device(
        _apply(
            view,
            limiter.limit(registration_limit, methods=["POST"], key_func=_network),
            limiter.limit(
                recovery_limit,
                methods=["POST"],
                key_func=_submitted_account,
                exempt_when=_mail_off,
            ),
        )
    )


def recovery_limits(
    view: Callable[P, ResponseReturnValue],
) -> Callable[P, ResponseReturnValue]:
    """Every reset-link request counts, per email and per address."""
    return _apply(
        view,
        limiter.limit(address_limit, methods=["POST"], key_func=_network),
        limiter.limit(recovery_limit, methods=["POST"], key_func=_submitted_account),
    )


def link_limits(
    view: Callable[P, ResponseReturnValue],
) -> Callable[P, ResponseReturnValue]:
    """A page reached by a secret link: refused attempts per address."""
    return limiter.limit(address_limit, key_func=_network, deduct_when=refused)(view)


def wait_in_words(seconds: int) -> str:
    """ "about 3 minutes": how long to wait, as a person would say it."""
    if seconds < 10:
        return "a few seconds"
    if seconds < 50:
        return f"about {seconds} seconds"
    if seconds < 90:
        return "about a minute"
    if seconds < 50 * 60:
        return f"about {round(seconds / 60)} minutes"
    hours = max(1, round(seconds / 3600))
    return "about an hour" if hours == 1 else f"about {hours} hours"


def _seconds_to_wait() -> int:
    """Until every limit this request broke has room again. The limiter's windows
    run on the wall clock, not on ``quizapp.clock``."""
    resets = []
    for breached in (limit for limit in limiter.current_limits if limit.breached):
        try:
            resets.append(int(breached.reset_at - time.time()))
        except StorageError:  # the store went away since: assume a whole window
            resets.append(breached.limit.get_expiry())
    return max(1, max(resets, default=60))


def too_many_requests(error: TooManyRequests) -> tuple[str, int, dict[str, str]]:
    """The 429 page in the site's layout, saying when to try again."""
    seconds = _seconds_to_wait()
    page = render_template("errors/429.html", wait=wait_in_words(seconds))
    return page, 429, {"Retry-After": str(seconds)}
