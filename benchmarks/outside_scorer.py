"""The outside evaluation's scorer (tools/score_extraction.py beside real-dev), loaded as a module.

The benchmarks score extraction with the same matching as the outside evaluation; the scorer lives in the
shared folder, not in this repository, so it is loaded from its path.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def load(real_dev: Path) -> ModuleType:
    """tools/score_extraction.py beside the real-dev folder, as a module (loaded once per process)."""
    if "score_extraction" in sys.modules:
        return sys.modules["score_extraction"]
    path = real_dev.parent / "tools" / "score_extraction.py"
    spec = importlib.util.spec_from_file_location("score_extraction", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["score_extraction"] = module
    spec.loader.exec_module(module)
    return module
