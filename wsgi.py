"""Entry point for gunicorn: ``gunicorn --workers 4 wsgi:app``."""

from quizapp import create_app

app = create_app()
