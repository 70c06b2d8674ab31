"""``execgym agent``: run an agent method in an environment, show an episode, export training
data.

Every command line of the agent lives here; :mod:`execgym.cli` adds :data:`agent_app` as the
``agent`` group. The library is imported when a command runs, so that ``execgym --help``
stays quick.

Exit statuses: 0 success; 1 when a run stopped early (a model server that stayed
unavailable, a sandbox or environment failure); 2 a usage error (unknown environment or
method, bad option, a run directory holding other settings or no episodes); 130
interrupted by Ctrl-C.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from execgym.cli._common import (
    CONTEXT_SETTINGS,
    EXIT_FAILURE,
    EXIT_OK,
    interrupted,
    stderr_console,
    stdout_console,
    usage_error,
)

if TYPE_CHECKING:
    from execgym.agent import AgentReport

agent_app = typer.Typer(
    name="agent",
    help="Run agents (ReCode, ReAct, CodeAct) in text worlds.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=CONTEXT_SETTINGS,
)


def _options(pairs: list[str]) -> dict[str, str]:
    options: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise usage_error(f"--env-option takes KEY=VALUE, not {pair!r}")
        options[key.strip()] = value.strip()
    return options


@agent_app.command("run")
def run_command(
    output_dir: Annotated[
        Path, typer.Option("-o", "--output-dir", help="Run directory (reused to resume).")
    ],
    model: Annotated[str, typer.Option("--model", help="Model name as the server knows it.")],
    env: Annotated[
        str,
        typer.Option(
            "--env", help="Environment: household (built in), alfworld, scienceworld, webshop."
        ),
    ] = "household",
    method: Annotated[str, typer.Option("--method", help="recode, react or codeact.")] = "recode",
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="OpenAI-compatible server, e.g. http://localhost:8000/v1."),
    ] = None,
    api_key: Annotated[
        str | None, typer.Option("--api-key", help="API key (default: $EXECGYM_API_KEY).")
    ] = None,
    n: Annotated[int, typer.Option("-n", "--episodes", min=1, help="Episodes to play.")] = 50,
    concurrency: Annotated[
        int, typer.Option("-c", "--concurrency", min=1, help="Episodes in flight.")
    ] = 8,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generated worlds.")] = 0,
    temperature: Annotated[float, typer.Option("--temperature", min=0.0)] = 0.0,
    max_tokens: Annotated[
        int, typer.Option("--max-tokens", min=1, help="Completion budget per model call.")
    ] = 1024,
    max_steps: Annotated[
        int, typer.Option("--max-steps", min=1, help="Environment steps per episode.")
    ] = 50,
    max_calls: Annotated[
        int, typer.Option("--max-calls", min=1, help="Model calls per episode.")
    ] = 50,
    max_depth: Annotated[
        int, typer.Option("--max-depth", min=0, help="ReCode: deepest placeholder expanded.")
    ] = 10,
    max_rewrites: Annotated[
        int,
        typer.Option("--max-rewrites", min=0, help="ReCode: replies asked again when unusable."),
    ] = 3,
    max_retries: Annotated[
        int,
        typer.Option("--max-retries", min=0, help="ReCode: re-expansions of failed code."),
    ] = 2,
    block_time: Annotated[
        float,
        typer.Option("--block-time", min=0.01, help="Wall seconds each block of code may run."),
    ] = 5.0,
    env_option: Annotated[
        list[str] | None,
        typer.Option("--env-option", help="KEY=VALUE passed to the environment (repeatable)."),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not use the run's response cache.")
    ] = False,
    replay: Annotated[
        Path | None, typer.Option("--replay", help="Answer from a recorded JSONL file instead.")
    ] = None,
    request_timeout: Annotated[
        float, typer.Option("--request-timeout", min=0.001, help="Seconds per HTTP request.")
    ] = 600.0,
) -> None:
    """Play episodes with an agent method and a model.

    Plays N episodes of an environment. Each goes to OUTPUT_DIR/episodes.jsonl as it ends
    (task, result, every action and observation, every model call, and for recode the
    expansion tree); OUTPUT_DIR/summary.json and the table printed hold the success rate
    and average reward overall and per task type, and model calls, tokens and steps per
    episode. Rerun the same command to resume: finished episodes are kept and the response
    cache (OUTPUT_DIR/llm-cache.sqlite) answers every request already made. recode and
    codeact run the model's code in the sandbox, one interpreter per episode in flight.
    """
    import asyncio
    from contextlib import ExitStack

    from execgym._verbatim import verbatim
    from execgym.agent import (
        METHODS,
        AgentSettings,
        Budgets,
        EnvironmentNotInstalled,
        EnvironmentOptionError,
        ExecutorLimits,
        finished_episodes,
        make_environment,
        run_agent,
        summary_table,
    )
    from execgym.bench import ResumeMismatch
    from execgym.cli._display import model_notices, progress_bar
    from execgym.cli._model import open_run_model
    from execgym.llm import aclose_model
    from execgym.registry import UnknownName
    from execgym.sandbox import Sandbox

    options = _options(env_option or [])
    try:
        agent_method = METHODS.get(method)
        probe = make_environment(env, options)
        fixed = probe.fixed_episodes
        probe.close()
        settings = AgentSettings(
            env=env,
            method=method,
            model=model,
            n=n,
            concurrency=concurrency,
            seed=seed,
            temperature=temperature,
            max_tokens=max_tokens,
            budgets=Budgets(max_steps, max_calls, max_depth, max_rewrites, max_retries),
            executor=ExecutorLimits(block_s=block_time),
            env_options=options,
        )
    except (UnknownName, EnvironmentOptionError, EnvironmentNotInstalled, ValueError) as exc:
        raise usage_error(str(exc)) from None
    if fixed is not None and n > fixed:
        raise usage_error(f"--episodes {n}: the {env} environment holds {fixed} games")
    chat_model = open_run_model(
        model,
        output_dir,
        base_url=base_url,
        api_key=api_key,
        concurrency=concurrency,
        request_timeout=request_timeout,
        no_cache=no_cache,
        replay=replay,
    )
    errors = stderr_console()
    try:
        with ExitStack() as stack:
            sandbox = (
                stack.enter_context(Sandbox(workers=concurrency))
                if agent_method.uses_sandbox
                else None
            )
            advance = stack.enter_context(progress_bar(errors, f"{env} · {method} · {model}", n))
            stack.enter_context(model_notices(errors))

            async def main() -> AgentReport:
                try:
                    return await run_agent(settings, chat_model, output_dir, sandbox, advance)
                finally:
                    await aclose_model(chat_model)

            try:
                report = asyncio.run(main())
            except ResumeMismatch as exc:
                raise usage_error(str(exc)) from None
    except KeyboardInterrupt:
        done = len(finished_episodes(output_dir))
        raise interrupted(
            f"{done} of {n} episodes are finished and kept in {output_dir / 'episodes.jsonl'}; "
            "rerun the same command to resume"
        ) from None
    stdout_console().print(verbatim(summary_table(report.summary)), soft_wrap=True)
    if report.resumed:
        errors.print(f"resumed: {report.resumed} episodes were already finished")
    status = EXIT_OK
    if report.aborted:
        errors.print(
            verbatim(
                f"stopped: {report.aborted}; finished episodes are kept in {output_dir}, "
                "rerun the same command to resume",
                "bold red",
            ),
            soft_wrap=True,
        )
        status = EXIT_FAILURE
    errors.print(verbatim(f"wrote {output_dir / 'episodes.jsonl'} and summary.json"))
    raise typer.Exit(status)


def _episodes(run_dir: Path) -> dict[str, dict[str, object]]:
    from execgym.agent import EPISODES_FILE, finished_episodes

    if not (run_dir / EPISODES_FILE).is_file():
        raise usage_error(f"no {EPISODES_FILE} in {run_dir}: not an agent run directory")
    return finished_episodes(run_dir)


@agent_app.command("show")
def show_command(
    run_dir: Annotated[Path, typer.Argument(help="A run directory of execgym agent run.")],
    episode: Annotated[str, typer.Argument(help="The episode's id (its index in the run).")],
) -> None:
    """Show one episode of a run.

    Its task and result, and for recode its expansion tree (each function's inputs, code,
    actions with their observations, errors and returned values); for the baselines, every
    model reply and action."""
    from execgym.agent import render_episode

    records = _episodes(run_dir)
    record = records.get(episode)
    if record is None:
        known = sorted(records, key=lambda key: (len(key), key))
        listed = f"{known[0]} to {known[-1]}" if known else "none"
        raise usage_error(f"no episode {episode!r} in {run_dir} (episodes: {listed})")
    stdout_console().print(render_episode(record), soft_wrap=True)


@agent_app.command("export")
def export_command(
    run_dir: Annotated[Path, typer.Argument(help="A run directory of execgym agent run.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="SFT JSONL file to write.")],
    min_reward: Annotated[
        float, typer.Option("--min-reward", help="Only episodes with at least this reward.")
    ] = 1.0,
) -> None:
    """Write a run's training data (SFT chat examples).

    One chat example (the prompt messages, then the reply) per kept model call of the
    episodes whose reward is at least --min-reward: for recode every expansion at every depth
    whose code held, for react every reply with an action, for codeact every block that ran
    without error."""
    from execgym._verbatim import verbatim
    from execgym.agent import export_sft

    _episodes(run_dir)
    try:
        report = export_sft(run_dir, min_reward, output)
    except OSError as exc:
        raise usage_error(f"cannot write {output}: {exc.strerror}") from None
    stderr_console().print(
        verbatim(
            f"wrote {report.examples} examples from {report.used} of {report.episodes} episodes "
            f"(reward >= {min_reward:g}) to {output}"
        )
    )
    raise typer.Exit(EXIT_OK)
