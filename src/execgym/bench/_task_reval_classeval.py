"""REval's ClassEval half: questions about a class, asked through its unittest test classes.

A ClassEval row of ``DREval_data.jsonl`` holds the class (``code``, named by
``entry_point``), its unittest module (``test``) and one ``inputs`` entry per test class
whose name matches ``{entry_point}Test.*``: the body of that class's first test method, with
``self.assert...`` written ``assert...``. REval (``dataset.py``, ``dynamics.py``,
``evaluation.py``) runs, for the ``input_idx``-th such test class (in definition order): a
fresh instance, its ``setUp()``, then its first test method (the first attribute of the
class whose name starts with ``test``), tracing only the class's own code. Its prompts show
the class code, then the class's own ``setUp`` body as comments (nothing when the class
inherits ``unittest.TestCase.setUp``), then the test body; the question names "the above
test code". Output questions show the ``output_pred`` test code after the line "# Test code
starts here. ..." and run the completed code as a method of the test class after ``setUp``.

Everything here reads the test module as text (``ast`` and ``inspect.getblock``, which
tokenize only); the test code itself runs only in the sandbox, in the scripts of
:func:`unittest_case_snippet`.
"""

from __future__ import annotations

import ast
import inspect
import re
from dataclasses import dataclass

TEST_BASES = frozenset({"unittest.TestCase", "TestCase"})
NO_SETUP_MARK = "Hook method for setting up the test fixture"
"""Words of ``unittest.TestCase.setUp``'s docstring: REval shows no set-up when it sees them."""
SETUP_HEADER = "\n# setup code executed previously\n"
OUTPUT_PRELUDE = "\n# Test code starts here. Only write the completed test code in your answer.\n"
ABBREVIATION = "the above test code"
MODULE_NAME = "dynamics"
"""``__name__`` of the namespace the class and its tests run in (REval execs them in its
``dynamics`` module, so a test module's ``if __name__ == '__main__':`` block does not run)."""


@dataclass(frozen=True)
class UnittestClass:
    """One test class of a ClassEval test module, as REval uses it."""

    name: str
    setup_source: str | None
    """The source of the class's own (or a test-module base's) ``setUp``, as
    ``inspect.getsource`` gives it; ``None`` when it is ``unittest.TestCase``'s."""

    def setup_comment(self, hashed_first_line: bool) -> str:
        """REval's set-up text: the ``setUp`` body lines as comments.

        REval's coverage and state tasks leave the first body line without ``# ``; its path
        and output tasks put ``# `` before it too (``hashed_first_line``).
        """
        if self.setup_source is None:
            return ""
        body = "\n# ".join(self.setup_source.split("\n")[1:])
        text = SETUP_HEADER + ("# " if hashed_first_line else "") + body
        return "" if NO_SETUP_MARK in text else text


def unittest_classes(test_code: str, class_name: str) -> list[UnittestClass]:
    """The test classes REval finds for ``class_name``, in definition order."""
    tree = ast.parse(test_code)
    lines = test_code.splitlines(keepends=True)
    pattern = re.compile(f"{class_name}Test.*")
    first: dict[str, int] = {}
    last: dict[str, ast.ClassDef] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            first.setdefault(node.name, len(first))
            last[node.name] = node
    tests: dict[str, bool] = {}
    for name in sorted(first, key=first.__getitem__):
        bases = [ast.unparse(base) for base in last[name].bases]
        tests[name] = any(base in TEST_BASES or tests.get(base, False) for base in bases)
    return [
        UnittestClass(name, _setup_source(last, name, lines))
        for name in sorted(first, key=first.__getitem__)
        if tests[name] and pattern.match(name)
    ]


def _setup_source(classes: dict[str, ast.ClassDef], name: str, lines: list[str]) -> str | None:
    seen: set[str] = set()
    queue = [name]
    while queue:
        current = queue.pop(0)
        if current in seen or current not in classes:
            continue
        seen.add(current)
        node = classes[current]
        methods = [
            item
            for item in node.body
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == "setUp"
        ]
        if methods:
            method = methods[-1]
            start = min([method.lineno, *(d.lineno for d in method.decorator_list)])
            return "".join(inspect.getblock(lines[start - 1 :]))
        queue.extend(ast.unparse(base) for base in node.bases)
    return None


def answer_method(answer: str) -> str:
    """REval's ``FunctionFactory.create_from_answer``: the completed test code as the body
    of ``def dreval_output_pred(self)``, each line indented by a tab (lines inside a
    triple-quoted string kept as they are), every ``assert`` made ``self.assert``."""
    text = "def dreval_output_pred(self):"
    in_string = False
    for line in answer.split("\n"):
        text += f"\n{line}" if in_string else f"\n\t{line}"
        if "'''" in line or '"""' in line:
            in_string = not in_string
    return text.replace("assert", "self.assert")


def unittest_case_snippet(namespace: str, class_name: str, test_code: str, index: int) -> str:
    """Python statements that run ``test_code`` in the dict ``namespace`` (which already
    holds the class) and bind ``_test_case`` to a set-up instance of the ``index``-th test
    class and ``_test_name`` to the name of its first test method, as REval picks them."""
    return f"""
exec(compile({test_code!r}, "<test>", "exec"), {namespace})
import re as _re
import unittest as _unittest
_test_classes = [
    _value
    for _key, _value in list({namespace}.items())
    if isinstance(_value, type)
    and _re.match({class_name + "Test.*"!r}, _key)
    and issubclass(_value, _unittest.TestCase)
]
_test_class = _test_classes[{index}]
_test_name = [_key for _key in _test_class.__dict__ if _key.startswith("test")][0]
_test_case = _test_class()
_test_case.setUp()
"""


def class_output_script(
    code: str, class_name: str, test_code: str, index: int, completed: str
) -> str:
    """A script that exits cleanly exactly when REval's ClassEval output check passes: the
    completed test code (:func:`answer_method`) runs as a method of a set-up instance of the
    ``index``-th test class, in the namespace of the class and its test module."""
    return (
        f"_namespace = {{'__name__': {MODULE_NAME!r}}}\n"
        f"exec(compile({code!r}, '<internals>', 'exec'), _namespace)\n"
        + unittest_case_snippet("_namespace", class_name, test_code, index)
        + f"exec(compile({answer_method(completed)!r}, '<internals>', 'exec'), _namespace)\n"
        + "_namespace['dreval_output_pred'](_test_case)\n"
    )
