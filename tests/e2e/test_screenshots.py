"""The committed screenshots are what screenshots/generate.py makes today, with no secret.

The whole set is regenerated into a temporary folder (about 30 s: a demo server per shot
that changes the account) and compared byte for byte with screenshots/*.svg. When the UI
changes on purpose, run ``python screenshots/generate.py`` and commit the files.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "screenshots"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("screenshots_generate", COMMITTED / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> tuple[ModuleType, Any, Path]:
    generate = _generator()
    out = tmp_path_factory.mktemp("screenshots")
    result = asyncio.run(generate.generate(out))
    return generate, result, out


def test_committed_screenshots_are_fresh(shots: tuple[ModuleType, Any, Path]) -> None:
    _, result, out = shots
    made = {p.name: p.read_bytes() for p in result.files}
    committed = {p.name: p.read_bytes() for p in COMMITTED.glob("*.svg")}
    stale = sorted(name for name in made if committed.get(name) != made[name])
    missing = sorted(set(made) - set(committed))
    extra = sorted(set(committed) - set(made))
    assert not (stale or extra), (
        f"screenshots/ is stale: changed {stale} (of which new: {missing}), "
        f"no longer made {extra}. Run `python screenshots/generate.py` and commit; "
        f"the fresh files are in {out}"
    )


def test_no_secret_shows_in_any_screenshot(shots: tuple[ModuleType, Any, Path]) -> None:
    generate, result, _ = shots
    # The caller's secret key, the fake MFA seed, and the new user's password and secret.
    assert len(result.secrets) >= 4
    for path in [*result.files, *COMMITTED.glob("*.svg")]:
        svg = path.read_text(encoding="utf-8")
        assert generate.shown_secrets(svg, result.secrets) == [], path.name
    credentials = (COMMITTED / "80x24-users-credentials.svg").read_text(encoding="utf-8")
    assert generate.svg_text(credentials).count("••••••••••••••••") == 2  # password, secret


def test_the_secret_check_finds_a_secret_split_across_runs() -> None:
    generate = _generator()
    svg = (
        '<text class="r1" x="0" y="20">Secret&#160;key&#160;&#160;wJalrXUtnFEMI</text>'
        '<text class="r2" x="170" y="20">/K7MDENG/bPxRfiCY</text>'
    )
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    assert generate.shown_secrets(svg, {secret}) == [secret]  # its first 12 characters
    assert generate.shown_secrets(svg.replace("wJalrXUtnFEMI", "•" * 13), {secret}) == []
