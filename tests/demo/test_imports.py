import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(app):
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                yield from ((path, alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield path, node.module


@pytest.mark.parametrize("app", ["treffpunkt", "congress", "expo", "matchmaking"])
def test_no_app_imports_the_demo(app):
    importers = [
        str(path.relative_to(ROOT))
        for path, module in imported_modules(app)
        if module == "demo" or module.startswith("demo.")
    ]

    assert importers == []
