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

from typing import TYPE_CHECKING

from execgym._lazy import lazy_exports

if TYPE_CHECKING:
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
        DEFAULT_BATCH_SIZE,
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
    from execgym.synth._filters import (
        INSTRUMENTS,
        REJECTION_REASONS,
        FilterOptions,
        ProgramFilter,
    )
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
    from execgym.synth._report import (
        ReportInputError,
        level_statistics,
        markdown_table,
        read_program_rows,
        write_report,
    )
    from execgym.synth._seeds import item_seed
    from execgym.synth._spec import (
        CONTROL_KINDS,
        INPUT_TYPES,
        ConstraintSpec,
        SpecError,
        load_levels,
        spec_from_mapping,
    )

# The filters' batch instrument (``execgym.synth._batch_instrument``, allowed by a sandbox
# created with ``SandboxConfig(instruments=INSTRUMENTS)``) runs inside fork-servers
# and their children: re-exports load lazily so importing it does not import the generators,
# the dataset builder and the model clients.
_EXPORTS = {
    "DEFAULT_BATCH_SIZE": "execgym.synth._dataset",
    "BUILTIN_LEVELS": "execgym.synth._levels",
    "CONTROL_KINDS": "execgym.synth._spec",
    "Candidate": "execgym.synth._candidate",
    "ConstraintReport": "execgym.synth._checker",
    "ConstraintSpec": "execgym.synth._spec",
    "DatasetBuilder": "execgym.synth._dataset",
    "DifficultyFilter": "execgym.synth._dataset",
    "ExtractedProgram": "execgym.synth._prompt",
    "ExtractionError": "execgym.synth._prompt",
    "FilterOptions": "execgym.synth._filters",
    "GenerationFailure": "execgym.synth._candidate",
    "GrammarGenerator": "execgym.synth._grammar",
    "INPUT_TYPES": "execgym.synth._spec",
    "INSTRUMENTS": "execgym.synth._filters",
    "LevelSummary": "execgym.synth._dataset",
    "METRICS": "execgym.synth._metrics",
    "ModelDifficultyFilter": "execgym.synth._difficulty",
    "ModelGenerator": "execgym.synth._model_generator",
    "Operation": "execgym.synth._catalog",
    "ProgramFilter": "execgym.synth._filters",
    "ProgramGenerator": "execgym.synth._candidate",
    "REJECTION_REASONS": "execgym.synth._filters",
    "ROW_KEYS": "execgym.synth._dataset",
    "Rejection": "execgym.synth._candidate",
    "ReportInputError": "execgym.synth._report",
    "Slot": "execgym.synth._catalog",
    "SpecError": "execgym.synth._spec",
    "SynthConfig": "execgym.synth._dataset",
    "SynthSummary": "execgym.synth._dataset",
    "ValidatedProgram": "execgym.synth._candidate",
    "answer_is_right": "execgym.synth._difficulty",
    "branch_arcs": "execgym.synth._metrics",
    "builtin_levels": "execgym.synth._levels",
    "check_program": "execgym.synth._checker",
    "difficulty_metrics": "execgym.synth._metrics",
    "eligible_methods": "execgym.synth._grammar",
    "extract_program": "execgym.synth._prompt",
    "item_seed": "execgym.synth._seeds",
    "level_statistics": "execgym.synth._report",
    "load_levels": "execgym.synth._spec",
    "markdown_table": "execgym.synth._report",
    "methods": "execgym.synth._catalog",
    "normalized_key": "execgym.synth._normalize",
    "operations": "execgym.synth._catalog",
    "output_prompt": "execgym.synth._difficulty",
    "program_row": "execgym.synth._dataset",
    "read_program_rows": "execgym.synth._report",
    "read_resume_state": "execgym.synth._dataset",
    "render_prompt": "execgym.synth._prompt",
    "select_levels": "execgym.synth._levels",
    "spec_from_mapping": "execgym.synth._spec",
    "write_report": "execgym.synth._report",
}

__all__ = [
    "BUILTIN_LEVELS",
    "CONTROL_KINDS",
    "DEFAULT_BATCH_SIZE",
    "INPUT_TYPES",
    "INSTRUMENTS",
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
    "ReportInputError",
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
    "markdown_table",
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


__getattr__ = lazy_exports("execgym.synth", _EXPORTS, globals())
