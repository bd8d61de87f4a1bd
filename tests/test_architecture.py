"""The shape of the code, checked on every run (issue 10; the layer contract itself is
``.importlinter``, run by ``lint-imports`` in CI): rooms of a readable size, and no import inside a
function to hide a cycle."""
import ast
import configparser
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("vroegsignalering", "accounts", "audit", "shv", "feedback", "signals", "cases", "contacts", "monitor",
        "privacy", "demo")
MAX_LINES = 400
# Where a first-party import inside a function is the idiom, not a dodge: a Celery task imports the
# service it runs inside its body (services import the task at module level), and an AppConfig
# registers its hooks in ready(), when every app is loaded.
FUNCTION_IMPORTS_ALLOWED = {"tasks.py": "Celery task body", "apps.py": "AppConfig.ready()"}


def _modules() -> list[Path]:
    files = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    return [ROOT / name for name in files
            if name.split("/")[0] in APPS and "/migrations/" not in name]


def test_the_modules_are_found():
    names = {path.relative_to(ROOT).as_posix() for path in _modules()}
    assert "cases/models.py" in names or "cases/models/__init__.py" in names
    assert not any(name.startswith(("tests/", "bench/")) for name in names)


def test_no_product_module_is_longer_than_400_lines():
    too_long = {path.relative_to(ROOT).as_posix(): n for path in _modules()
                if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert too_long == {}, f"split these modules by concern (at most {MAX_LINES} lines): {too_long}"


def _function_level_imports(path: Path) -> list[str]:
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    found = []

    class Visitor(ast.NodeVisitor):
        depth = 0

        def visit_FunctionDef(self, node):
            self.depth += 1
            self.generic_visit(node)
            self.depth -= 1

        visit_AsyncFunctionDef = visit_FunctionDef

        def visit_ImportFrom(self, node):
            if self.depth and (node.level or (node.module or "").split(".")[0] in APPS):
                found.append(f"{name}:{node.lineno} from {'.' * node.level}{node.module or ''}")

        def visit_Import(self, node):
            if self.depth and any(alias.name.split(".")[0] in APPS for alias in node.names):
                found.append(f"{name}:{node.lineno} import {node.names[0].name}")

    Visitor().visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def test_no_first_party_import_inside_a_function():
    found = [line for path in _modules() if path.name not in FUNCTION_IMPORTS_ALLOWED
             for line in _function_level_imports(path)]
    assert found == [], "import at module level (a cycle means a layer is wrong): " + "; ".join(found)


@pytest.mark.parametrize("source, expected", [
    ("def f():\n    from cases import services\n", 1),
    ("def f():\n    from . import services\n", 1),
    ("def f():\n    import json\n", 0),
    ("from cases import services\n", 0),
])
def test_the_function_import_scan_finds_what_it_should(tmp_path, source, expected):
    module = tmp_path / "probe.py"
    module.write_text(source, encoding="utf-8")
    assert len(_function_level_imports(module)) == expected


def _contract_layers() -> list[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter", encoding="utf-8")
    return [line.strip() for line in config["importlinter:contract:layers"]["layers"].splitlines() if line.strip()]


def _drawn_layers() -> list[str]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = text.split("<!-- layers:", 1)[1].split("<!-- /layers -->", 1)[0]
    block = block.split("```", 2)[1]
    names = []
    for line in block.splitlines():
        if line and not line.startswith(" "):
            names.append(re.split(r"\s{2,}", line, maxsplit=1)[0].strip())
    return names


def test_the_layer_picture_is_the_contract():
    assert _contract_layers()[0] == "privacy | demo"
    assert _drawn_layers() == _contract_layers()
