"""The model-driven generator's prompt (after ExecVerify) and the extraction of its answer.

The prompt names one method under test and states the fixed rules — a function ``f`` with
at least one argument and no default parameter values, called once inside one ``print`` —
followed by one line per constraint the spec switches on. The answer's code block is read
back into the function definitions (``code``) and the argument list of that one call
(``input``); anything else at module level makes the answer unusable.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from execgym.llm import ChatMessage
from execgym.synth._spec import ConstraintSpec
from execgym.tasks import fenced_blocks

SYSTEM_PROMPT = (
    "You write short, self-contained Python programs that exercise Python's built-in types "
    "and functions. You follow every rule you are given exactly."
)

FIXED_RULES = (
    "Define a function named `f` that takes at least one argument.",
    "No parameter may have a default value.",
    "After the function definitions, write exactly one statement: one `print` containing "
    "one call of `f` with concrete literal arguments, e.g. `print(f('abc', 3))`.",
    "Use only the Python standard built-ins: no imports, no input(), no files, no randomness.",
    "The program must finish quickly and must not raise an exception.",
    "Use meaningful variable names and write no comments.",
)


def constraint_lines(spec: ConstraintSpec, method: str) -> list[str]:
    """The switchable constraints of ``spec``, one sentence each."""
    lines = [f"The method under test is `{method}`: call it at least once."]
    if spec.call_nesting > 1:
        lines.append(
            f"Nest calls of `{method}` {spec.call_nesting} deep in one expression: the result "
            f"of one call is the receiver or an argument of the next."
        )
    if spec.extra_methods:
        lines.append(
            f"Also call at least {spec.extra_methods} other built-in methods or functions."
        )
    if spec.max_extra_methods is not None:
        lines.append(
            f"Call at most {spec.max_extra_methods} built-in methods or functions other than "
            f"`{method}` (conversions such as list() or str() do not count)."
        )
    if spec.control_depth:
        if spec.control_flow:
            shape = " containing ".join(f"`{k}`" for k in spec.control_flow)
            lines.append(f"Use control flow nested exactly {spec.control_depth} deep: {shape}.")
        else:
            kinds = ", ".join(spec.control_kinds)
            lines.append(
                f"Use control flow ({kinds}) nested exactly {spec.control_depth} deep, "
                f"and no deeper."
            )
        lines.append("Every loop must be bounded: iterate over a finite collection or range.")
    else:
        lines.append("Use no if, for or while statements.")
    if spec.helper_chain == 1:
        lines.append(
            "Define exactly two functions: one helper and the entry point `f`, which calls "
            "the helper at least once."
        )
    elif spec.helper_chain:
        lines.append(
            f"Define {spec.helper_chain} helper functions that form a call chain: `f` calls the "
            f"first, each calls the next."
        )
    else:
        lines.append("Define no function other than `f`.")
    lines.append(
        f"The function body has between {spec.min_statements} and {spec.max_statements} "
        f"statements; `f` takes at most {spec.max_args} arguments."
    )
    kinds = ", ".join(spec.input_types)
    lines.append(
        f"Argument types: {kinds}. Strings of at most {spec.max_str_len} characters, "
        f"collections of at most {spec.max_items} items, numbers within ±{spec.max_int}."
    )
    return lines


def render_prompt(spec: ConstraintSpec, method: str) -> list[ChatMessage]:
    """The chat messages asking for one program of ``spec`` testing ``method``."""
    rules = [*FIXED_RULES, *constraint_lines(spec, method)]
    body = "\n".join(f"{i}. {rule}" for i, rule in enumerate(rules, start=1))
    user = (
        f"Write a Python program that tests the built-in `{method}`.\n\n"
        f"Rules:\n{body}\n\nAnswer with the program in one ```python code block."
    )
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": user},
    ]


@dataclass(frozen=True)
class ExtractedProgram:
    """The function definitions of an answer and the arguments of its one call."""

    code: str
    input: str


class ExtractionError(ValueError):
    """An answer without a usable program; the message says what is wrong."""


def extract_program(text: str, entry: str = "f") -> ExtractedProgram:
    """Read the program out of a model's answer (the last code block that parses)."""
    blocks = fenced_blocks(text) or [text]
    problem = "no code block"
    for block in reversed(blocks):
        try:
            return _from_block(block, entry)
        except ExtractionError as error:
            problem = str(error)
    raise ExtractionError(problem)


def _from_block(block: str, entry: str) -> ExtractedProgram:
    try:
        tree = ast.parse(block)
    except SyntaxError as exc:
        raise ExtractionError(f"the code does not parse: {exc.msg}") from None
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    others = [n for n in tree.body if not isinstance(n, ast.FunctionDef)]
    if not any(fn.name == entry for fn in functions):
        raise ExtractionError(f"no function {entry!r}")
    if len(others) != 1:
        raise ExtractionError("expected exactly one print(f(...)) statement after the definitions")
    statement = others[0]
    call = statement.value if isinstance(statement, ast.Expr) else None
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "print"
        and len(call.args) == 1
        and not call.keywords
        and isinstance(call.args[0], ast.Call)
        and isinstance(call.args[0].func, ast.Name)
        and call.args[0].func.id == entry
    ):
        raise ExtractionError(f"the statement is not print({entry}(...))")
    inner = call.args[0]
    assert isinstance(inner, ast.Call)
    arguments = [ast.unparse(a) for a in inner.args]
    arguments += [f"{k.arg}={ast.unparse(k.value)}" for k in inner.keywords if k.arg]
    if len(arguments) != len(inner.args) + len(inner.keywords):
        raise ExtractionError("the call unpacks its arguments")
    code = ast.unparse(ast.Module(body=list(functions), type_ignores=[])) + "\n"
    return ExtractedProgram(code=code, input=", ".join(arguments))
