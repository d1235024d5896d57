"""Every setting the code reads from the environment is documented in the README (datasette's rule)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["ingest", "ontology", "graph", "search", "app"]
SETTING = re.compile(r"""["'](STYRKEDJA_[A-Z_]+)["']""")


def settings_in_code() -> set[str]:
    found: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            found.update(SETTING.findall(path.read_text("utf-8")))
    return found


def test_settings_are_found():
    assert "STYRKEDJA_STORE" in settings_in_code()


def test_every_setting_is_documented():
    readme = (ROOT / "README.md").read_text("utf-8")
    missing = sorted(name for name in settings_in_code() if f"`{name}`" not in readme)
    assert not missing, f"settings not documented in README.md: {missing}"
