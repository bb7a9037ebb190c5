"""The house's import rules (docs/architecture.md) hold for the code as it is."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OTHER_APPS = ("accounts", "backoffice", "conversations", "demo", "expo", "matchmaking", "web")
# An app named in a string: apps.get_model("expo", …), "expo.Exhibitor", include("expo.urls").
_APP = "|".join(OTHER_APPS)
BY_STRING = re.compile(rf"""get_model\(\s*["'](?:{_APP})["']|["'](?:{_APP})\.[A-Za-z_]""")


def test_import_contracts_are_kept():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def strings_naming_other_apps(source):
    return [match.group(0) for match in BY_STRING.finditer(source)]


def test_congress_names_no_other_app_even_by_string():
    found = {
        str(path.relative_to(ROOT)): hits
        for path in sorted((ROOT / "congress").rglob("*.py"))
        if "migrations" not in path.parts and (hits := strings_naming_other_apps(path.read_text()))
    }
    assert found == {}


def test_the_string_check_sees_a_model_lookup_and_a_module_path():
    assert strings_naming_other_apps('apps.get_model("expo", "Exhibitor")') == ['get_model("expo"']
    assert strings_naming_other_apps('include("matchmaking.urls")') == ['"matchmaking.u']
    assert strings_naming_other_apps('"expo hall" and "Web"') == []
