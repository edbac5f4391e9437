"""The packages of the distribution and their data files; the rest is in pyproject.toml.

``migrations/`` and ``questions/`` stay at the top of the repository and ship
inside the wheel as ``quizapp._migrations`` and ``quizapp._questions``, every
file of them, so an installed quizapp finds them through its own package
(``quizapp.bundled``). pyproject.toml cannot map folders outside the package
into it, hence this file.
"""

from setuptools import find_namespace_packages, setup

BUNDLED = {"quizapp._migrations": "migrations", "quizapp._questions": "questions"}
NOT_PACKAGES = ["__pycache__", "*.__pycache__"]


def bundled_packages() -> dict[str, str]:
    """Each bundled folder and its subfolders as packages, with the folder each is in."""
    packages = {}
    for package, folder in BUNDLED.items():
        packages[package] = folder
        for sub in find_namespace_packages(where=folder, exclude=NOT_PACKAGES):
            packages[f"{package}.{sub}"] = f"{folder}/{sub.replace('.', '/')}"
    return packages


bundled = bundled_packages()
setup(
    packages=[
        *find_namespace_packages(include=["quizapp", "quizapp.*"], exclude=NOT_PACKAGES),
        *bundled,
    ],
    package_dir=bundled,
    package_data={
        "quizapp": ["templates/**/*", "static/**/*", "auth/*.txt"],
        **{package: ["*"] for package in bundled},
    },
)
