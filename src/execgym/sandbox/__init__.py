"""The trusted executor: run untrusted Python in isolated children and judge it.

The judging process never runs untrusted code; children of warm fork-servers do, inside
namespaces and resource limits, and send back plain data that is compared here.
"""

from typing import TYPE_CHECKING

from execgym._lazy import lazy_exports

if TYPE_CHECKING:
    from execgym.sandbox._builtin_checkers import EvalPlusChecker, values_equal
    from execgym.sandbox._checkers import CHECKERS, Checker, checker_names, get_checker, register
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
    from execgym.sandbox._sandbox import Interaction, JudgeRequest, Sandbox
    from execgym.sandbox._values import decode_value, encode_value

# The fork-server imports modules of this package; re-exports load lazily so that it does
# not pay for pydantic and the judging side (a lighter process forks faster).
_EXPORTS = {
    "CHECKERS": "execgym.sandbox._checkers",
    "CallTest": "execgym.sandbox._models",
    "Checker": "execgym.sandbox._checkers",
    "ErrorInfo": "execgym.sandbox._models",
    "EvalPlusChecker": "execgym.sandbox._builtin_checkers",
    "Interaction": "execgym.sandbox._sandbox",
    "JudgeRequest": "execgym.sandbox._sandbox",
    "JudgeResult": "execgym.sandbox._models",
    "Limits": "execgym.sandbox._models",
    "PREAMBLE": "execgym.sandbox._harness",
    "RunResult": "execgym.sandbox._models",
    "Sandbox": "execgym.sandbox._sandbox",
    "SandboxConfig": "execgym.sandbox._forkserver",
    "StdioTest": "execgym.sandbox._models",
    "TestCase": "execgym.sandbox._models",
    "TestResult": "execgym.sandbox._models",
    "Verdict": "execgym.sandbox._models",
    "checker_names": "execgym.sandbox._checkers",
    "decode_value": "execgym.sandbox._values",
    "encode_value": "execgym.sandbox._values",
    "get_checker": "execgym.sandbox._checkers",
    "register": "execgym.sandbox._checkers",
    "values_equal": "execgym.sandbox._builtin_checkers",
}


__getattr__ = lazy_exports("execgym.sandbox", _EXPORTS, globals())


__all__ = [
    "CHECKERS",
    "PREAMBLE",
    "CallTest",
    "Checker",
    "ErrorInfo",
    "EvalPlusChecker",
    "Interaction",
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
    "values_equal",
]
