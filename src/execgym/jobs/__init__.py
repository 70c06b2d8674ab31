"""The jobs the commands run, as library functions that return typed reports: the main job
(:func:`run_pipeline`, ``execgym pipeline``) and its stages, the doctor
(:func:`doctor_stage`), question files (:func:`write_question_file`) and program files
(:func:`synthesize_programs`).

This layer composes the packages below it (the sandbox, synthesis, questions, rewards and
the benchmarks' batch judging); the command line (:mod:`execgym.cli`) only parses, calls a
job and renders its report.
"""

from execgym.jobs._dataset_stage import (
    DatasetReport,
    SynthReport,
    dataset_stage,
    reference_earns_full_reward,
    synthesis_stage,
)
from execgym.jobs._doctor import (
    TRIVIAL_PROGRAM,
    DoctorReport,
    doctor_stage,
    probe_rows,
)
from execgym.jobs._example_functions import EXAMPLE_FUNCTIONS
from execgym.jobs._examples import (
    EXAMPLE_PROGRAMS,
    ExampleProgram,
    example_by_id,
    passing_examples,
)
from execgym.jobs._pipeline import (
    ExampleOutcome,
    PipelineReport,
    StageReport,
    ThroughputReport,
    judge_examples_stage,
    run_pipeline,
    throughput_stage,
    write_pipeline_summary,
)
from execgym.jobs._questions import QuestionFileReport, write_question_file
from execgym.jobs._synthesis import HASH_SEEDS, SynthesisProgress, synthesize_programs

__all__ = [
    "EXAMPLE_FUNCTIONS",
    "EXAMPLE_PROGRAMS",
    "HASH_SEEDS",
    "TRIVIAL_PROGRAM",
    "DatasetReport",
    "DoctorReport",
    "ExampleOutcome",
    "ExampleProgram",
    "PipelineReport",
    "QuestionFileReport",
    "StageReport",
    "SynthReport",
    "SynthesisProgress",
    "ThroughputReport",
    "dataset_stage",
    "doctor_stage",
    "example_by_id",
    "judge_examples_stage",
    "passing_examples",
    "probe_rows",
    "reference_earns_full_reward",
    "run_pipeline",
    "synthesis_stage",
    "synthesize_programs",
    "throughput_stage",
    "write_pipeline_summary",
    "write_question_file",
]
