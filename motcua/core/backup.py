"""Backup and restore of the database and the stored files, checked against a manifest.

A backup is one directory, `motcua-backup-<UTC time>`, readable by its owner only:

    manifest.json           what the backup holds and how to check it (written last)
    database.dump           PostgreSQL: `pg_dump --format=custom`
    database.sqlite3        SQLite: a copy made with SQLite's online backup API
    files/ab/cd/abcd…       every stored file the database names, under its content address

The manifest records the SHA-256 and size of every file in the directory, the row count of every table and
the applied migrations, all read from the same snapshot as the dump, and the versions that made it.

Consistency without stopping motcua: the database is copied first, in one snapshot (an exported PostgreSQL
snapshot that `pg_dump` and the row counts share; SQLite's backup API); the files come after. A stored file
is written before the row that names it commits and is never changed nor deleted (its name is its SHA-256),
so every file the snapshot names is on disk when it is copied; files stored later belong to rows the
snapshot does not hold and wait for the next backup.

A restore goes into an empty database and an empty storage directory. Nothing is touched before the whole
backup checks out against its manifest; afterwards the restore checks the row counts, the migrations, that
every file the restored database names is in place, and the audit chains (`audit_verify`).

Files on S3 (`STORAGE_BACKEND=s3`) stay in their bucket: the manifest counts them, the bucket's own
versioning and replication protect them (docs/OPERATIONS.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.db import connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

import motcua

FORMAT = 1
MANIFEST = "manifest.json"
PREFIX = "motcua-backup-"
PARTIAL = ".partial"
POSTGRESQL_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
CHUNK = 1024 * 1024
# The only shape a locally stored file's name takes (motcua.dossiers.storage): nothing else is copied, so a
# forged name in the database cannot make a backup or a restore read or write outside its directory.
LOCAL_NAME = re.compile(r"files/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})")
LOCAL_BACKEND = "local"


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message says why and what to do."""


@dataclass(slots=True)
class Facts:
    """What a database snapshot holds, as the manifest records it."""

    row_counts: dict[str, int]
    migrations: list[str]
    # (name, sha256, size) of every file stored locally, and how many are kept elsewhere (S3).
    local_files: list[tuple[str, str, int]]
    remote_files: int


@dataclass(slots=True)
class BackupResult:
    path: Path
    files: int
    bytes: int
    remote_files: int
    problems: list[str] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


@dataclass(slots=True)
class RestoreResult:
    files: int
    tables: int
    rows: int
    audit_records: int | None
    pending_migrations: int
    problems: list[str] = field(default_factory=list)


def sha256_of(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _copy_hashing(source: Path, target: Path) -> tuple[str, int]:
    """Copy `source` to `target` (through a temporary name, so a half-copied file never bears the name)
    and return the SHA-256 and size of what was copied."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".copy-")
    try:
        with source.open("rb") as reader, os.fdopen(handle, "wb") as writer:
            while chunk := reader.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                writer.write(chunk)
        Path(temporary).replace(target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return digest.hexdigest(), size


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _read_facts(cursor: Any, *, vendor: str) -> Facts:
    """Row counts, applied migrations and stored files, read through one DB-API cursor (one snapshot)."""
    if vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
        )
    tables = [row[0] for row in cursor.fetchall()]
    row_counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 (a table name the database listed)
        row_counts[table] = int(cursor.fetchone()[0])
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    stored_table = apps.get_model("dossiers", "StoredFile")._meta.db_table
    cursor.execute(f"SELECT name, sha256, size, backend FROM {_quote(stored_table)} ORDER BY name")  # noqa: S608
    local_files, remote_files = [], 0
    for name, sha256, size, backend in cursor.fetchall():
        if backend == LOCAL_BACKEND:
            local_files.append((str(name), str(sha256), int(size)))
        else:
            remote_files += 1
    return Facts(row_counts, migrations, local_files, remote_files)


def _postgres_env(database: dict[str, Any]) -> dict[str, str]:
    """The libpq environment that points `pg_dump`/`pg_restore` at Django's database (no password on a
    command line, where `ps` would show it)."""
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if database.get(key):
            env[variable] = str(database[key])
    env["PGDATABASE"] = str(database["NAME"])
    if sslmode := database.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run(command: list[str], *, env: dict[str, str]) -> None:
    try:
        completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(
            _("%(program)s is not installed; install the PostgreSQL client of the server's version.")
            % {"program": command[0]}
        ) from exc
    if completed.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s") % {"program": command[0], "error": completed.stderr.strip()}
        )


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in {"postgresql", "sqlite"}:
        raise BackupError(
            _("Backups support PostgreSQL and SQLite only, not %(vendor)s.") % {"vendor": vendor}
        )
    return vendor


def _dump_postgresql(alias: str, target: Path) -> Facts:
    """`pg_dump` and the facts of the manifest from one exported snapshot: what the counts say is what the
    dump holds, however busy the database."""
    connection = connections[alias]
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # The transaction idles while pg_dump runs, then counts every table: no server timeout may end it.
        cursor.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            env=_postgres_env(connection.settings_dict),
        )
        return _read_facts(cursor, vendor="postgresql")


def _copy_sqlite(alias: str, target: Path) -> Facts:
    """SQLite's online backup API (safe while motcua writes, unlike a file copy); the facts are read from
    the copy itself."""
    connection = connections[alias]
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        # A self-contained file: no write-ahead log beside it. A restored database goes back to WAL.
        copy.execute("PRAGMA journal_mode=DELETE")
        return _read_facts(copy.cursor(), vendor="sqlite")
    finally:
        copy.close()


def _copy_stored_files(
    facts: Facts, media_root: Path, directory: Path
) -> tuple[list[dict[str, Any]], list[str]]:
    entries, problems = [], []
    for name, sha256, size in facts.local_files:
        match = LOCAL_NAME.fullmatch(name)
        if match is None or match.group(3) != sha256:
            problems.append(_("%(name)s: not a content-addressed name; not copied.") % {"name": name})
            continue
        source = media_root / name
        if not source.is_file():
            problems.append(_("%(name)s: missing from the storage directory.") % {"name": name})
            continue
        digest, copied = _copy_hashing(source, directory / name)
        if digest != sha256 or copied != size:
            # Kept in the backup as found, and reported: the stored file itself is damaged.
            problems.append(_("%(name)s: its content no longer matches its SHA-256.") % {"name": name})
        entries.append({"name": name, "sha256": digest, "size": copied})
    return entries, problems


def _migrations_on_disk(alias: str) -> set[str]:
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True, load=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def backup(output: Path, *, alias: str = "default", keep: int | None = None) -> BackupResult:
    """Write a backup of the database and of the stored files into a new directory under `output`."""
    vendor = _vendor(alias)
    media_root = Path(settings.MEDIA_ROOT)
    started = timezone.now()
    name = PREFIX + started.strftime("%Y%m%dT%H%M%SZ")
    final = output / name
    partial = output / (name + PARTIAL)
    if final.exists() or partial.exists():
        raise BackupError(_("%(path)s already exists; wait a second and start again.") % {"path": final})
    output.mkdir(parents=True, exist_ok=True)
    partial.mkdir(mode=0o700)
    try:
        database_file = POSTGRESQL_DUMP if vendor == "postgresql" else SQLITE_COPY
        if vendor == "postgresql":
            facts = _dump_postgresql(alias, partial / database_file)
        else:
            facts = _copy_sqlite(alias, partial / database_file)
        files, problems = _copy_stored_files(facts, media_root, partial)
        database_sha256, database_size = sha256_of(partial / database_file)
        manifest = {
            "format": FORMAT,
            "created_at": started.isoformat(),
            "finished_at": timezone.now().isoformat(),
            "motcua_version": motcua.__version__,
            "django_version": django.get_version(),
            "python_version": platform.python_version(),
            "database": {
                "vendor": vendor,
                "name": Path(str(connections[alias].settings_dict["NAME"])).name,
                "file": database_file,
                "sha256": database_sha256,
                "size": database_size,
            },
            "migrations": facts.migrations,
            "row_counts": facts.row_counts,
            "files": files,
            "remote_files": facts.remote_files,
            "problems": problems,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    result = BackupResult(
        path=final,
        files=len(files),
        bytes=sum(entry["size"] for entry in files) + database_size,
        remote_files=facts.remote_files,
        problems=problems,
    )
    if keep is not None:
        result.removed = prune(output, keep=keep)
    return result


def complete_backups(output: Path) -> list[Path]:
    """The finished backups in `output`, oldest first (the name sorts by time)."""
    if not output.is_dir():
        return []
    return sorted(
        path
        for path in output.iterdir()
        if path.is_dir()
        and path.name.startswith(PREFIX)
        and not path.name.endswith(PARTIAL)
        and (path / MANIFEST).is_file()
    )


def prune(output: Path, *, keep: int) -> list[Path]:
    """Delete all but the `keep` newest finished backups in `output`; the deleted ones."""
    if keep < 1:
        raise BackupError(_("Keep at least one backup."))
    doomed = complete_backups(output)[:-keep]
    for path in doomed:
        shutil.rmtree(path)
    return doomed


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((archive / MANIFEST).read_text())
    except FileNotFoundError as exc:
        raise BackupError(
            _("%(path)s has no manifest: it is not a finished motcua backup.") % {"path": archive}
        ) from exc
    except ValueError as exc:
        raise BackupError(_("The manifest of %(path)s is damaged.") % {"path": archive}) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(_("This backup's format is not one this version of motcua reads."))
    return manifest


def _manifest_files(manifest: dict[str, Any]) -> Iterator[tuple[str, str, int]]:
    database = manifest["database"]
    yield database["file"], database["sha256"], database["size"]
    for entry in manifest["files"]:
        yield entry["name"], entry["sha256"], entry["size"]


def verify_archive(archive: Path) -> dict[str, Any]:
    """Check every file of a backup against its manifest; the manifest, or `BackupError` listing what
    does not match."""
    manifest = read_manifest(archive)
    problems = []
    database_file = manifest["database"]["file"]
    for name, sha256, size in _manifest_files(manifest):
        expected = (
            name in {POSTGRESQL_DUMP, SQLITE_COPY} if name == database_file else LOCAL_NAME.fullmatch(name)
        )
        if not expected:
            problems.append(_("%(name)s: not a content-addressed name.") % {"name": name})
            continue
        path = archive / name
        if not path.is_file():
            problems.append(_("%(name)s: missing from the backup.") % {"name": name})
            continue
        if sha256_of(path) != (sha256, size):
            problems.append(_("%(name)s: its content does not match the manifest.") % {"name": name})
    if problems:
        raise BackupError("\n".join([_("The backup is damaged; it was not restored:"), *problems]))
    return manifest


def _storage_is_empty(media_root: Path) -> bool:
    files = media_root / "files"
    return not files.exists() or not any(path.is_file() for path in files.rglob("*"))


def _restore_postgresql(alias: str, dump: Path) -> None:
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()")
        if cursor.fetchone()[0]:
            raise BackupError(
                _("The database %(name)s is not empty; restore into a new, empty database.")
                % {"name": connection.settings_dict["NAME"]}
            )
    connection.close()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        env=_postgres_env(connection.settings_dict),
    )


def _restore_sqlite(alias: str, copy: Path) -> None:
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'")
        if cursor.fetchone()[0]:
            raise BackupError(
                _("The database %(name)s is not empty; restore into a new, empty database.")
                % {"name": connection.settings_dict["NAME"]}
            )
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()


def restore(archive: Path, *, alias: str = "default") -> RestoreResult:
    """Restore a backup into the (empty) configured database and storage directory, then check it."""
    vendor = _vendor(alias)
    media_root = Path(settings.MEDIA_ROOT)
    manifest = verify_archive(archive)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            _("This backup is of a %(backup)s database; the configured database is %(configured)s.")
            % {"backup": manifest["database"]["vendor"], "configured": vendor}
        )
    unknown = sorted(set(manifest["migrations"]) - _migrations_on_disk(alias))
    if unknown:
        raise BackupError(
            _("A newer version of motcua made this backup (unknown migrations: %(names)s); install it first.")
            % {"names": ", ".join(unknown[:5])}
        )
    if not _storage_is_empty(media_root):
        raise BackupError(
            _("The storage directory %(path)s already holds files; restore into an empty one.")
            % {"path": media_root / "files"}
        )
    database_file = archive / manifest["database"]["file"]
    if vendor == "postgresql":
        _restore_postgresql(alias, database_file)
    else:
        _restore_sqlite(alias, database_file)
    for entry in manifest["files"]:
        digest, size = _copy_hashing(archive / entry["name"], media_root / entry["name"])
        if (digest, size) != (entry["sha256"], entry["size"]):
            raise BackupError(_("%(name)s changed while it was restored.") % {"name": entry["name"]})
    return check_restored(manifest, alias=alias)


def check_restored(manifest: dict[str, Any], *, alias: str = "default") -> RestoreResult:
    """Compare the restored database and storage with the manifest: the same rows per table, the same
    migrations, every file the database names in place; then the audit chains, when no migration waits."""
    connection = connections[alias]
    media_root = Path(settings.MEDIA_ROOT)
    with connection.cursor() as cursor:
        facts = _read_facts(cursor, vendor=connection.vendor)
    problems = [
        _("Table %(table)s: %(restored)s rows restored, %(expected)s in the backup.")
        % {"table": table, "restored": facts.row_counts.get(table, "no"), "expected": count}
        for table, count in sorted(manifest["row_counts"].items())
        if facts.row_counts.get(table) != count
    ]
    problems += [
        _("Table %(table)s is not in the backup.") % {"table": table}
        for table in sorted(set(facts.row_counts) - set(manifest["row_counts"]))
    ]
    if facts.migrations != manifest["migrations"]:
        problems.append(_("The applied migrations differ from the backup's."))
    for name, _sha256, size in facts.local_files:
        path = media_root / name
        if not LOCAL_NAME.fullmatch(name) or not path.is_file():
            problems.append(
                _("%(name)s: named by the database but missing from the storage.") % {"name": name}
            )
        elif path.stat().st_size != size:
            problems.append(
                _("%(name)s: its size differs from the one the database records.") % {"name": name}
            )
    executor = MigrationExecutor(connection)
    pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    audit_records = None
    if not problems and not pending:
        from motcua.core.audit import audit_verify  # noqa: PLC0415 (reads models of a migrated database only)

        report = audit_verify()
        audit_records = report.records
        problems += [str(finding) for finding in report.findings]
    return RestoreResult(
        files=len(manifest["files"]),
        tables=len(facts.row_counts),
        rows=sum(facts.row_counts.values()),
        audit_records=audit_records,
        pending_migrations=pending,
        problems=problems,
    )
