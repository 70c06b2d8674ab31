"""Reading a block of model code before it runs: is it allowed, and which calls are
placeholders.

Placeholders are found from the block's syntax tree, never by running it: a call whose
function is a bare name that is not a primitive (``run``), not a helper the interpreter
provides (the built-ins in :data:`BUILTINS`, the modules in :data:`MODULES`), not an input
of the block's scope, and not bound anywhere in the block (assigned, a loop or
comprehension variable, a ``with``/``except`` alias, a lambda parameter, ...). Each such
call is a :class:`CallSite`, wherever it stands: nested in another call, in a condition, a
loop or a comprehension.

A call site's parameters are the names its arguments are passed under: an argument that is
a bare name keeps its name, a keyword argument its keyword, any other argument is
``arg1``, ``arg2``, ... by position. Its outputs are the names the caller assigns from it:
``x = f()`` gives ``x``, ``a, b = f()`` gives ``a`` and ``b``, a call standing alone as a
statement gives none, and a call whose value is used any other way gives ``result``.

A block is refused (:class:`InvalidBlock`, with a message the model is shown) when it does
not parse or compile, is empty or too long, defines a function or class (where the method
forbids it), imports, uses ``global``/``nonlocal``, ``yield``, ``await`` or a top-level
``return``, assigns to a primitive, or passes ``*args``/``**kwargs`` to a placeholder.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

PRIMITIVES = frozenset({"run"})
_BUILTIN_NAMES = (
    "abs all any bool chr dict divmod enumerate filter float format frozenset int isinstance "
    "iter len list map max min next ord print range repr reversed round set slice sorted str "
    "sum tuple type zip ArithmeticError AssertionError AttributeError BaseException Exception "
    "IndexError "
    "KeyError LookupError NameError RuntimeError StopIteration TypeError ValueError "
    "ZeroDivisionError"
)
BUILTINS = tuple(_BUILTIN_NAMES.split())
"""Built-ins a block may use (the interpreter gives blocks these and no others)."""
MODULES = ("re", "math")
"""Modules a block may use without importing them."""
MAX_BLOCK_CHARS = 20_000


class InvalidBlock(ValueError):
    """A block that will not be run; the message says why, for the model to read."""


@dataclass(frozen=True)
class CallSite:
    """One placeholder call in a block."""

    name: str
    line: int
    col: int
    params: tuple[str, ...]
    """Names the positional arguments are passed under."""
    keywords: tuple[str, ...]
    outputs: tuple[str, ...]
    text: str

    def signature(self) -> str:
        return signature(self.name, self.params + self.keywords, self.outputs)

    def as_message(self) -> dict[str, object]:
        return {"name": self.name, "line": self.line, "col": self.col}


@dataclass(frozen=True)
class BlockAnalysis:
    code: str
    sites: tuple[CallSite, ...]

    @property
    def placeholders(self) -> list[str]:
        """The placeholder names, in order of first call."""
        return list(dict.fromkeys(site.name for site in self.sites))


@dataclass(frozen=True)
class BlockRules:
    """What a method allows: ReCode finds placeholders and forbids ``def``; CodeAct allows
    ``def`` and finds none (an unknown name is then a ``NameError`` at run time)."""

    placeholders: bool = True
    definitions: bool = False


def signature(name: str, params: tuple[str, ...], outputs: tuple[str, ...]) -> str:
    """A call as a prompt shows it: ``a, b = name(x, y)``."""
    call = f"{name}({', '.join(params)})"
    return f"{', '.join(outputs)} = {call}" if outputs else call


def analyse_block(code: str, scope: frozenset[str], rules: BlockRules) -> BlockAnalysis:
    """Check ``code`` and find its placeholder calls; ``scope`` holds the block's inputs."""
    if len(code) > MAX_BLOCK_CHARS:
        raise InvalidBlock(f"the block is longer than {MAX_BLOCK_CHARS} characters")
    try:
        tree = ast.parse(code)
        if not tree.body:
            raise InvalidBlock("the code block is empty")
        _check_constructs(tree, rules)
        compile(tree, "<block>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        where = f" (line {exc.lineno})" if exc.lineno else ""
        raise InvalidBlock(f"SyntaxError: {exc.msg}{where}") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        if isinstance(exc, InvalidBlock):
            raise
        raise InvalidBlock(f"the block cannot be compiled: {type(exc).__name__}: {exc}") from None
    bound = _bound_names(tree)
    shadowed = sorted(bound & PRIMITIVES)
    if shadowed:
        raise InvalidBlock(
            f"the block assigns to {', '.join(shadowed)}, which is a primitive; use another name"
        )
    if not rules.placeholders:
        return BlockAnalysis(code, ())
    known = PRIMITIVES | set(BUILTINS) | set(MODULES) | scope | bound
    outputs = _outputs_by_call(tree)
    sites = []
    for node in ast.walk(tree):
        is_call = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        if not is_call or node.func.id in known:  # type: ignore[attr-defined]
            continue
        assert isinstance(node, ast.Call)
        sites.append(_site(node, code, outputs.get(id(node), ("result",))))
    sites.sort(key=lambda site: (site.line, site.col))
    return BlockAnalysis(code, tuple(sites))


def _site(call: ast.Call, code: str, outputs: tuple[str, ...]) -> CallSite:
    assert isinstance(call.func, ast.Name)
    name = call.func.id
    params: list[str] = []
    for position, argument in enumerate(call.args, start=1):
        if isinstance(argument, ast.Starred):
            raise InvalidBlock(f"the placeholder call {name}(...) passes *arguments; name each one")
        label = argument.id if isinstance(argument, ast.Name) else f"arg{position}"
        params.append(label if label not in params else f"arg{position}")
    keywords = []
    for keyword in call.keywords:
        if keyword.arg is None:
            raise InvalidBlock(
                f"the placeholder call {name}(...) passes **arguments; name each one"
            )
        keywords.append(keyword.arg)
    clash = sorted(set(params) & set(keywords))
    if clash:
        raise InvalidBlock(
            f"the placeholder call {name}(...) passes {clash[0]} both by position and by keyword"
        )
    text = ast.get_source_segment(code, call) or name
    return CallSite(
        name, call.lineno, call.col_offset, tuple(params), tuple(keywords), outputs, text
    )


def _outputs_by_call(tree: ast.AST) -> dict[int, tuple[str, ...]]:
    """The outputs of calls that are a whole statement's value, by the call node's id."""
    found: dict[int, tuple[str, ...]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            found[id(node.value)] = ()
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            if len(node.targets) == 1:
                names = _target_names(node.targets[0])
                if names is not None:
                    found[id(node.value)] = names
        elif (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.target, ast.Name)
        ):
            found[id(node.value)] = (node.target.id,)
    return found


def _target_names(target: ast.expr) -> tuple[str, ...] | None:
    if isinstance(target, ast.Name):
        return (target.id,)
    if isinstance(target, ast.Tuple | ast.List) and all(
        isinstance(element, ast.Name) for element in target.elts
    ):
        names = tuple(element.id for element in target.elts if isinstance(element, ast.Name))
        return names if len(set(names)) == len(names) else None
    return None


def _check_constructs(tree: ast.Module, rules: BlockRules) -> None:
    if any(isinstance(statement, ast.Return) for statement in tree.body):
        raise InvalidBlock("the block uses return at its top level; assign the outputs instead")
    for node in ast.walk(tree):
        problem = _forbidden(node, rules)
        if problem:
            line = getattr(node, "lineno", None)
            raise InvalidBlock(problem + (f" (line {line})" if line else ""))


def _forbidden(node: ast.AST, rules: BlockRules) -> str | None:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not rules.definitions:
        return f"the block defines a function ({node.name}) with def; call a placeholder instead"
    if isinstance(node, ast.ClassDef):
        return f"the block defines a class ({node.name}); classes are not available"
    if isinstance(node, ast.Import | ast.ImportFrom):
        return "the block imports a module; only re and math are available, without import"
    if isinstance(node, ast.Global | ast.Nonlocal):
        return "the block uses global or nonlocal"
    if isinstance(node, ast.Yield | ast.YieldFrom | ast.Await):
        return "the block uses yield or await"
    if isinstance(node, ast.AsyncFor | ast.AsyncWith):
        return "the block uses async for or async with"
    return None


def _bound_names(tree: ast.AST) -> set[str]:
    """Every name the block binds anywhere."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bound.add(node.rest)
        elif isinstance(
            node,
            ast.ExceptHandler
            | ast.FunctionDef
            | ast.AsyncFunctionDef
            | ast.ClassDef
            | ast.MatchAs
            | ast.MatchStar,
        ):
            if node.name:
                bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
    return bound
