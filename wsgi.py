"""Entry point for gunicorn from a checkout: ``gunicorn --workers 4 wsgi:app``.

An installed wheel has no checkout: there, ``gunicorn quizapp.wsgi:app`` does the same.
"""

from quizapp.wsgi import app

__all__ = ["app"]
