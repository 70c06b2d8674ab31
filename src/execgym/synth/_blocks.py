"""Control flow for generated programs: loops, conditions and accumulator updates.

A blueprint (``("for", "if", "while")``, outermost first) becomes nested blocks over a
*subject*: a ``for`` iterates it (or, for an int, ``range(min(n, 4))``), a ``while`` walks
it by index (or peels an int's digits), an ``if`` / ``if-elif`` tests it; the next block of
the blueprint works on the loop's item. The innermost statements update one accumulator,
which ``f`` returns. Different branches get different updates, every loop variable is used,
and every loop is bounded by construction: ``for`` runs over a finite value the body never
changes, a ``while`` index walk advances its index once per pass and nothing else writes it,
and a digit loop divides a positive int until it reaches 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from execgym.synth._builder import GenerationError, ProgramBuilder, Value
from execgym.synth._catalog import LI, LS, SI, TI, TS, D, F, I, S
from execgym.synth._naming import ACCUMULATOR_NAMES, ELEMENT_NAMES

SEQUENCES = (S, LI, LS, TI, TS)

_UPDATES: dict[tuple[str, str], tuple[str, ...]] = {
    (I, I): (
        "{a} += {v}",
        "{a} -= {v}",
        "{a} = max({a}, {v})",
        "{a} += {v} * <factor>",
        "{a} += {v} % <factor>",
    ),
    (I, S): ("{a} += len({v})", "{a} += {v}.count(<char>)", "{a} -= len({v})"),
    (I, F): ("{a} += round({v})",),
    (F, F): ("{a} += {v}", "{a} = max({a}, {v})"),
    (F, I): ("{a} += {v} / <factor>", "{a} -= {v} / <factor>"),
    (LI, I): ("{a}.append({v})", "{a}.append({v} * <factor>)", "{a}.insert(0, {v})"),
    (LI, S): ("{a}.append(len({v}))", "{a}.append({v}.count(<char>))"),
    (LS, S): (
        "{a}.append({v})",
        "{a}.append({v}.upper())",
        "{a}.insert(0, {v})",
        "{a}.append({v}[::-1])",
        "{a}.append({v}.strip(<char>))",
    ),
    (LS, I): ("{a}.append(str({v}))",),
    (S, S): ("{a} += {v}", "{a} = {v} + {a}", "{a} += {v}.upper()", "{a} += {v}[:1]"),
    (S, I): ("{a} += str({v})",),
    (D, S): ("{a}[{v}] = {a}.get({v}, 0) + 1", "{a}[{v}] = len({v})"),
    (D, I): ("{a}[str({v})] = {a}.get(str({v}), 0) + 1",),
    (SI, I): ("{a}.add({v})", "{a}.add({v} % <factor>)"),
}

_ACCUMULATOR_TYPES: dict[str, tuple[str, ...]] = {
    I: (I, I, LI, S, SI, D),
    S: (I, LS, S, D),
    F: (I, F),
}

_INITIAL = {I: "0", F: "0.0", S: "''", LI: "[]", LS: "[]", D: "{}", SI: "set()"}

_CONDITIONS: dict[str, tuple[str, ...]] = {
    I: ("{v} % 2 == 0", "{v} > <small>", "{v} < <small>", "{v} % 3 == 0", "{v} > @small"),
    S: (
        "{v}.isdigit()",
        "{v}.isalpha()",
        "{v}.isupper()",
        "{v} in 'aeiou'",
        "{v}.startswith(<sub>)",
        "len({v}) > <few>",
        "{v}.endswith(<sub>)",
        "{v} in @sub",
    ),
    "char": (
        "{v}.isdigit()",
        "{v}.isalpha()",
        "{v}.isupper()",
        "{v}.islower()",
        "{v} in 'aeiou'",
        "{v} == ' '",
        "{v} in @sub",
    ),
    F: ("{v} > <float>", "{v}.is_integer()"),
    LI: ("len({v}) > <few>", "<small> in {v}", "sum({v}) > <small>"),
    TI: ("sum({v}) > <small>", "<small> in {v}"),
    SI: ("len({v}) > <few>", "<small> in {v}"),
    LS: ("len({v}) > <few>", "<word> in {v}"),
    D: ("<key> in {v}", "len({v}) > <few>"),
    TS: ("<sub> in {v}",),
}

_PLACEHOLDER = re.compile(r"<(\w+)>|@(\w+)")


class ControlFlowBuilder:
    """Writes the blueprint's blocks into ``builder`` and returns the accumulator.

    ``transform`` (the helper-function chain) is applied once, to the value of the first
    innermost update: ``total += score_word(word)``.
    """

    def __init__(
        self, builder: ProgramBuilder, transform: Callable[[Value], Value] | None = None
    ) -> None:
        self.b = builder
        self.transform = transform
        self.acc: Value | None = None
        self.acc_at = 0
        self._templates_used: list[str] = []
        self._conditions: dict[str, set[str]] = {}
        self.root = Value("", I)

    def build(self, path: tuple[str, ...], subject: Value) -> Value:
        """Emit the blocks and ``return <accumulator>``; the accumulator is declared first.

        A scalar ``subject`` (an int, a float) is not worth looping over: the blocks run
        over a collection parameter instead and the scalar starts the accumulator.
        """
        self.acc_at = len(self.b.lines)
        start: Value | None = None
        if subject.type in (I, F) and any(k in ("for", "while") for k in path):
            start, subject = subject, self._collection_param()
            self.acc = Value(self.b.names.take(ACCUMULATOR_NAMES[start.type]), start.type, "acc")
        self.root = subject
        self._construct(path, 0, subject, 0)
        acc = self.acc
        if acc is None:
            raise GenerationError("no statement updated an accumulator")
        initial = start.src if start is not None else _INITIAL[acc.type]
        self.b.lines.insert(self.acc_at, f"{acc.src} = {initial}")
        if acc.type == SI:
            self.b.note_calls("sorted(x)")
            self.b.emit(f"return sorted({acc.src})")
        else:
            self.b.emit(f"return {acc.src}")
        return acc

    # ---- blocks ------------------------------------------------------------------------
    def _construct(self, path: tuple[str, ...], i: int, subject: Value, indent: int) -> None:
        if i == len(path):
            self._update(subject, indent, set())
            return
        kind = path[i]
        following = path[i + 1] if i + 1 < len(path) else None
        if kind == "for":
            self._for(path, i, subject, indent, following)
        elif kind == "while":
            self._while(path, i, subject, indent)
        else:
            self._if(path, i, subject, indent, elif_branch=kind == "if-elif")

    def _for(
        self, path: tuple[str, ...], i: int, subject: Value, indent: int, following: str | None
    ) -> None:
        b, rng = self.b, self.b.rng
        subject = self._iterable(subject)
        tests_next = following in ("if", "if-elif")
        if subject.type == I:
            step = b.names.take(("step", "turn", "round_number"))
            b.note_calls("range(min(x, 4))")
            b.emit(f"for {step} in range(min({subject.src}, 4)):", indent)
            self._loop_body(path, i + 1, Value(step, I), indent + 1)
            return
        if subject.type == D:
            if tests_next and rng.random() < 0.5:
                key = b.names.take(ELEMENT_NAMES[D])
                amount = b.names.take(("amount", "quantity", "number"))
                b.note_calls("x.items()")
                b.emit(f"for {key}, {amount} in {subject.src}.items():", indent)
                elif_branch = path[i + 1] == "if-elif"
                self._if(path, i + 1, Value(amount, I), indent + 1, elif_branch, Value(key, S))
                return
            key = b.names.take(ELEMENT_NAMES[D])
            b.emit(f"for {key} in {subject.src}:", indent)
            self._loop_body(path, i + 1, Value(key, S), indent + 1)
            return
        if subject.type == SI:
            item = b.names.take(ELEMENT_NAMES[SI])
            b.note_calls("sorted(x)")
            b.emit(f"for {item} in sorted({subject.src}):", indent)
            self._loop_body(path, i + 1, Value(item, I), indent + 1)
            return
        element = S if subject.type in (S, LS, TS) else I
        atomic = subject.type == S
        names = ELEMENT_NAMES[subject.type]
        roll = rng.random()
        if tests_next and roll < 0.3:
            index = b.names.take(("index", "position"))
            item = b.names.take(names)
            b.note_calls("enumerate(x)")
            b.emit(f"for {index}, {item} in enumerate({subject.src}):", indent)
            elif_branch = path[i + 1] == "if-elif"
            value = Value(item, element, atomic=atomic)
            self._if(path, i + 1, value, indent + 1, elif_branch, Value(index, I))
        elif roll < 0.45:
            index = b.names.take(("index", "position"))
            b.note_calls("range(len(x))")
            b.emit(f"for {index} in range(len({subject.src})):", indent)
            value = Value(f"{subject.src}[{index}]", element, atomic=atomic)
            self._loop_body(path, i + 1, value, indent + 1)
        elif roll < 0.6 and subject.type != TS:
            left = b.names.take(("left", "first", "previous"))
            right = b.names.take(("right", "second", "current"))
            b.note_calls("zip(x, y)")
            b.emit(f"for {left}, {right} in zip({subject.src}, {subject.src}[1:]):", indent)
            joined = f"{left} + {right}" if element == S else f"{right} - {left}"
            self._loop_body(path, i + 1, Value(joined, element, atomic=atomic), indent + 1)
        else:
            item = b.names.take(names)
            b.emit(f"for {item} in {subject.src}:", indent)
            self._loop_body(path, i + 1, Value(item, element, atomic=atomic), indent + 1)

    def _while(self, path: tuple[str, ...], i: int, subject: Value, indent: int) -> None:
        b = self.b
        subject = self._iterable(subject)
        if subject.type == I:
            remaining = b.names.take(("remaining", "rest", "left_over"))
            b.emit(f"{remaining} = {subject.src}", indent)
            b.emit(f"while {remaining} > 0:", indent)
            self._loop_body(path, i + 1, Value(f"{remaining} % 10", I), indent + 1)
            b.emit(f"{remaining} //= 10", indent + 1)
            return
        if subject.type in (D, SI):
            ordered = b.names.take(("ordered", "sorted_items"))
            b.note_calls("sorted(x)")
            b.emit(f"{ordered} = sorted({subject.src})", indent)
            subject = Value(ordered, LS if subject.type == D else LI)
        element = S if subject.type in (S, LS, TS) else I
        index = b.names.take(("index", "position", "cursor"))
        b.note_calls("len(x)")
        b.emit(f"{index} = 0", indent)
        b.emit(f"while {index} < len({subject.src}):", indent)
        value = Value(f"{subject.src}[{index}]", element, atomic=subject.type == S)
        self._loop_body(path, i + 1, value, indent + 1)
        step = "1" if b.rng.random() < 0.8 else "2"
        b.emit(f"{index} += {step}", indent + 1)

    def _loop_body(self, path: tuple[str, ...], i: int, item: Value, indent: int) -> None:
        """The body of a loop over ``item``; the helper chain, when pending, is applied to
        the item first, so every pass calls it."""
        if self.transform is not None and item.type in (S, I, F):
            call = self.transform(item)
            self.transform = None
            nouns = ("prepared", "converted", "cleaned") if call.type == S else ("adjusted",)
            item = self.b.assign(call.src, call.type, nouns, indent)
        self._construct(path, i, item, indent)

    def _if(
        self,
        path: tuple[str, ...],
        i: int,
        subject: Value,
        indent: int,
        elif_branch: bool,
        tested: Value | None = None,
    ) -> None:
        """``if`` (or ``if``/``elif``) at ``path[i]``; ``tested`` is a loop variable (an
        index, a key) the first condition tests instead of the subject."""
        b = self.b
        first_template, first = self._condition(tested or subject, set())
        b.emit(f"if {first}:", indent)
        self._construct(path, i + 1, subject, indent + 1)
        if elif_branch:
            avoid = {first_template} if tested is None else set()
            _, second = self._condition(subject, avoid)
            b.emit(f"elif {second}:", indent)
            self._update(subject, indent + 1, set(self._templates_used))
        if b.rng.random() < (0.5 if elif_branch else 0.6):
            b.emit("else:", indent)
            self._update(subject, indent + 1, set(self._templates_used))

    # ---- conditions and updates --------------------------------------------------------
    def _condition(self, value: Value, avoid: set[str]) -> tuple[str, str]:
        """A template not in ``avoid`` (nor used on ``value`` before) and its condition."""
        tested = self._conditions.setdefault(value.src, set())
        groups = {_group(t) for t in avoid | tested}
        kind = "char" if value.atomic and value.type == S else value.type
        options = [t for t in _CONDITIONS.get(kind, ()) if _group(t) not in groups]
        if not options:
            raise GenerationError(f"no condition on a {value.type}")
        template = options[self.b.rng.randrange(len(options))]
        tested.add(template)
        condition = self._fill(template, value, "")
        self.b.note_calls(condition)
        return template, condition

    def _update(self, value: Value, indent: int, avoid: set[str]) -> None:
        b = self.b
        if self.transform is not None:
            value = self.transform(value)
            self.transform = None
        if self.acc is None:
            choices = _ACCUMULATOR_TYPES.get(value.type, (I,))
            acc_type = choices[b.rng.randrange(len(choices))]
            name = b.names.take(ACCUMULATOR_NAMES[acc_type])
            self.acc = Value(name, acc_type, "acc")
        acc = self.acc
        if (acc.type, value.type) not in _UPDATES:
            value = _as_int(value)
            b.note_calls(value.src)
        templates = _UPDATES.get((acc.type, value.type))
        if not templates:
            raise GenerationError(f"no update of a {acc.type} from a {value.type}")
        options = [t for t in templates if t not in avoid] or list(templates)
        template = options[b.rng.randrange(len(options))]
        self._templates_used.append(template)
        statement = self._fill(template, value, acc.src)
        b.note_calls(statement)
        b.emit(statement, indent)

    def _fill(self, template: str, value: Value, acc: str) -> str:
        text = template.replace("{v}", _paren(value.src)).replace("{a}", acc)

        def constant(match: re.Match[str]) -> str:
            if match.group(1):
                return self.b.constant(match.group(1))
            role = match.group(2)
            param = self.b.new_param(I if role == "small" else S, role)
            return param.src if param is not None else self.b.constant(role)

        return _PLACEHOLDER.sub(constant, text)

    def _iterable(self, subject: Value) -> Value:
        """``subject`` when a loop can run over it; else the block's root value or a new
        collection parameter."""
        if subject.type in (*SEQUENCES, D, SI, I) and not subject.atomic:
            return subject
        if self.root.type in (*SEQUENCES, D, SI, I) and not self.root.atomic:
            return self.root
        return self._collection_param()

    def _collection_param(self) -> Value:
        kinds = [k for k in (LI, LS, S, D) if k in self.b.spec.input_types]
        self.b.rng.shuffle(kinds)
        for kind in kinds:
            param = self.b.new_param(kind)
            if param is not None:
                return param
        raise GenerationError("no room for a collection parameter")


def _group(template: str) -> str:
    """Conditions of one group contradict or repeat each other on the same value."""
    return "compare" if " > " in template or " < " in template else template


def _paren(source: str) -> str:
    return source if source.replace("_", "").isalnum() or source.endswith("]") else f"({source})"


def _as_int(value: Value) -> Value:
    if value.type == F:
        return Value(f"round({_paren(value.src)})", I)
    return Value(f"len({_paren(value.src)})", I)
