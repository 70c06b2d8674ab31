"""Program synthesis at controlled difficulty (after ExecVerify).

A :class:`ConstraintSpec` describes a level (six are built in: :func:`builtin_levels`;
more can be read from TOML or YAML with :func:`load_levels`). A generator — the grammar
one (:class:`GrammarGenerator`, no model) or the model-driven one (:class:`ModelGenerator`)
— turns a spec and a per-item seed into a :class:`Candidate`; :class:`ProgramFilter` runs
it in two sandboxes with different hash seeds and keeps it or says why not;
:class:`DatasetBuilder` writes the kept programs as JSONL rows that ``execgym questions``
reads, with their measured difficulty; :func:`write_report` summarises a file.
:func:`check_program` verifies a program against a spec by reading its code only.
"""

from execgym.synth._candidate import (
    Candidate,
    GenerationFailure,
    ProgramGenerator,
    Rejection,
    ValidatedProgram,
)
from execgym.synth._catalog import Operation, Slot, methods, operations
from execgym.synth._checker import ConstraintReport, check_program
from execgym.synth._dataset import (
    ROW_KEYS,
    DatasetBuilder,
    DifficultyFilter,
    LevelSummary,
    SynthConfig,
    SynthSummary,
    program_row,
    read_resume_state,
)
from execgym.synth._difficulty import ModelDifficultyFilter, answer_is_right, output_prompt
from execgym.synth._filters import REJECTION_REASONS, FilterOptions, ProgramFilter
from execgym.synth._grammar import GrammarGenerator, eligible_methods
from execgym.synth._levels import BUILTIN_LEVELS, builtin_levels, select_levels
from execgym.synth._metrics import METRICS, branch_arcs, difficulty_metrics
from execgym.synth._model_generator import ModelGenerator
from execgym.synth._normalize import normalized_key
from execgym.synth._prompt import (
    ExtractedProgram,
    ExtractionError,
    extract_program,
    render_prompt,
)
from execgym.synth._report import level_statistics, read_program_rows, write_report
from execgym.synth._seeds import item_seed
from execgym.synth._spec import (
    CONTROL_KINDS,
    INPUT_TYPES,
    ConstraintSpec,
    SpecError,
    load_levels,
    spec_from_mapping,
)

__all__ = [
    "BUILTIN_LEVELS",
    "CONTROL_KINDS",
    "INPUT_TYPES",
    "METRICS",
    "REJECTION_REASONS",
    "ROW_KEYS",
    "Candidate",
    "ConstraintReport",
    "ConstraintSpec",
    "DatasetBuilder",
    "DifficultyFilter",
    "ExtractedProgram",
    "ExtractionError",
    "FilterOptions",
    "GenerationFailure",
    "GrammarGenerator",
    "LevelSummary",
    "ModelDifficultyFilter",
    "ModelGenerator",
    "Operation",
    "ProgramFilter",
    "ProgramGenerator",
    "Rejection",
    "Slot",
    "SpecError",
    "SynthConfig",
    "SynthSummary",
    "ValidatedProgram",
    "answer_is_right",
    "branch_arcs",
    "builtin_levels",
    "check_program",
    "difficulty_metrics",
    "eligible_methods",
    "extract_program",
    "item_seed",
    "level_statistics",
    "load_levels",
    "methods",
    "normalized_key",
    "operations",
    "output_prompt",
    "program_row",
    "read_program_rows",
    "read_resume_state",
    "render_prompt",
    "select_levels",
    "spec_from_mapping",
    "write_report",
]
