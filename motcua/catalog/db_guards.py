# ruff: noqa: S608 (every name interpolated into the SQL is a constant of this module, never input)
"""Database triggers that refuse changes to published versions, under the ORM guards (`models/guards.py`).

- PostgreSQL: UPDATE or DELETE of a published `catalog_procedureversion` row, and INSERT, UPDATE or
  DELETE of a row belonging to a published version, raise `integrity_constraint_violation` (23000).
- SQLite: the same for UPDATE and INSERT. DELETE is left to the ORM guard and to `PROTECT` foreign keys,
  because Django empties SQLite tables with DELETE between transactional tests (PostgreSQL uses
  TRUNCATE, which row triggers do not see). See docs/adr/0006-catalog-versions.md.

SQLite drops a table's triggers when a migration rebuilds the table (`ALTER TABLE` emulation): a later
migration that alters one of these tables must call `install` again (`migrations.RunPython(install,
uninstall)` after its operations).
"""

from typing import Any

VERSION_TABLE = "catalog_procedureversion"
CHILD_TABLES = (
    "catalog_sequencestep",
    "catalog_proceduremethod",
    "catalog_procedureagency",
    "catalog_eform",
    "catalog_requireddocument",
    "catalog_fee",
    "catalog_procedureresult",
    "catalog_legalbasis",
    "catalog_processstep",
)
MESSAGE = "catalog: a published procedure version is immutable"

_POSTGRES = [
    f"""
    CREATE OR REPLACE FUNCTION catalog_refuse_published_version() RETURNS trigger AS $$
    BEGIN
        IF OLD.status = 'published' THEN
            RAISE EXCEPTION '{MESSAGE} (id %)', OLD.id USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE OR REPLACE FUNCTION catalog_refuse_published_child() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            IF EXISTS (SELECT 1 FROM {VERSION_TABLE} WHERE id = OLD.version_id AND status = 'published') THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            IF EXISTS (SELECT 1 FROM {VERSION_TABLE} WHERE id = NEW.version_id AND status = 'published') THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    f"DROP TRIGGER IF EXISTS catalog_version_frozen ON {VERSION_TABLE}",
    f"""CREATE TRIGGER catalog_version_frozen BEFORE UPDATE OR DELETE ON {VERSION_TABLE}
        FOR EACH ROW EXECUTE FUNCTION catalog_refuse_published_version()""",
    *(
        statement
        for table in CHILD_TABLES
        for statement in (
            f"DROP TRIGGER IF EXISTS {table}_frozen ON {table}",
            f"""CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION catalog_refuse_published_child()""",
        )
    ),
]

_POSTGRES_DROP = [
    *(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table}" for table in CHILD_TABLES),
    f"DROP TRIGGER IF EXISTS catalog_version_frozen ON {VERSION_TABLE}",
    "DROP FUNCTION IF EXISTS catalog_refuse_published_child()",
    "DROP FUNCTION IF EXISTS catalog_refuse_published_version()",
]


def _published(column: str) -> str:
    return f"(SELECT status FROM {VERSION_TABLE} WHERE id = {column}) = 'published'"


_SQLITE = [
    "DROP TRIGGER IF EXISTS catalog_version_frozen_update",
    f"""CREATE TRIGGER catalog_version_frozen_update BEFORE UPDATE ON {VERSION_TABLE}
        FOR EACH ROW WHEN OLD.status = 'published'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    *(
        statement
        for table in CHILD_TABLES
        for statement in (
            f"DROP TRIGGER IF EXISTS {table}_frozen_insert",
            f"""CREATE TRIGGER {table}_frozen_insert BEFORE INSERT ON {table}
                FOR EACH ROW WHEN {_published("NEW.version_id")}
                BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
            f"DROP TRIGGER IF EXISTS {table}_frozen_update",
            f"""CREATE TRIGGER {table}_frozen_update BEFORE UPDATE ON {table}
                FOR EACH ROW WHEN {_published("OLD.version_id")} OR {_published("NEW.version_id")}
                BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
        )
    ),
]

_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS catalog_version_frozen_update",
    *(
        statement
        for table in CHILD_TABLES
        for statement in (
            f"DROP TRIGGER IF EXISTS {table}_frozen_insert",
            f"DROP TRIGGER IF EXISTS {table}_frozen_update",
        )
    ),
]


def _run(schema_editor: Any, statements: list[str]) -> None:
    for statement in statements:
        schema_editor.execute(statement, params=None)


def install(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, _POSTGRES)
    elif vendor == "sqlite":
        _run(schema_editor, _SQLITE)


def uninstall(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, _POSTGRES_DROP)
    elif vendor == "sqlite":
        _run(schema_editor, _SQLITE_DROP)
