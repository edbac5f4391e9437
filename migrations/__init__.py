"""Alembic's migrations, installed as the package ``quizapp._migrations`` (see setup.py)."""
