"""REval's ground truth, computed in the sandbox, and REval's rules for reading answers.

REval (``dynamics.py``) traces the call with ``sys.settrace``, recording a *state* for every
``line`` event of a frame whose code was compiled from the benchmark program (nested
functions, lambdas and comprehensions included): the line and a deep copy of the frame's
locals (modules, functions, builtins, iterators and generators left out). Consecutive events
on the same line update one state; a ``return`` or ``exception`` event on a line other than
the last state's adds a state with no locals. From the list of states:

* coverage of line L: some state is on L;
* next line of L: for every state on L, the line of the state after it (``-1`` when it is
  the last), or ``{-1}`` when L never ran;
* value of ``var`` after L: for every state on L, ``var`` read in the locals of the state
  after it (itself when it is the last), by REval's ``VarInterpreter`` (names, attributes,
  subscripts, tuples, constants); ``Nil`` when L never ran, no state had it, or an
  expression of another kind sits inside it (``a[i - 1]``); never right when ``var`` itself
  is of another kind.

:func:`ground_truth` runs that tracer in a sandbox child (never in this process) and brings
the results back as plain data: every value as its type name and, when it has one, a
literal (deques as lists). The answer rules of ``evaluation.py`` are :func:`coverage_answer`,
:func:`path_answer`, :func:`state_answer` / :func:`state_matches` and :func:`output_answer`
/ :func:`output_penalty`. One deliberate difference: REval ``eval``s a state answer's value;
here it is read as a literal (``set()``, ``frozenset(...)`` and ``float('inf')``-style
values too), because model output is never evaluated in the judging process.
"""

from __future__ import annotations

import ast
import builtins
import json
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from execgym.bench._task_reval_classeval import MODULE_NAME, unittest_case_snippet
from execgym.sandbox import Limits, Sandbox, Verdict

TRACE_LIMITS = Limits(time_s=10.0, wall_s=30.0, memory_mb=2048)
_MARK = "@@execgym-reval@@"

# The child's script. Placeholders are replaced with Python literals before it runs.
_HARNESS = r"""
import ast as _ast
import collections as _collections
import collections.abc as _abc
import copy as _copy
import io as _io
import itertools as _itertools
import json as _json
import sys as _sys

_CODE = __CODE__
_ENTRY = __ENTRY__
_ARGS = __ARGS__
_QUERIES = __QUERIES__
_SETUP = __SETUP__
_FILE = "<internals>"
_states = []


def _snapshot(frame):
    out = {}
    for key, value in frame.f_locals.items():
        kind = value.__class__.__name__
        if kind in ("module", "function", "builtin_function_or_method"):
            continue
        if isinstance(value, (_abc.Iterator, _abc.Generator)):
            continue
        try:
            out[key] = _copy.deepcopy(value)
        except Exception:
            out[key] = value
    return out


def _add(line, frame_locals):
    if _states and _states[-1][0] == line:
        if frame_locals is not None:
            _states[-1][1] = frame_locals
    else:
        _states.append([line, frame_locals if frame_locals is not None else {}])


def _local(frame, event, arg):
    if event == "line":
        _add(frame.f_lineno, _snapshot(frame))
    elif event in ("return", "exception"):
        _add(frame.f_lineno, None)
    return _local


def _global(frame, event, arg):
    if event == "call" and frame.f_code.co_filename == _FILE:
        return _local
    return None


_namespace = {"__name__": __MODULE__}
_real_stdout = _sys.stdout
_sys.stdout = _io.StringIO()
_status = "ok"
_result = None
try:
    exec(compile(_CODE, _FILE, "exec"), _namespace)
    if _SETUP is None:
        _args = eval(_ARGS, _namespace)
        _target = _namespace[_ENTRY]
    else:
        exec(_SETUP, globals())
        _args = ()
        _target = getattr(_test_case, _test_name)
    _sys.settrace(_global)
    try:
        _result = _target(*_args)
    finally:
        _sys.settrace(None)
except BaseException as _error:
    _status = "exception: %s: %s" % (type(_error).__name__, _error)
_sys.stdout = _real_stdout

_NIL = object()
_trace = [state[0] for state in _states]


def _after(line):
    found = []
    for index, state in enumerate(_states):
        if state[0] == line:
            found.append(_states[index + 1] if index + 1 < len(_states) else state)
    return found


def _next_lines(line):
    if line not in _trace:
        return [-1]
    lines = set()
    for index, state in enumerate(_states):
        if state[0] == line:
            lines.add(_states[index + 1][0] if index + 1 < len(_states) else -1)
    return sorted(lines)


def _analyze(node, line):
    if isinstance(node, _ast.Constant):
        return [node.value]
    if isinstance(node, _ast.Name):
        values = [state[1][node.id] for state in _after(line) if node.id in state[1]]
        return values if values else _NIL
    if isinstance(node, _ast.Attribute):
        objects = _analyze(node.value, line)
        if objects is _NIL:
            return _NIL
        values = [getattr(o, node.attr) for o in objects if hasattr(o, node.attr)]
        return values if values else _NIL
    if isinstance(node, _ast.Subscript):
        arrays = _analyze(node.value, line)
        keys = _analyze(node.slice, line)
        if arrays is _NIL or keys is _NIL:
            return _NIL
        values = []
        for array, key in _itertools.product(arrays, keys):
            try:
                values.append(array[key])
            except (TypeError, KeyError, IndexError):
                pass
        return values if values else _NIL
    if isinstance(node, _ast.Tuple):
        parts = [_analyze(element, line) for element in node.elts]
        if any(part is _NIL for part in parts):
            return _NIL
        return list(_itertools.product(*parts))
    raise TypeError("unsupported expression %s" % type(node).__name__)


_READABLE = (_ast.Constant, _ast.Name, _ast.Attribute, _ast.Subscript, _ast.Tuple)


def _interpret(line, name):
    # REval's VarInterpreter returns (not raises) an error for an unsupported node: at the
    # top it is never a right answer; inside another node it breaks that node's reading,
    # which REval then reports as Nil.
    if line not in _trace:
        return _NIL
    try:
        node = _ast.parse(name).body[0].value
    except Exception:
        return _NIL
    if not isinstance(node, _READABLE):
        return "unsupported"
    try:
        return _analyze(node, line)
    except Exception:
        return _NIL


def _type_name(value):
    kind = type(value)
    if kind.__module__ == "builtins":
        return kind.__qualname__
    return "%s.%s" % (kind.__module__, kind.__qualname__)


def _encode(value):
    view = value
    if isinstance(value, _collections.deque):
        view = list(value)
    elif type(value).__module__ == "numpy" and hasattr(value, "tolist"):
        view = value.tolist()
    literal = None
    try:
        text = repr(view)
        if len(text) <= 100000 and _ast.literal_eval(text) == view:
            literal = text
    except Exception:
        pass
    try:
        shown = repr(value)[:300]
    except Exception:
        shown = "<unprintable>"
    return {"type": _type_name(value), "literal": literal, "repr": shown}


_lines = sorted({line for line, _ in _QUERIES})
_values = []
for _line, _var in _QUERIES:
    _found = _interpret(_line, _var)
    if _found is _NIL:
        _values.append(None)
    elif _found == "unsupported":
        _values.append("unsupported")
    else:
        _values.append([_encode(value) for value in _found])
_report = {
    "status": _status,
    "trace": _trace,
    "covered": {str(line): line in _trace for line in _lines},
    "next": {str(line): _next_lines(line) for line in _lines},
    "values": _values,
    "result": _encode(_result) if _status == "ok" else None,
}
print(__MARK__ + _json.dumps(_report))
"""


@dataclass(frozen=True)
class TracedCall:
    """What REval runs under its tracer: ``entry(*args)`` for a function (``args_src``
    evaluates to the argument tuple), or, for a ClassEval class named ``entry``, the first
    test method of the ``index``-th test class of ``test_code`` after its ``setUp``."""

    code: str
    entry: str
    args_src: str = "()"
    test_code: str | None = None
    index: int = 0


def harness_script(call: TracedCall, queries: Sequence[tuple[int, str]]) -> str:
    """The child's script for one traced call."""
    setup = None
    module = "__main__"
    if call.test_code is not None:
        setup = unittest_case_snippet("_namespace", call.entry, call.test_code, call.index)
        module = MODULE_NAME
    return (
        _HARNESS.replace("__CODE__", repr(call.code))
        .replace("__ENTRY__", repr(call.entry))
        .replace("__ARGS__", repr(call.args_src))
        .replace("__QUERIES__", repr([[line, var] for line, var in queries]))
        .replace("__SETUP__", repr(setup))
        .replace("__MODULE__", repr(module))
        .replace("__MARK__", repr(_MARK))
    )


@dataclass(frozen=True)
class EncodedValue:
    """A traced value as the child reported it."""

    type: str
    literal: str | None
    repr: str


Nil = None
"""A state with no value (REval's ``Nil``)."""


@dataclass(frozen=True)
class GroundTruth:
    """What REval's tracer saw for one call."""

    status: str
    trace: tuple[int, ...]
    covered: Mapping[int, bool]
    next_lines: Mapping[int, tuple[int, ...]]
    values: Mapping[tuple[int, str], tuple[EncodedValue, ...] | str | None]
    """``(line, var)`` → the values after each run, ``None`` (Nil) or ``"unsupported"``."""
    result: EncodedValue | None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class TraceFailed(RuntimeError):
    """The sandbox could not run the tracer (not a wrong answer)."""


def _decode(raw: Mapping[str, Any]) -> EncodedValue:
    return EncodedValue(str(raw["type"]), raw.get("literal"), str(raw.get("repr", "")))


def run_ground_truth(
    sandbox: Sandbox, call: TracedCall, queries: Sequence[tuple[int, str]]
) -> GroundTruth:
    """Trace ``call`` in the sandbox and read REval's ground truth."""
    result = sandbox.run(harness_script(call, queries), "", TRACE_LIMITS)
    payload = None
    for text in reversed(result.stdout.splitlines()):
        if text.startswith(_MARK):
            payload = json.loads(text[len(_MARK) :])
            break
    if payload is None:
        if result.verdict is Verdict.SANDBOX_ERROR:
            raise TraceFailed(f"the sandbox failed: {result.detail}")
        raise TraceFailed(
            f"the traced call did not finish ({result.verdict}): "
            f"{(result.detail or result.stderr.strip())[:300]}"
        )
    values: dict[tuple[int, str], tuple[EncodedValue, ...] | str | None] = {}
    for (line, var), found in zip(queries, payload["values"], strict=True):
        if found is None or isinstance(found, str):
            values[(line, var)] = found
        else:
            values[(line, var)] = tuple(_decode(raw) for raw in found)
    return GroundTruth(
        status=str(payload["status"]),
        trace=tuple(payload["trace"]),
        covered={int(k): bool(v) for k, v in payload["covered"].items()},
        next_lines={int(k): tuple(v) for k, v in payload["next"].items()},
        values=values,
        result=_decode(payload["result"]) if payload.get("result") else None,
    )


class GroundTruthCache:
    """Ground truths by call, computed once each, safe to share between judge threads."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._done: OrderedDict[tuple[TracedCall, str], GroundTruth] = OrderedDict()
        self._busy: dict[tuple[TracedCall, str], threading.Lock] = {}

    def get(
        self, sandbox: Sandbox, call: TracedCall, queries: Sequence[tuple[int, str]]
    ) -> GroundTruth:
        key = (call, repr(sorted(set(queries))))
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                return self._done[key]
            gate = self._busy.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in self._done:
                    return self._done[key]
            truth = run_ground_truth(sandbox, call, queries)
            with self._lock:
                self._done[key] = truth
                self._busy.pop(key, None)
                while len(self._done) > self._size:
                    self._done.popitem(last=False)
            return truth


# --------------------------------------------------------------------------- answer rules


def _between_tags(text: str) -> str:
    index = text.find("[ANSWER]")
    if index != -1:
        text = text[index + 8 :].strip()
    index = text.find("[/ANSWER]")
    if index != -1:
        text = text[:index].strip()
    index = text.find("[/ANSWER")
    if index != -1:
        text = text[:index].strip()
    return text


def cot_unfinished(response: str, cot: bool) -> bool:
    """REval treats a chain-of-thought response without ``[/THOUGHT]`` as unanswered."""
    return cot and "[/THOUGHT]" not in response


def coverage_answer(response: str, cot: bool) -> tuple[bool, str]:
    """REval's coverage reading: ``(executed?, why)``; anything unclear reads as NO."""
    answer = response.upper().strip()
    if cot and "[/THOUGHT]" not in answer:
        return False, "chain of thought not finished; read as NO"
    answer = _between_tags(answer)
    if not answer:
        return False, "empty answer; read as NO"
    head = answer[:3]
    yes, no = "YES" in head, "NO" in head
    if yes == no:
        return False, f"ambiguous answer {head!r}; read as NO"
    return yes, ""


def path_answer(response: str, cot: bool) -> str | int:
    """REval's path reading: the answer line's text, ``-1``, or ``-2`` (no answer)."""
    if cot_unfinished(response, cot):
        return -2
    text = _between_tags(response).split("\n")[0].strip()
    if text == "":
        return -2
    if text == "-1":
        return -1
    return text


def path_lines(answer: str | int, code: str) -> list[int]:
    """The line numbers an answer names: every line whose stripped text equals it."""
    if isinstance(answer, int):
        return [answer]
    lines = [i + 1 for i, line in enumerate(code.split("\n")) if answer == line.strip()]
    return lines or [-2]


@dataclass(frozen=True)
class StateAnswer:
    """A state answer as REval reads it: Nil, an error, or a value and its type name."""

    nil: bool = False
    error: str = ""
    value: Any = None
    type_name: str = ""


_NUMBER_CALLS = {"float('inf')": math.inf, "float('-inf')": -math.inf, "float('nan')": math.nan}


def _safe_value(text: str) -> Any:
    """A value from its source text: a literal, or ``set()``/``frozenset(...)``/infinities."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass
    compact = text.replace('"', "'").replace(" ", "")
    for source, number in _NUMBER_CALLS.items():
        if compact in (source, source.replace("float", "-float", 1)):
            return -number if compact.startswith("-") else number
    match = re.fullmatch(r"(set|frozenset|list|tuple|dict)\((.*)\)", text.strip(), re.DOTALL)
    if match:
        kind = {"set": set, "frozenset": frozenset, "list": list, "tuple": tuple, "dict": dict}
        inner = match.group(2).strip()
        constructor: Any = kind[match.group(1)]
        return constructor(ast.literal_eval(inner)) if inner else constructor()
    raise ValueError(f"not a literal: {text[:100]!r}")


_BUILTIN_TYPES = frozenset(name for name, obj in vars(builtins).items() if isinstance(obj, type))
_LIST_TYPES = frozenset({"collections.deque", "numpy.ndarray", "np.ndarray"})
"""Non-builtin types REval can read an answer of: compared through their list form."""
_NUMPY_SCALAR = re.compile(r"numpy\.(?:(?:u?int|float|complex)\d+|bool_)")
"""numpy's scalar types, which REval reads as ``numpy.float64(value)`` and so on: compared
through their Python form, without the tolerance of ``float``."""


def _python_form(type_name: str) -> bool:
    """Whether answers of this non-builtin type are compared through their Python form."""
    return type_name in _LIST_TYPES or _NUMPY_SCALAR.fullmatch(type_name) is not None


def state_answer(response: str, cot: bool) -> StateAnswer:
    """REval's ``State._postprocess``."""
    if cot_unfinished(response, cot):
        return StateAnswer(error="chain of thought not finished")
    text = response.replace("\u2018", "'").replace("\u2019", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"').strip()
    text = _between_tags(text)
    if text.capitalize() == "Nil" or text == "[Nil]":
        return StateAnswer(nil=True)
    semicolon = text.rfind(";")
    if semicolon == -1:
        return StateAnswer(error="no 'value; type' in the answer")
    value_text = text[:semicolon].strip()
    type_text = text[semicolon + 1 :].strip().lower()
    if value_text.capitalize() == "Nil":
        return StateAnswer(nil=True)
    match = re.match(r"<class '(.*)'>", type_text)
    if match:
        type_text = match.group(1)
    match = re.match(r"(.*)\[.*\]", type_text)
    if match:
        type_text = match.group(1)
    type_text = {"string": "str", "integer": "int"}.get(type_text, type_text)
    if "," in type_text or "tuple" in type_text:
        type_text = "tuple"
    if type_text == "str":
        try:
            return StateAnswer(value=_safe_value(value_text), type_name="str")
        except ValueError:
            return StateAnswer(value=value_text, type_name="str")
    if value_text == "None":
        return StateAnswer(value=None, type_name="NoneType")
    type_text = type_text.removeprefix("builtins.")
    if type_text in _LIST_TYPES:
        try:
            value = list(_safe_value(value_text))
        except (ValueError, TypeError):
            return StateAnswer(error=f"cannot read {value_text[:100]!r} as a {type_text}")
        name = "numpy.ndarray" if type_text.endswith("ndarray") else type_text
        return StateAnswer(value=value, type_name=name)
    if type_text not in _BUILTIN_TYPES and not _NUMPY_SCALAR.fullmatch(type_text):
        return StateAnswer(error=f"type {type_text!r} is not one REval can read")
    try:
        return StateAnswer(value=_safe_value(value_text), type_name=type_text)
    except ValueError as exc:
        return StateAnswer(error=str(exc))


def _value_type_name(value: Any) -> str:
    kind = type(value)
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


def state_matches(
    answer: StateAnswer, actual: tuple[EncodedValue, ...] | str | None
) -> tuple[bool, str]:
    """REval's ``State._eq``: ``(correct?, why not)``."""
    if answer.error:
        return False, answer.error
    if actual == "unsupported":
        return False, "REval cannot read this variable expression"
    if answer.nil or actual is None:
        if answer.nil and actual is None:
            return True, ""
        return False, "the line does not run (Nil)" if actual is None else "the line runs"
    assert not isinstance(actual, str)
    if all(answer.type_name != value.type for value in actual):
        types = ", ".join(sorted({value.type for value in actual}))
        return False, f"type {answer.type_name} is not the variable's ({types})"
    shown = answer.value
    if not _python_form(answer.type_name) and _value_type_name(shown) != answer.type_name:
        return False, f"the value is a {_value_type_name(shown)}, not a {answer.type_name}"
    decoded = []
    for value in actual:
        if value.literal is None:
            continue
        try:
            decoded.append(ast.literal_eval(value.literal))
        except (ValueError, SyntaxError):
            continue
    if answer.type_name == "float":
        for other in decoded:
            try:
                if abs(shown - other) < 1e-6:
                    return True, ""
            except TypeError:
                continue
        return False, "wrong value"
    try:
        if shown in decoded:
            return True, ""
    except Exception:
        pass
    return False, "wrong value"


def output_answer(response: str, cot: bool) -> str:
    """REval's ``Output._postprocess``: the completed test code, or ``ERROR``."""
    if cot_unfinished(response, cot):
        return "ERROR"
    return _between_tags(response)


def complete_output(answer: str, given: str) -> str:
    """REval's ``_postprocess_phase2``: pad a short answer with the test code's first lines."""
    if answer == "ERROR":
        return "assert False"
    given_lines = given.strip().split("\n")
    answer_lines = answer.strip().split("\n")
    if len(answer_lines) >= len(given_lines):
        return answer
    missing = len(given_lines) - len(answer_lines)
    return "\n".join(given_lines[:missing] + answer_lines)


def output_penalty(code: str, given: str) -> str:
    """REval's ``penalty_pattern``: why an output answer fails without running, or ``""``."""
    trivial = (
        "assertTrue(True)",
        "assertFalse(False)",
        "assert True",
        "assert False",
    )
    if any(pattern in code for pattern in trivial):
        return "asserts a constant"
    if code.count("assert") < given.count("assert"):
        return "fewer assertions than the test code"
    return ""
