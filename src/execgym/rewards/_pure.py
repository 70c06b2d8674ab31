"""Pure argument expressions: what an input-prediction answer may contain.

CRUXEval asks for the input as the arguments of the call, and its own references are not
always literals (``dict(e=1)``, ``''.join(['A'] * 20)``, ``'$78'.upper()``,
``lambda x: x < 2``). An answer may therefore be any *pure value expression*:

* literals and displays (tuples, lists, sets, dicts, ``*``/``**`` unpacking), ``nan`` and
  ``inf`` (rewritten to ``float('nan')``/``float('inf')``, as the program does not import
  them), f-strings;
* operators, comparisons, ``and``/``or``/``not``, conditional expressions, subscripts and
  slices;
* calls of the pure built-ins in :data:`PURE_BUILTINS` (constructors such as ``dict``,
  ``range``, ``sorted``; also usable as values, ``map(str, [1])``), and attribute access and
  method calls on values (``'a,b'.split(',')``) when the attribute name is public;
* lambdas and comprehensions whose bodies are pure expressions of their own parameters.

* a name the program defines at module level, as a value only (``thigh_o_two[:]``, one of
  CRUXEval's references): never called, never passed to a call, no attribute of it taken —
  so nothing the answer does can change it (``[G][0].clear()`` and ``list.clear(G)`` are
  rejected).

Not allowed, each with a reason (and a score of 0): the entry function (an answer must not
restate or nest the call, CRUXEval's rule), a call of a program name or an attribute of one,
any other name — a built-in that is not pure (``exec``, ``open``, ``globals``, ``setattr``,
``__import__``) —, attributes starting with ``_``, assignment expressions,
``await``/``yield``.

So an answer can only build values: it cannot change the program's state or reach this
process's, and whatever it computes runs in the sandbox, within its limits.
"""

from __future__ import annotations

import ast
from functools import lru_cache

__all__ = ["PURE_BUILTINS", "ImpureArgument", "program_names", "pure_arguments"]

PURE_BUILTINS = frozenset(
    {
        "abs",
        "all",
        "any",
        "ascii",
        "bin",
        "bool",
        "bytearray",
        "bytes",
        "chr",
        "complex",
        "dict",
        "divmod",
        "enumerate",
        "filter",
        "float",
        "format",
        "frozenset",
        "hash",
        "hex",
        "int",
        "isinstance",
        "len",
        "list",
        "map",
        "max",
        "min",
        "oct",
        "ord",
        "pow",
        "range",
        "repr",
        "reversed",
        "round",
        "set",
        "slice",
        "sorted",
        "str",
        "sum",
        "tuple",
        "zip",
    }
)
"""Built-ins an answer may call or pass: they only compute values from their arguments."""

MAX_NODES = 20_000

_FLOAT_NAMES = {"nan": "nan", "inf": "inf"}


class ImpureArgument(ValueError):
    """An argument expression that is not a pure value; the message says why."""


@lru_cache(maxsize=1024)
def program_names(code: str) -> frozenset[str]:
    """Names the program binds at module level (and any ``global`` it declares)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset()
    names: set[str] = set()

    def visit(statements: list[ast.stmt]) -> None:
        for statement in statements:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(statement.name)
                continue
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                for alias in statement.names:
                    names.add((alias.asname or alias.name).split(".")[0])
                continue
            for node in ast.walk(statement):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    names.add(node.id)
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(statement, field, None)
                if isinstance(inner, list):
                    visit([s for s in inner if isinstance(s, ast.stmt)])

    visit(tree.body)
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            names.update(node.names)
    return frozenset(names)


def pure_arguments(call: ast.Call, entry: str, code: str) -> str:
    """Check every argument of ``call`` (a parsed argument list) and return its source.

    The source returned is the canonical form run in the sandbox (``nan``/``inf``
    rewritten). Raises :class:`ImpureArgument`.
    """
    checker = _Checker(entry, program_names(code) - {entry})
    for position, arg in enumerate(call.args, start=1):
        checker.check(arg, frozenset(), f"argument {position}")
    for keyword in call.keywords:
        where = f"argument {keyword.arg}=" if keyword.arg else "the ** argument"
        checker.check(keyword.value, frozenset(), where)
    rewritten = _FloatNames(checker.float_names).visit(call)
    source = ast.unparse(ast.fix_missing_locations(rewritten))
    return source[source.index("(") + 1 : source.rindex(")")]


class _Checker:
    def __init__(self, entry: str, program: frozenset[str]) -> None:
        self.entry = entry
        self.program = program
        self.budget = MAX_NODES
        self.float_names: set[int] = set()

    def check(
        self, node: ast.AST, scope: frozenset[str], where: str, guarded: bool = False
    ) -> None:
        """Raise unless ``node`` is pure; ``guarded``: inside a call or an attribute's
        receiver, where a program name could be changed, so none may appear."""
        self.budget -= 1
        if self.budget < 0:
            raise ImpureArgument(f"{where}: the expression is too large")
        if isinstance(node, ast.Name):
            self._name(node, scope, where, guarded)
        elif isinstance(node, ast.Attribute):
            self._attribute(node, scope, where)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id not in scope:
                if func.id == self.entry:
                    raise ImpureArgument(
                        f"{where} calls {self.entry}(); an input answer gives only the arguments"
                    )
                if func.id in self.program:
                    raise ImpureArgument(f"{where} calls {func.id}(), a name of the program")
            self._children(node, scope, where, True)
        elif isinstance(node, ast.Lambda):
            self._lambda(node, scope, where, guarded)
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            self._comprehension(node, scope, where, guarded)
        elif isinstance(node, _ALLOWED):
            self._children(node, scope, where, guarded)
        else:
            raise ImpureArgument(f"{where} uses a {type(node).__name__} expression")

    def _children(self, node: ast.AST, scope: frozenset[str], where: str, guarded: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop)):
                continue
            if isinstance(child, ast.boolop):
                continue
            self.check(child, scope, where, guarded)

    def _name(self, node: ast.Name, scope: frozenset[str], where: str, guarded: bool) -> None:
        name = node.id
        if name in scope:
            return
        if name in self.program:
            if guarded:
                raise ImpureArgument(
                    f"{where} passes {name!r}, a name of the program, to a call or takes an "
                    "attribute of it; it may only be given as a value"
                )
            return  # a value the program defines: read, never called or changed
        if name == self.entry:
            raise ImpureArgument(
                f"{where} uses {name}; an input answer gives only the arguments of the call"
            )
        if name in _FLOAT_NAMES:
            self.float_names.add(id(node))
            return
        if name in PURE_BUILTINS:
            return
        raise ImpureArgument(
            f"{where} uses the name {name!r}; only values and pure built-ins are allowed"
        )

    def _attribute(self, node: ast.Attribute, scope: frozenset[str], where: str) -> None:
        if node.attr.startswith("_"):
            raise ImpureArgument(f"{where} uses the private attribute {node.attr!r}")
        value = node.value
        math_constant = isinstance(value, ast.Name) and value.id == "math"
        if math_constant and node.attr in _FLOAT_NAMES and "math" not in scope | self.program:
            self.float_names.add(id(node))
            return
        self.check(value, scope, where, True)

    def _lambda(self, node: ast.Lambda, scope: frozenset[str], where: str, guarded: bool) -> None:
        arguments = node.args
        for default in [*arguments.defaults, *(d for d in arguments.kw_defaults if d)]:
            self.check(default, scope, where, guarded)
        params = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        params += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
        self.check(node.body, scope | {a.arg for a in params}, where, guarded)

    def _comprehension(
        self,
        node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp,
        scope: frozenset[str],
        where: str,
        guarded: bool,
    ) -> None:
        inner = scope
        for generator in node.generators:
            if generator.is_async:
                raise ImpureArgument(f"{where} uses an async comprehension")
            self.check(generator.iter, inner, where, guarded)
            inner = inner | _bound_names(generator.target, where)
            for condition in generator.ifs:
                self.check(condition, inner, where, guarded)
        if isinstance(node, ast.DictComp):
            self.check(node.key, inner, where, guarded)
            self.check(node.value, inner, where, guarded)
        else:
            self.check(node.elt, inner, where, guarded)


_ALLOWED = (
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.Dict,
    ast.Starred,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.IfExp,
    ast.Subscript,
    ast.Slice,
    ast.keyword,
    ast.JoinedStr,
    ast.FormattedValue,
)


def _bound_names(target: ast.expr, where: str) -> frozenset[str]:
    if isinstance(target, ast.Name):
        return frozenset({target.id})
    if isinstance(target, (ast.Tuple, ast.List)):
        names: frozenset[str] = frozenset()
        for element in target.elts:
            names |= _bound_names(element, where)
        return names
    if isinstance(target, ast.Starred):
        return _bound_names(target.value, where)
    raise ImpureArgument(f"{where} assigns to a {type(target).__name__} in a comprehension")


class _FloatNames(ast.NodeTransformer):
    """Rewrite the ``nan``/``inf`` names the checker marked into ``float('...')`` calls."""

    def __init__(self, marked: set[int]) -> None:
        self.marked = marked

    def _float(self, node: ast.expr, name: str) -> ast.expr:
        call = ast.Call(func=ast.Name(id="float", ctx=ast.Load()), args=[], keywords=[])
        call.args.append(ast.Constant(value=_FLOAT_NAMES[name]))
        return ast.copy_location(call, node)

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return self._float(node, node.id) if id(node) in self.marked else node

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        if id(node) in self.marked:
            return self._float(node, node.attr)
        self.generic_visit(node)
        return node
