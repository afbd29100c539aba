"""A backup directory checked against its manifest, and the retention of backups (no database needed).

The end-to-end backup and restore are in test_backup_restore.py (slow)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from motcua.core.backup import BackupError, complete_backups, prune, verify_archive

PDF = b"%PDF-1.4 a stored file"
SHA = hashlib.sha256(PDF).hexdigest()
NAME = f"files/{SHA[:2]}/{SHA[2:4]}/{SHA}"


def _archive(root: Path, name: str = "motcua-backup-20261122T183000Z", **changes: object) -> Path:
    archive = root / name
    (archive / NAME).parent.mkdir(parents=True)
    (archive / NAME).write_bytes(PDF)
    (archive / "database.sqlite3").write_bytes(b"SQLite format 3\x00")
    manifest = {
        "format": 1,
        "database": {
            "vendor": "sqlite",
            "file": "database.sqlite3",
            "sha256": hashlib.sha256(b"SQLite format 3\x00").hexdigest(),
            "size": 16,
        },
        "migrations": [],
        "row_counts": {},
        "files": [{"name": NAME, "sha256": SHA, "size": len(PDF)}],
        "remote_files": 0,
        "problems": [],
    } | changes
    (archive / "manifest.json").write_text(json.dumps(manifest))
    return archive


def test_an_intact_backup_verifies(tmp_path: Path) -> None:
    manifest = verify_archive(_archive(tmp_path))
    assert manifest["files"] == [{"name": NAME, "sha256": SHA, "size": len(PDF)}]


def test_a_changed_or_missing_file_is_listed(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    (archive / NAME).write_bytes(PDF + b"!")
    (archive / "database.sqlite3").unlink()
    with pytest.raises(BackupError) as caught:
        verify_archive(archive)
    assert str(caught.value).splitlines() == [
        "Bản sao lưu bị hỏng; chưa khôi phục gì:",
        "database.sqlite3: không có trong bản sao lưu.",
        f"{NAME}: nội dung không khớp với bản kê (manifest).",
    ]


def test_a_name_outside_the_content_addresses_is_never_read(tmp_path: Path) -> None:
    (tmp_path / "secret").write_bytes(PDF)
    archive = _archive(
        tmp_path,
        files=[
            {"name": "../secret", "sha256": SHA, "size": len(PDF)},
            {"name": NAME, "sha256": SHA, "size": len(PDF)},
        ],
    )
    with pytest.raises(BackupError) as caught:
        verify_archive(archive)
    assert str(caught.value).splitlines() == [
        "Bản sao lưu bị hỏng; chưa khôi phục gì:",
        "../secret: không phải tên theo địa chỉ nội dung.",
    ]


def test_a_database_file_of_another_name_is_never_read(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    manifest = json.loads((archive / "manifest.json").read_text())
    manifest["database"]["file"] = "../secret"
    (archive / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BackupError) as caught:
        verify_archive(archive)
    assert str(caught.value).splitlines() == [
        "Bản sao lưu bị hỏng; chưa khôi phục gì:",
        "../secret: không phải tên theo địa chỉ nội dung.",
    ]


def test_a_directory_without_manifest_or_of_another_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BackupError) as caught:
        verify_archive(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path} không có bản kê (manifest): đây không phải một bản sao lưu motcua hoàn chỉnh."
    )
    with pytest.raises(BackupError) as caught:
        verify_archive(_archive(tmp_path, format=2))
    assert str(caught.value) == "Phiên bản motcua này không đọc được định dạng của bản sao lưu này."


def test_prune_keeps_the_newest_finished_backups_and_nothing_else_is_touched(tmp_path: Path) -> None:
    for stamp in ("20261120T183000Z", "20261122T183000Z", "20261121T183000Z", "20261119T183000Z"):
        _archive(tmp_path, f"motcua-backup-{stamp}")
    (tmp_path / "motcua-backup-20261118T183000Z.partial").mkdir()  # an interrupted backup
    (tmp_path / "motcua-backup-20261117T183000Z").mkdir()  # no manifest: not a finished backup
    (tmp_path / "notes.txt").write_text("kept")
    removed = prune(tmp_path, keep=2)
    assert [path.name for path in removed] == [
        "motcua-backup-20261119T183000Z",
        "motcua-backup-20261120T183000Z",
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "motcua-backup-20261117T183000Z",
        "motcua-backup-20261118T183000Z.partial",
        "motcua-backup-20261121T183000Z",
        "motcua-backup-20261122T183000Z",
        "notes.txt",
    ]
    assert [path.name for path in complete_backups(tmp_path)] == [
        "motcua-backup-20261121T183000Z",
        "motcua-backup-20261122T183000Z",
    ]


def test_prune_keeps_at_least_one(tmp_path: Path) -> None:
    _archive(tmp_path)
    with pytest.raises(BackupError) as caught:
        prune(tmp_path, keep=0)
    assert str(caught.value) == "Phải giữ lại ít nhất một bản sao lưu."
    assert [path.name for path in complete_backups(tmp_path)] == ["motcua-backup-20261122T183000Z"]
