"""An independent check that a program satisfies a constraint spec, by reading its code.

This module knows nothing of how programs are generated (it imports no generator and no
catalog): it parses the code, and the input when given, and measures what the spec
constrains. The model-driven generator uses it as a filter; the tests use it to verify the
grammar generator.

What is measured:

- the method under test's nesting: the most calls of it along one path from an outer call
  into its receiver or arguments (``s.replace(a, b).replace(c, d)``: 2);
- extra methods: distinct names called other than the method under test, the program's own
  functions and the conversions ``list``, ``set``, ``tuple``, ``dict``, ``str``, ``int``,
  ``float``, ``bool``;
- control depth: the deepest nesting of ``if`` / ``for`` / ``while`` (an ``elif`` is at the
  depth of its ``if``), the kinds used, and whether the blueprint's path occurs;
- helper chain: the longest chain of calls between the module's functions starting at ``f``;
- statements (in function bodies), parameters (none with a default, at least one),
  unused variables, unreachable statements, uncalled functions and comments;
- with an input: the argument count, each argument's type and its size bounds.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass, field
from typing import Any

from execgym.synth._spec import ConstraintSpec
from execgym.tasks import LiteralError, read_arguments

_CONVERSIONS = frozenset({"list", "set", "tuple", "dict", "str", "int", "float", "bool"})


@dataclass(frozen=True)
class ConstraintReport:
    """What the checker measured and which constraints failed (empty: all hold)."""

    violations: list[str]
    measured: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations


def check_program(
    code: str,
    spec: ConstraintSpec,
    method: str | None = None,
    input: str | None = None,
    entry: str = "f",
) -> ConstraintReport:
    """Check ``code`` (and its call's ``input``) against ``spec``.

    ``method`` is the method under test the program claims (a row's ``method``); without
    it, any of ``spec.methods`` may satisfy the nesting constraint.
    """
    violations: list[str] = []
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        return ConstraintReport([f"not valid Python: {exc.msg}"])
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    measured: dict[str, Any] = {}
    if len(functions) != len(tree.body):
        violations.append("the module holds statements other than function definitions")
    main = functions.get(entry)
    if main is None:
        return ConstraintReport([f"no function {entry!r}"], measured)
    _check_signatures(functions, entry, spec, violations, measured)
    _check_comments(code, violations)
    _check_method(tree, functions, spec, method, violations, measured)
    _check_control(functions, spec, violations, measured)
    _check_helpers(functions, entry, spec, violations, measured)
    _check_statements(functions, spec, violations, measured)
    _check_dead_code(functions, violations)
    if input is not None:
        _check_input(input, main, spec, violations, measured)
    return ConstraintReport(violations, measured)


# ---- signatures and text -------------------------------------------------------------------
def _check_signatures(
    functions: dict[str, ast.FunctionDef],
    entry: str,
    spec: ConstraintSpec,
    violations: list[str],
    measured: dict[str, Any],
) -> None:
    for fn in functions.values():
        args = fn.args
        if args.defaults or any(d is not None for d in args.kw_defaults):
            violations.append(f"{fn.name} has default parameter values")
        if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
            violations.append(f"{fn.name} takes *args, **kwargs or special parameters")
        if not args.args:
            violations.append(f"{fn.name} takes no argument")
    count = len(functions[entry].args.args)
    measured["args"] = count
    if count > spec.max_args:
        violations.append(f"{entry} takes {count} arguments, more than {spec.max_args}")


def _check_comments(code: str, violations: list[str]) -> None:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return
    if any(t.type == tokenize.COMMENT for t in tokens):
        violations.append("the code has comments")


# ---- methods -------------------------------------------------------------------------------
def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _nesting(node: ast.AST, name: str) -> int:
    """The most calls of ``name`` along one path down from ``node``."""
    below = max((_nesting(child, name) for child in ast.iter_child_nodes(node)), default=0)
    if isinstance(node, ast.Call) and _call_name(node) == name:
        return below + 1
    return below


def _check_method(
    tree: ast.Module,
    functions: dict[str, ast.FunctionDef],
    spec: ConstraintSpec,
    method: str | None,
    violations: list[str],
    measured: dict[str, Any],
) -> None:
    if method is not None and spec.methods and method not in spec.methods:
        violations.append(f"method {method!r} is not among {list(spec.methods)}")
    candidates = [method] if method else list(spec.methods)
    called = {
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for name in [_call_name(node)]
        if name is not None
    }
    if candidates:
        depths = {m: _nesting(tree, m.rsplit(".", 1)[-1]) for m in candidates}
        best = max(depths, key=lambda m: depths[m])
        depth = depths[best]
        measured["method_nesting"] = depth
        if depth == 0:
            violations.append(f"the method under test ({', '.join(candidates)}) is never called")
        elif depth < spec.call_nesting:
            violations.append(
                f"{best} is nested {depth} deep, fewer than the {spec.call_nesting} required"
            )
        under_test = best.rsplit(".", 1)[-1]
    else:
        under_test = ""
    extra = sorted(called - _CONVERSIONS - set(functions) - {under_test})
    measured["extra_methods"] = extra
    if len(extra) < spec.extra_methods:
        violations.append(f"{len(extra)} other methods ({extra}), fewer than {spec.extra_methods}")
    if spec.max_extra_methods is not None and len(extra) > spec.max_extra_methods:
        violations.append(
            f"{len(extra)} other methods ({extra}), more than {spec.max_extra_methods}"
        )


# ---- control flow --------------------------------------------------------------------------
def _is_elif(parent: ast.If) -> bool:
    orelse = parent.orelse
    return (
        len(orelse) == 1
        and isinstance(orelse[0], ast.If)
        and orelse[0].col_offset == parent.col_offset
    )


def _control_paths(body: list[ast.stmt], prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every root-to-leaf path of control constructs (``("for", "if-elif")``)."""
    paths: list[tuple[str, ...]] = [prefix] if prefix else []
    for stmt in body:
        if isinstance(stmt, ast.If):
            branches = [stmt.body]
            current = stmt
            kind = "if"
            while _is_elif(current):
                kind = "if-elif"
                current = current.orelse[0]  # type: ignore[assignment]
                branches.append(current.body)
            branches.append(current.orelse)
            for branch in branches:
                paths.extend(_control_paths(branch, (*prefix, kind)))
        elif isinstance(stmt, (ast.For, ast.While)):
            kind = "for" if isinstance(stmt, ast.For) else "while"
            paths.extend(_control_paths(stmt.body, (*prefix, kind)))
            paths.extend(_control_paths(stmt.orelse, (*prefix, kind)))
        elif isinstance(stmt, (ast.With, ast.Try)):
            paths.extend(_control_paths(stmt.body, prefix))
    return paths


def _contains_path(paths: list[tuple[str, ...]], wanted: tuple[str, ...]) -> bool:
    return any(path[: len(wanted)] == wanted for path in paths)


def _check_control(
    functions: dict[str, ast.FunctionDef],
    spec: ConstraintSpec,
    violations: list[str],
    measured: dict[str, Any],
) -> None:
    paths = [p for fn in functions.values() for p in _control_paths(fn.body, ())]
    depth = max((len(p) for p in paths), default=0)
    kinds = sorted({kind for p in paths for kind in p})
    measured["control_depth"] = depth
    measured["control_kinds"] = kinds
    if depth != spec.control_depth:
        violations.append(f"control flow nests {depth} deep, not {spec.control_depth}")
    allowed = set(spec.control_kinds) | set(spec.control_flow)
    # An if-elif blueprint is also an if; a plain if is not an if-elif.
    stray = [k for k in kinds if k not in allowed and not (k == "if-elif" and "if" in allowed)]
    if stray:
        violations.append(f"control constructs {stray} are not allowed")
    if spec.control_flow and not _contains_path(paths, spec.control_flow):
        violations.append(f"no nesting path {list(spec.control_flow)}")


# ---- helpers, statements, dead code ------------------------------------------------------
def _check_helpers(
    functions: dict[str, ast.FunctionDef],
    entry: str,
    spec: ConstraintSpec,
    violations: list[str],
    measured: dict[str, Any],
) -> None:
    calls: dict[str, set[str]] = {
        name: {
            callee
            for node in ast.walk(fn)
            if isinstance(node, ast.Call)
            for callee in [_call_name(node)]
            if isinstance(node.func, ast.Name) and callee in functions
        }
        for name, fn in functions.items()
    }

    def longest(name: str, seen: tuple[str, ...]) -> int:
        if name in seen:
            violations.append(f"{name} is recursive")
            return 0
        return max((1 + longest(c, (*seen, name)) for c in calls[name]), default=0)

    chain = longest(entry, ())
    measured["helper_chain"] = chain
    if chain != spec.helper_chain:
        violations.append(f"the helper chain is {chain} long, not {spec.helper_chain}")
    reached = {entry}
    frontier = [entry]
    while frontier:
        for callee in calls[frontier.pop()]:
            if callee not in reached:
                reached.add(callee)
                frontier.append(callee)
    unreached = sorted(set(functions) - reached)
    if unreached:
        violations.append(f"functions never called from {entry}: {unreached}")


def count_statements(functions: list[ast.FunctionDef]) -> int:
    """Statements inside function bodies (nested definitions not counted)."""
    return sum(
        1
        for fn in functions
        for node in ast.walk(fn)
        if isinstance(node, ast.stmt) and not isinstance(node, ast.FunctionDef)
    )


def _check_statements(
    functions: dict[str, ast.FunctionDef],
    spec: ConstraintSpec,
    violations: list[str],
    measured: dict[str, Any],
) -> None:
    count = count_statements(list(functions.values()))
    measured["statements"] = count
    if not spec.min_statements <= count <= spec.max_statements:
        violations.append(
            f"{count} statements, outside {spec.min_statements}..{spec.max_statements}"
        )


def unused_variables(fn: ast.FunctionDef) -> list[str]:
    """The parameters and local names of ``fn`` that are bound but never read, in the order
    they are first bound. Updating a name in place (``x += 1``) does not read it: a variable
    only ever updated is still unused (its value goes nowhere)."""
    stored: dict[str, None] = {a.arg: None for a in fn.args.args}
    loaded: set[str] = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Store):
                stored.setdefault(node.id)
            else:
                loaded.add(node.id)
    return [name for name in stored if name not in loaded]


def _check_dead_code(functions: dict[str, ast.FunctionDef], violations: list[str]) -> None:
    for fn in functions.values():
        for node in ast.walk(fn):
            body = getattr(node, "body", None)
            if isinstance(body, list):
                for index, stmt in enumerate(body[:-1]):
                    if isinstance(stmt, (ast.Return, ast.Raise, ast.Break, ast.Continue)):
                        violations.append(f"unreachable code after line {body[index].lineno}")
        unused = unused_variables(fn)
        if unused:
            violations.append(f"{fn.name}: variables never read: {unused}")


# ---- inputs --------------------------------------------------------------------------------
def value_type(value: object) -> str | None:
    """The input type name of ``value`` (``"list[int]"``), or ``None`` for other values."""
    kind = type(value)
    if kind in (str, int, float):
        return kind.__name__
    items: list[object]
    if kind is dict:
        mapping: dict[object, object] = value  # type: ignore[assignment]
        ok = all(type(k) is str and type(v) is int for k, v in mapping.items())
        return "dict[str, int]" if ok else None
    if kind in (list, set, tuple):
        items = list(value)  # type: ignore[call-overload]
        if all(type(i) is int for i in items):
            return {list: "list[int]", set: "set[int]", tuple: "tuple[int, ...]"}[kind]
        if kind is list and all(type(i) is str for i in items):
            return "list[str]"
    return None


def _types_of(value: object, kind: str | None) -> list[str]:
    if kind is not None and kind.startswith("list[") and not value:
        return ["list[int]", "list[str]"]
    return [kind] if kind else []


def _check_input(
    source: str,
    main: ast.FunctionDef,
    spec: ConstraintSpec,
    violations: list[str],
    measured: dict[str, Any],
) -> None:
    try:
        arguments = read_arguments(source)
    except LiteralError:
        violations.append("the input is not a list of Python literals")
        return
    if arguments.kwargs:
        violations.append("the input passes arguments by keyword")
        return
    values = arguments.args
    if len(values) != len(main.args.args):
        violations.append(f"the input has {len(values)} arguments, f takes {len(main.args.args)}")
    types = []
    for value in values:
        kind = value_type(value)
        allowed = [t for t in _types_of(value, kind) if t in spec.input_types]
        types.append(kind)
        if not allowed:
            violations.append(f"argument {value!r} is of a type not in {list(spec.input_types)}")
            continue
        _check_size(value, spec, violations)
    measured["input_types"] = types


def _check_size(value: object, spec: ConstraintSpec, violations: list[str]) -> None:
    if isinstance(value, str):
        if len(value) > spec.max_str_len:
            violations.append(f"string argument longer than {spec.max_str_len}")
        return
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > spec.max_int:
            violations.append(f"int argument {value} beyond ±{spec.max_int}")
        return
    if isinstance(value, float):
        if abs(value) > spec.max_int:
            violations.append(f"float argument {value} beyond ±{spec.max_int}")
        return
    if isinstance(value, (list, tuple, set, dict)):
        if len(value) > spec.max_items:
            violations.append(f"argument with {len(value)} items, more than {spec.max_items}")
        items = value.values() if isinstance(value, dict) else value
        for item in items:
            _check_size(item, spec, violations)
