"""Driver-level statements for the hot paths of indexing and searching.

SQLAlchemy's per-row processing costs more than the database itself when a statement reads or
writes tens of thousands of rows, so these go straight to the DBAPI cursor of the session's own
connection (same transaction). SQL is written with ``:name`` parameters for both databases.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from sqlalchemy.orm import Session

_PARAM = re.compile(r"(?<![:\w]):(\w+)")


def is_pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


@lru_cache(maxsize=512)
def _pg_sql(sql: str) -> str:
    return _PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))


def _cursor(session: Session, sql: str):
    conn = session.connection()
    pg = conn.dialect.name == "postgresql"
    return conn.connection.cursor(), (_pg_sql(sql) if pg else sql)


def fetch(session: Session, sql: str, params: dict | None = None) -> list[tuple]:
    cursor, sql = _cursor(session, sql)
    try:
        cursor.execute(sql, params or {})
        return cursor.fetchall()
    finally:
        cursor.close()


def stream(session: Session, sql: str, params: dict | None = None, size: int = 200):
    """The rows of a query, read ``size`` at a time (stop early by leaving the loop)."""
    cursor, sql = _cursor(session, sql)
    try:
        cursor.execute(sql, params or {})
        while rows := cursor.fetchmany(size):
            yield from rows
    finally:
        cursor.close()


def column(session: Session, sql: str, params: dict | None = None) -> list:
    """The first column of every row."""
    return [r[0] for r in fetch(session, sql, params)]


def execute_many(session: Session, sql: str, rows: Sequence[dict]) -> None:
    if not rows:
        return
    cursor, sql = _cursor(session, sql)
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()


def execute(session: Session, sql: str, params: dict | None = None) -> None:
    cursor, sql = _cursor(session, sql)
    try:
        cursor.execute(sql, params or {})
    finally:
        cursor.close()


def insert_many(session: Session, table: str, rows: Sequence[dict], types: dict[str, str],
                targets: dict[str, str] | None = None) -> None:
    """Insert ``rows`` into ``table``. ``types`` gives each row key's PostgreSQL type; each key is
    a column of the same name unless ``targets`` is given: column -> SQL expression over
    ``u.<key>``.

    On PostgreSQL the whole batch is one statement over ``unnest()`` of one array per key; on
    SQLite it is ``executemany`` (SQLite runs in-process, so a statement per row costs little).
    """
    if not rows:
        return
    keys = list(types)
    targets = targets or {k: f"u.{k}" for k in keys}
    columns = ", ".join(targets)
    if not is_pg(session):
        values = ", ".join(_U.sub(r":\1", e) for e in targets.values())
        execute_many(session, f"INSERT INTO {table} ({columns}) VALUES ({values})", rows)
        return
    arrays = ", ".join(f"CAST(:{k} AS {t}[])" for k, t in types.items())
    params = {k: [r[k] for r in rows] for k in keys}
    execute(session, f"INSERT INTO {table} ({columns}) SELECT {', '.join(targets.values())} "
            f"FROM unnest({arrays}) AS u({', '.join(keys)})", params)


_U = re.compile(r"\bu\.(\w+)")
