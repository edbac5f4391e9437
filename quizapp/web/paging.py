"""Lists shown a page at a time: a page past the end goes to the last page."""

from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for
from werkzeug.wrappers import Response


def last_page(total: int, per_page: int) -> int:
    """The number of the last page of ``total`` rows (1 for an empty list)."""
    return max(1, -(-total // per_page))


def to_page(number: int) -> Response:
    """The same address with ``?page=number``: for a page asked for beyond the last one.

    Query arguments that ``url_for`` would read as its own (``endpoint``, ``_external``…)
    are dropped, and the address's own arguments win over the query string's.
    """
    kept = {k: v for k, v in request.args.items() if k != "endpoint" and not k.startswith("_")}
    values: dict[str, Any] = kept | (request.view_args or {}) | {"page": number}
    return redirect(url_for(str(request.endpoint), **values))
