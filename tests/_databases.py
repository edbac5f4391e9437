"""Databases a test owns: a SQLite file or a PostgreSQL schema, empty or a copy of a
template (how tests that need the bundled bank skip loading it).

On PostgreSQL a copy is today's tables created in a new schema and filled with
``INSERT ... SELECT`` from the template schema, sequences moved past the copied
ids. A database per test made with ``CREATE DATABASE ... TEMPLATE`` was as fast on
a quiet server but slower on a busy one (``DROP DATABASE`` forces a checkpoint), and
it needs the CREATEDB privilege.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import Connection, MetaData, create_engine, text
from sqlalchemy.engine import make_url

from quizapp.config import database_url


def copy_sqlite(template_uri: str, target: Path) -> str:
    """A copy of the SQLite database at ``template_uri`` in ``target``, as a URI.

    The backup API copies a consistent database (WAL included), unlike a file copy.
    """
    source_path = make_url(template_uri).database
    assert source_path, template_uri
    with closing(sqlite3.connect(source_path)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


def schema_of(uri: str) -> str:
    """The schema a URI made by :func:`postgres_schema` works in."""
    return str(make_url(uri).query["options"]).removeprefix("-csearch_path=")


@contextmanager
def postgres_schema(server_url: str) -> Iterator[str]:
    """A schema created for the caller and dropped after it, as a URI that uses it."""
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(database_url(server_url))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(database_url(server_url)).update_query_dict(
        {"options": f"-csearch_path={schema}"}
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def copy_rows(connection: Connection, metadata: MetaData, source_schema: str) -> None:
    """Fill the (empty) tables of the connection's schema from the same tables in
    ``source_schema``, and move each id sequence past the copied ids."""
    for table in metadata.sorted_tables:
        name = f'"{table.name}"'
        connection.execute(text(f'INSERT INTO {name} SELECT * FROM "{source_schema}".{name}'))
        column = table.autoincrement_column
        if column is not None:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                    f'coalesce(max("{column.name}"), 0) + 1, false) FROM {name}'
                ),
                {"table": name, "column": column.name},
            )


@contextmanager
def postgres_schema_copy(server_url: str, template_uri: str, metadata: MetaData) -> Iterator[str]:
    """A schema holding ``metadata``'s tables with the rows of the template's schema
    (a URI made by :func:`postgres_schema`), dropped after the caller."""
    with postgres_schema(server_url) as uri:
        engine = create_engine(uri)
        try:
            metadata.create_all(engine)
            with engine.begin() as connection:
                copy_rows(connection, metadata, schema_of(template_uri))
        finally:
            engine.dispose()
        yield uri
