"""Registers the ``fake_openai`` fixture (a fake OpenAI-compatible server) for the llm tests.

Other test packages import it as ``from llm.fake_openai import FakeOpenAIServer, Fault``.
"""

from __future__ import annotations

from llm.fake_openai import fake_openai

__all__ = ["fake_openai"]
