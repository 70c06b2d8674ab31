"""execgym: code execution as ground truth for code LLMs."""

__version__ = "0.1.0"
