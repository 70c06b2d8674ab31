"""Makes ``fake_openai`` importable and registers its ``fake_openai`` fixture.

Other test packages can do the same in their own conftest::

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "llm"))
    from fake_openai import FakeOpenAIServer, Fault, fake_openai  # noqa: F401
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from fake_openai import fake_openai  # noqa: E402, F401
