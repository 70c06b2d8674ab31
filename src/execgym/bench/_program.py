"""Assembling the program that is judged from a candidate's code and its problem."""

from __future__ import annotations

import ast
from typing import Literal

from execgym.bench._problem import Problem

ProgramMode = Literal["full", "completion", "auto"]
"""How a candidate's code joins its problem.

``"completion"``: the code continues the problem's starter code (HumanEval's body-only
completions): program = ``starter_code + code``. ``"full"``: the code is a whole program:
program = ``full_program_prefix`` (if any) + code. ``"auto"``: "full" when the code defines
the entry point (as a function, or a method of ``class Solution``) or the problem has no
starter code; else "completion" when starter code + code parses; else "full".
"""


def resolve_mode(
    problem: Problem, code: str, mode: ProgramMode = "auto"
) -> Literal["full", "completion"]:
    """The concrete mode ``"auto"`` stands for with this problem and code."""
    if mode != "auto":
        return mode
    if not problem.starter_code.strip():
        return "full"
    if problem.entry_point and defines(code, problem.entry_point):
        return "full"
    if _parses(problem.starter_code + code):
        return "completion"
    return "full"


def assemble_program(problem: Problem, code: str, mode: ProgramMode = "full") -> str:
    """The program judged for ``code``: see :data:`ProgramMode`, then ``test_code``."""
    if resolve_mode(problem, code, mode) == "completion":
        program = problem.starter_code + code
    elif problem.full_program_prefix.strip():
        program = problem.full_program_prefix.rstrip("\n") + "\n\n\n" + code
    else:
        program = code
    if problem.test_code.strip():
        program = program + "\n\n" + problem.test_code
    return program


def defines(code: str, name: str) -> bool:
    """Whether ``code`` parses and defines ``name`` at top level, or as a method of a
    top-level class (``class Solution: def name(...)``)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return True
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == name:
                    return True
    return False


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
