"""The bundled question bank, installed as the package ``quizapp._questions`` (see setup.py)."""
