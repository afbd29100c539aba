"""Translation catalogues without GNU gettext: extract, sync, check and compile with pure Python.

Each Django app under `motcua/` owns `locale/vi/LC_MESSAGES/django.po` for the strings in its own files.
`motcua i18n sync` adds the missing msgids, `check` lists missing or empty translations (the test suite
fails on any), `compile` writes the `.mo` files that Django reads.
"""

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polib
from django.apps import apps

LANGUAGE = "vi"
_SINGULAR = {"_", "gettext", "gettext_lazy", "gettext_noop"}
_PLURAL = {"ngettext", "ngettext_lazy"}
_CONTEXT = {"pgettext", "pgettext_lazy"}

_TEMPLATE_TAG = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(?P<q>["'])(?P<msg>.*?)(?P=q)(?P<rest>[^%]*)%\}""", re.DOTALL
)
_BLOCK = re.compile(
    r"\{%\s*(?:blocktranslate|blocktrans)(?P<opts>[^%]*)%\}(?P<body>.*?)"
    r"\{%\s*(?:endblocktranslate|endblocktrans)\s*%\}",
    re.DOTALL,
)
_VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_CONTEXT_OPT = re.compile(r"""context\s+(?P<q>["'])(?P<ctx>.*?)(?P=q)""")


@dataclass(frozen=True, order=True)
class Message:
    msgid: str
    context: str = ""
    plural: str = ""


def _strings(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def messages_in_python(source: str) -> Iterator[Message]:
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        args = node.args
        if name in _SINGULAR and args and (text := _strings(args[0])):
            yield Message(text)
        elif (
            name in _PLURAL and len(args) >= 2 and (one := _strings(args[0])) and (many := _strings(args[1]))
        ):
            yield Message(one, plural=many)
        elif (
            name in _CONTEXT and len(args) >= 2 and (ctx := _strings(args[0])) and (text := _strings(args[1]))
        ):
            yield Message(text, context=ctx)


def messages_in_template(source: str) -> Iterator[Message]:
    for match in _TEMPLATE_TAG.finditer(source):
        ctx = _CONTEXT_OPT.search(match["rest"])
        yield Message(match["msg"], context=ctx["ctx"] if ctx else "")
    for match in _BLOCK.finditer(source):
        body = match["body"]
        if "{% plural %}" in body:
            continue  # not used in motcua; keep the extractor small
        if "trimmed" in match["opts"]:
            body = " ".join(body.split())
        ctx = _CONTEXT_OPT.search(match["opts"])
        yield Message(_VARIABLE.sub(r"%(\1)s", body), context=ctx["ctx"] if ctx else "")


def _owned_files(app_path: Path, other_app_paths: list[Path]) -> Iterator[Path]:
    for path in sorted(app_path.rglob("*")):
        if any(path.is_relative_to(other) for other in other_app_paths):
            continue
        if "migrations" in path.parts or "tests" in path.parts or "locale" in path.parts:
            continue
        if path.suffix in {".py", ".html", ".txt"}:
            yield path


def motcua_apps() -> list[tuple[str, Path]]:
    """(label, path) of every motcua app, deepest first so that nested apps own their own files."""
    found = [(cfg.label, Path(cfg.path)) for cfg in apps.get_app_configs() if cfg.name.startswith("motcua.")]
    return sorted(found, key=lambda item: len(item[1].parts), reverse=True)


def extract(app_path: Path, other_app_paths: list[Path]) -> set[Message]:
    found: set[Message] = set()
    for path in _owned_files(app_path, other_app_paths):
        source = path.read_text(encoding="utf-8")
        found.update(messages_in_python(source) if path.suffix == ".py" else messages_in_template(source))
    return found


def catalogue_path(app_path: Path) -> Path:
    return app_path / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po"


def _load(path: Path) -> polib.POFile:
    if path.exists():
        return polib.pofile(str(path), wrapwidth=0)
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": "motcua",
        "Language": LANGUAGE,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    return po


def _each_app() -> Iterator[tuple[str, Path, set[Message]]]:
    app_list = motcua_apps()
    for label, path in app_list:
        nested = [other for _, other in app_list if other != path and other.is_relative_to(path)]
        yield label, path, extract(path, nested)


def sync(only: str | None = None) -> dict[str, int]:
    """Add every missing msgid to its app's catalogue (or only app `only`'s). Returns the count per app."""
    added: dict[str, int] = {}
    for label, path, found in _each_app():
        if only and label != only:
            continue
        po_path = catalogue_path(path)
        po = _load(po_path)
        count = 0
        for message in sorted(found):
            if po.find(message.msgid, msgctxt=message.context or False) is None:
                entry = polib.POEntry(msgid=message.msgid, msgstr="")
                if message.context:
                    entry.msgctxt = message.context
                if message.plural:
                    entry.msgid_plural, entry.msgstr_plural = message.plural, {0: ""}
                po.append(entry)
                count += 1
        if count or (found and not po_path.exists()):
            po_path.parent.mkdir(parents=True, exist_ok=True)
            po.save(str(po_path))
        added[label] = count
    return added


def check() -> list[str]:
    """Problems: msgids used in code but missing or untranslated in the Vietnamese catalogue, and msgids that
    two apps translate differently (Django merges the catalogues, so only one translation would be shown)."""
    problems: list[str] = []
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    for label, path, found in _each_app():
        po = _load(catalogue_path(path))
        for entry in po.translated_entries():
            key, text = (entry.msgctxt or "", entry.msgid), entry.msgstr or str(entry.msgstr_plural)
            other = seen.setdefault(key, (label, text))
            if other[1] != text:
                problems.append(
                    f"{label}: {entry.msgid!r} translated differently in {other[0]}: {other[1]!r}"
                )
        for message in sorted(found):
            entry = po.find(message.msgid, msgctxt=message.context or False)
            if entry is None:
                problems.append(f"{label}: missing {message.msgid!r}")
            elif not entry.translated() or "fuzzy" in entry.flags:
                problems.append(f"{label}: untranslated {message.msgid!r}")
    return problems


def compile_all() -> list[Path]:
    """Write a .mo beside every motcua .po file."""
    written = []
    for _label, path in motcua_apps():
        po_path = catalogue_path(path)
        if po_path.exists():
            mo_path = po_path.with_suffix(".mo")
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            written.append(mo_path)
    return written
