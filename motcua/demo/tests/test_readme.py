"""The README and the docs stay true: every setting documented, every relative link alive."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = ROOT / "motcua" / "config" / "settings.py"
README = ROOT / "README.md"
# The environment variables the settings module reads, whatever helper it reads them with.
_READ = re.compile(r"""(?:environ\.get|environ\[|env_bool|env_list|getenv)\(\s*["']([A-Z][A-Z0-9_]+)["']""")
_LINK = re.compile(r"\]\((?!https?://|#|mailto:)([^)#\s]+)")


def test_the_extractor_finds_environment_reads() -> None:
    source = (
        'a = os.environ.get("DATABASE_URL", "x")\nb = env_bool("HTTPS")\nc = env_list( "ALLOWED_HOSTS", "")'
    )

    assert _READ.findall(source) == ["DATABASE_URL", "HTTPS", "ALLOWED_HOSTS"]


def test_every_environment_variable_of_the_settings_is_in_the_readme_table() -> None:
    variables = set(_READ.findall(SETTINGS.read_text(encoding="utf-8")))
    configuration = README.read_text(encoding="utf-8").split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", configuration, flags=re.MULTILINE))

    assert "DATABASE_URL" in variables
    assert sorted(variables - documented) == []
    assert sorted(documented - variables) == []


def test_relative_links_in_the_readme_and_docs_lead_to_files() -> None:
    pages = [README, *sorted((ROOT / "docs").rglob("*.md"))]

    for page in pages:
        for target in _LINK.findall(page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.relative_to(ROOT)} links to missing {target}"
