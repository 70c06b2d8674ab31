"""The trusted executor: run untrusted Python in isolated children and judge it.

The judging process never runs untrusted code; children of warm fork-servers do, inside
namespaces and resource limits, and send back plain data that is compared here.
"""

from execgym.sandbox._checkers import Checker, checker_names, get_checker, register
from execgym.sandbox._forkserver import SandboxConfig
from execgym.sandbox._harness import PREAMBLE
from execgym.sandbox._models import (
    CallTest,
    ErrorInfo,
    JudgeResult,
    Limits,
    RunResult,
    StdioTest,
    TestCase,
    TestResult,
    Verdict,
)
from execgym.sandbox._sandbox import JudgeRequest, Sandbox
from execgym.sandbox._values import decode_value, encode_value

__all__ = [
    "PREAMBLE",
    "CallTest",
    "Checker",
    "ErrorInfo",
    "JudgeRequest",
    "JudgeResult",
    "Limits",
    "RunResult",
    "Sandbox",
    "SandboxConfig",
    "StdioTest",
    "TestCase",
    "TestResult",
    "Verdict",
    "checker_names",
    "decode_value",
    "encode_value",
    "get_checker",
    "register",
]
