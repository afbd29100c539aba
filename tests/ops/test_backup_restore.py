"""Backup and restore, as an administrator runs them: `motcua backup`, then `motcua restore` into a new
database and a new storage directory, and the restored system compared with the original.

The original is the demo province with 200 generated dossiers (`motcua demo`, `motcua generate`), built by
the same commands an installation uses, each in its own process with production settings. SQLite always;
PostgreSQL too when the suite runs on PostgreSQL (`DATABASE_URL=postgres://…`), in the databases
`motcua_ops_source_<pid>` and `motcua_ops_restore_<pid>` of the same server (the process id keeps
parallel test processes apart; the databases are dropped when the module ends).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SUITE_DATABASE = os.environ.get("DATABASE_URL", "")
VENDORS = ["sqlite", *(["postgresql"] if SUITE_DATABASE.startswith(("postgres://", "postgresql://")) else [])]

# A dossier with files, read back through the storage API the pages use (open_file): its code, status and,
# per component, the recorded SHA-256 beside the SHA-256 and size of the bytes actually read.
READ_DOSSIERS = """
import hashlib, json
from motcua.dossiers.models import Dossier
from motcua.dossiers.storage import open_file
out = []
dossiers = Dossier.objects.filter(code__isnull=False, components__file__isnull=False).distinct()
for dossier in dossiers.order_by("code")[:3]:
    files = []
    components = dossier.components.filter(file__isnull=False).select_related("file")
    for component in components.order_by("position", "pk"):
        with open_file(component.file) as handle:
            data = handle.read()
        files.append([component.file.sha256, hashlib.sha256(data).hexdigest(), len(data)])
    out.append({"code": dossier.code, "status": dossier.status, "files": files})
print(json.dumps(out))
"""


@dataclass(frozen=True)
class Site:
    """One installation: its environment (database, var and media directories)."""

    vendor: str
    var: Path
    database_url: str

    @property
    def media(self) -> Path:
        return self.var / "media"

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("MOTCUA_", "DJANGO_"))}
        env |= {
            "DJANGO_SETTINGS_MODULE": "motcua.config.settings",
            "MOTCUA_VAR_DIR": str(self.var),
            "HUEY_IMMEDIATE": "true",  # slips, notifications and counters as a running worker makes them
            "MOTCUA_DEMO_CERT_PASSPHRASE": "motcua-demo",
            "LOG_LEVEL": "WARNING",
        }
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        else:
            env.pop("DATABASE_URL", None)
        return env

    def motcua(self, *args: str, media: Path | None = None) -> subprocess.CompletedProcess[str]:
        env = self.env() | ({"MEDIA_ROOT": str(media)} if media else {})
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )

    def ok(self, *args: str) -> str:
        completed = self.motcua(*args)
        assert completed.returncode == 0, (args, completed.stdout[-2000:], completed.stderr[-4000:])
        return completed.stdout

    def query(self, sql: str) -> list[tuple[object, ...]]:
        if self.vendor == "sqlite":
            with closing(sqlite3.connect(self.var / "motcua.sqlite3")) as connection:
                return connection.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.database_url) as connection:
            return connection.execute(sql).fetchall()

    def tables(self) -> list[str]:
        if self.vendor == "sqlite":
            sql = (
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
            )
        else:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        return [str(row[0]) for row in self.query(sql)]

    def row_counts(self) -> dict[str, int]:
        return {table: int(self.query(f'SELECT COUNT(*) FROM "{table}"')[0][0]) for table in self.tables()}


def _database_url(name: str) -> str:
    base, _sep, _name = SUITE_DATABASE.rpartition("/")
    return f"{base}/{name}"


CREATED: list[str] = []  # the PostgreSQL databases this process made, dropped when the module ends


def _fresh_postgresql_database(name: str) -> str:
    import psycopg

    name = f"{name}_{os.getpid()}"
    with psycopg.connect(_database_url("postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    CREATED.append(name)
    return _database_url(name)


def _drop_created_databases() -> None:
    import psycopg

    with psycopg.connect(_database_url("postgres"), autocommit=True) as connection:
        while CREATED:
            connection.execute(f'DROP DATABASE IF EXISTS "{CREATED.pop()}" WITH (FORCE)')


def _site(vendor: str, var: Path, database: str) -> Site:
    var.mkdir(parents=True)
    return Site(vendor, var, _fresh_postgresql_database(database) if vendor == "postgresql" else "")


def _file_hashes(media: Path) -> dict[str, str]:
    return {
        str(path.relative_to(media)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((media / "files").rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


@dataclass(frozen=True)
class World:
    source: Site
    restored: Site
    archive: Path
    backup_stdout: str
    restore: subprocess.CompletedProcess[str]
    tmp: Path


@pytest.fixture(scope="module", params=VENDORS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    vendor = request.param
    tmp = tmp_path_factory.mktemp(f"ops-{vendor}")
    source = _site(vendor, tmp / "source", "motcua_ops_source")
    source.ok("migrate", "--noinput", "-v", "0")
    source.ok("demo")
    source.ok(
        "generate", "--dossiers", "200", "--seed", "7", "--until", "2026-11-20T17:00+07:00", "--no-progress"
    )
    backup_stdout = source.ok("backup", str(tmp / "backups"))
    archive = Path(backup_stdout.splitlines()[0])
    restored = _site(vendor, tmp / "restored", "motcua_ops_restore")
    restore = restored.motcua("restore", str(archive))
    yield World(source, restored, archive, backup_stdout, restore, tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    if vendor == "postgresql":
        _drop_created_databases()


def test_the_backup_holds_a_manifest_of_everything_it_copied(world: World) -> None:
    manifest = json.loads((world.archive / "manifest.json").read_text())
    database_file = "database.dump" if world.source.vendor == "postgresql" else "database.sqlite3"
    assert world.archive.parent == world.tmp / "backups"
    assert world.archive.name.startswith("motcua-backup-")
    assert manifest["database"]["vendor"] == world.source.vendor
    assert manifest["database"]["file"] == database_file
    assert (
        manifest["database"]["sha256"]
        == hashlib.sha256((world.archive / database_file).read_bytes()).hexdigest()
    )
    # Nothing wrote to the source after the backup: its counts are the manifest's, table by table.
    assert manifest["row_counts"] == world.source.row_counts()
    assert manifest["problems"] == []
    assert manifest["remote_files"] == 0
    stored = world.source.query("SELECT name, sha256 FROM dossiers_storedfile ORDER BY name")
    assert {entry["name"]: entry["sha256"] for entry in manifest["files"]} == dict(stored)
    assert _file_hashes(world.archive) == dict(stored)
    assert len(stored) >= 50
    applied = world.source.query("SELECT app, name FROM django_migrations ORDER BY app, name")
    assert manifest["migrations"] == [f"{app}.{name}" for app, name in applied]
    assert oct((world.archive).stat().st_mode & 0o777) == "0o700"


def test_the_restore_reports_an_intact_copy(world: World) -> None:
    assert world.restore.returncode == 0, world.restore.stderr
    audit_records = world.source.query("SELECT COUNT(*) FROM core_auditrecord")[0][0]
    counts = world.source.row_counts()
    assert world.restore.stdout.splitlines() == [
        f"Đã khôi phục và kiểm tra: {sum(counts.values())} dòng trong {len(counts)} bảng, "
        f"{len(_file_hashes(world.source.media))} tệp lưu trữ.",
        f"Nhật ký kiểm tra toàn vẹn: {audit_records} bản ghi.",
    ]


def test_the_restored_database_has_the_same_rows_per_table(world: World) -> None:
    source, restored = world.source.row_counts(), world.restored.row_counts()
    assert restored == source
    assert source["dossiers_dossier"] >= 200


def test_the_restored_storage_has_the_same_files(world: World) -> None:
    restored = _file_hashes(world.restored.media)
    assert restored == _file_hashes(world.source.media)
    assert all(name.endswith(sha256) for name, sha256 in restored.items())


def test_a_restored_dossier_reads_with_its_files(world: World) -> None:
    source = json.loads(world.source.ok("shell", "-v", "0", "-c", READ_DOSSIERS))
    restored = json.loads(world.restored.ok("shell", "-v", "0", "-c", READ_DOSSIERS))
    assert restored == source
    assert len(restored) == 3
    for dossier in restored:
        assert dossier["files"]
        for recorded, read, size in dossier["files"]:
            assert (read, size > 0) == (recorded, True)


def test_the_restored_audit_chains_verify(world: World) -> None:
    records = world.source.query("SELECT COUNT(*) FROM core_auditrecord")[0][0]
    partitions = world.source.query("SELECT COUNT(*) FROM core_auditchainhead")[0][0]
    assert world.restored.ok("audit", "verify").strip() == (
        f"Nhật ký kiểm tra toàn vẹn: {records} bản ghi trong {partitions} phân vùng."
    )


def test_a_second_restore_into_the_restored_site_is_refused(world: World) -> None:
    before = world.restored.row_counts()
    again = world.restored.motcua("restore", str(world.archive))
    assert again.returncode == 2
    assert again.stderr.strip() == (
        f"CommandError: Thư mục lưu trữ {world.restored.media / 'files'} đã có tệp; "
        "hãy khôi phục vào một thư mục trống."
    )
    assert world.restored.row_counts() == before


def test_a_damaged_backup_is_refused_before_anything_is_touched(world: World) -> None:
    damaged = world.tmp / "damaged" / world.archive.name
    shutil.copytree(world.archive, damaged)
    manifest = json.loads((damaged / "manifest.json").read_text())
    victim, lost = manifest["files"][0]["name"], manifest["files"][1]["name"]
    (damaged / victim).write_bytes((damaged / victim).read_bytes() + b"\n")
    (damaged / lost).unlink()
    target = _site(world.source.vendor, world.tmp / "target-damaged", "motcua_ops_damaged")
    refused = target.motcua("restore", str(damaged))
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        "CommandError: Bản sao lưu bị hỏng; chưa khôi phục gì:",
        f"{victim}: nội dung không khớp với bản kê (manifest).",
        f"{lost}: không có trong bản sao lưu.",
    ]
    assert target.tables() == []
    assert not (target.media / "files").exists()


def test_the_check_only_mode_reads_the_backup_without_restoring(world: World) -> None:
    target = _site(world.source.vendor, world.tmp / "target-check", "motcua_ops_check")
    files = len(json.loads((world.archive / "manifest.json").read_text())["files"])
    assert target.ok("restore", "--check-only", str(world.archive)).strip() == (
        f"Bản sao lưu toàn vẹn: cơ sở dữ liệu và {files} tệp lưu trữ khớp với bản kê (manifest)."
    )
    assert target.tables() == []


def test_a_missing_or_damaged_stored_file_is_reported_and_the_rest_backed_up(world: World) -> None:
    media = world.tmp / "damaged-media"
    shutil.copytree(world.source.media, media)
    names = sorted(_file_hashes(media))
    damaged, missing = names[0], names[1]
    (media / damaged).write_bytes(b"%PDF-1.4 changed")
    (media / missing).unlink()
    completed = world.source.motcua("backup", str(world.tmp / "backups-damaged"), media=media)
    assert completed.returncode == 1
    assert completed.stderr.strip().splitlines() == [
        f"{damaged}: nội dung không còn khớp với mã SHA-256 của tệp.",
        f"{missing}: không có trong thư mục lưu trữ.",
        "CommandError: 2 tệp lưu trữ bị thiếu hoặc hỏng; xem các dòng ở trên.",
    ]
    archive = Path(completed.stdout.splitlines()[0])
    manifest = json.loads((archive / "manifest.json").read_text())
    assert manifest["problems"] == completed.stderr.strip().splitlines()[:2]
    assert sorted(entry["name"] for entry in manifest["files"]) == [names[0], *names[2:]]
    assert (archive / damaged).read_bytes() == b"%PDF-1.4 changed"
    # Restored, it is flagged: the database names a file the storage lacks, and another of the wrong size.
    target = _site(world.source.vendor, world.tmp / "target-partial", "motcua_ops_partial")
    restored = target.motcua("restore", str(archive))
    assert restored.returncode == 1
    assert restored.stderr.strip().splitlines() == [
        f"{damaged}: kích thước tệp khác với kích thước ghi trong cơ sở dữ liệu.",
        f"{missing}: có trong cơ sở dữ liệu nhưng không có trong kho lưu trữ.",
        "CommandError: Dữ liệu khôi phục không khớp với bản sao lưu: 2 lỗi, xem các dòng ở trên.",
    ]


def test_keep_deletes_the_oldest_backups_only(world: World) -> None:
    directory = world.tmp / "backups-kept"
    first = Path(world.source.ok("backup", str(directory)).splitlines()[0])
    (directory / "notes.txt").write_text("not a backup")
    second = Path(world.source.ok("backup", str(directory)).splitlines()[0])
    output = world.source.ok("backup", str(directory), "--keep", "2").splitlines()
    third = Path(output[0])
    assert output[-1] == f"Đã xóa bản sao lưu cũ: {first}"
    assert sorted(path.name for path in directory.iterdir()) == sorted([second.name, third.name, "notes.txt"])


WRITE_AFTER_RESTORE = """
from motcua.dossiers.models import StoredFile
from motcua.dossiers.storage import store_file
before = max(StoredFile.objects.values_list("pk", flat=True))
stored = store_file(content=b"%PDF-1.4 written after the restore", filename="new.pdf")
print(stored.pk > before, StoredFile.objects.count())
"""


def test_the_restored_site_takes_new_rows_after_the_restored_ones(world: World) -> None:
    """The sequences (PostgreSQL) and AUTOINCREMENT counters (SQLite) came back with the data. Last in this
    module: it writes to the restored site."""
    files = world.source.row_counts()["dossiers_storedfile"]
    assert world.restored.ok("shell", "-v", "0", "-c", WRITE_AFTER_RESTORE).split() == [
        "True",
        str(files + 1),
    ]
