"""The API is the top layer: it may import any domain, and nothing imports it (the site's
own modules included); create_app registers it like every other view module."""
from __future__ import annotations

import ast

from tests.test_layers import ROOT, _target


def test_nothing_imports_the_api():
    importers = set()
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] == "api" or len(relative.parts) < 2:
            continue            # the api itself; create_app and models.py assemble everything
        module = ".".join(("marketplace", *relative.with_suffix("").parts))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and _target(module, node) == "api":
                importers.add(relative.as_posix())
    assert not importers
