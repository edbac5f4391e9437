"""The web layer every area shares: plain forms and what templates use."""

from __future__ import annotations

from flask import Flask

from quizapp.web import templating


def init_app(app: Flask) -> None:
    templating.init_app(app)
