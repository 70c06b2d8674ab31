"""Execution questions: what a model is asked about a traced call, and the reference answers.

``read_programs`` reads program rows; a traced call (:mod:`execgym.trace`) and
``build_questions`` give :class:`Question` s in one of four prompt styles (``execverify``,
``execverify-strict``, ``cruxeval``, ``reval``); ``questions_for_file`` does both for a
JSONL file. One generator per :class:`Kind` is registered (``question_kinds()``), and a
style may register its own (``execverify`` does, for its selection rules);
``extract_answers`` finds a model's answers in its response.
"""

from execgym.tasks._build import (
    BuildStats,
    build_questions,
    iter_questions,
    kind_rng,
    questions_for_file,
)
from execgym.tasks._extract import ExtractedAnswer, extract_answers
from execgym.tasks._kinds import (
    KindGenerator,
    Pick,
    generator_for,
    question_kinds,
    register,
)
from execgym.tasks._literals import (
    MAX_DEPTH,
    MAX_INT_DIGITS,
    MAX_LITERAL_CHARS,
    Arguments,
    LiteralError,
    parse_expression,
    parse_literal,
    read_arguments,
)
from execgym.tasks._programs import (
    Program,
    ProgramFormatError,
    iter_programs,
    program_from_row,
    read_programs,
)
from execgym.tasks._prompt_parts import numbered_code
from execgym.tasks._prompts import (
    STYLE_KINDS,
    STYLES,
    check_style,
    render_questions,
)
from execgym.tasks._question import NOT_EXECUTED, Item, Kind, Question, Reference, Style
from execgym.tasks._select import Execution, SourceMap, Visit

__all__ = [
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "MAX_LITERAL_CHARS",
    "NOT_EXECUTED",
    "STYLES",
    "STYLE_KINDS",
    "Arguments",
    "BuildStats",
    "Execution",
    "ExtractedAnswer",
    "Item",
    "Kind",
    "KindGenerator",
    "LiteralError",
    "Pick",
    "Program",
    "ProgramFormatError",
    "Question",
    "Reference",
    "SourceMap",
    "Style",
    "Visit",
    "build_questions",
    "check_style",
    "extract_answers",
    "generator_for",
    "iter_programs",
    "iter_questions",
    "kind_rng",
    "numbered_code",
    "parse_expression",
    "parse_literal",
    "program_from_row",
    "question_kinds",
    "questions_for_file",
    "read_arguments",
    "read_programs",
    "register",
    "render_questions",
]
