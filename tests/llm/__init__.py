"""Tests of execgym.llm, and the fake OpenAI-compatible server they talk to."""
