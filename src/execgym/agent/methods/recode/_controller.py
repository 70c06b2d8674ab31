"""ReCode's controller: expand the plan depth first while the interpreter runs it.

The root ``solve(instruction, observation)`` is expanded first and its block sent to the
episode's sandboxed interpreter. While a block runs, the interpreter asks for what it needs,
and the controller answers, one message at a time:

* ``run``: one environment step; the observation goes back;
* ``call`` (a placeholder called): a child node with the call's arguments as its named
  inputs. Deeper than ``max_depth`` it is not expanded and fails at once. A name already
  expanded during the caller's current run is executed again with the new arguments (no
  model call); otherwise the model expands it (a reply without a usable block is asked
  again, with the problem, up to ``max_rewrites`` times) and its block runs in a fresh
  scope;
* ``done``: the node's block completed; its outputs went back to its caller;
* ``error``: the node's block failed. The model re-expands it with the code, its actions
  and the traceback, up to ``max_retries`` times; then the failure goes to the caller,
  whose block sees the placeholder raise where it called it (so the caller re-plans).

If the interpreter is lost (a block that would not stop, a crash), every open node's run is
aborted, a fresh interpreter starts and the root is re-expanded with the reason, within the
root's retries. The episode ends when the environment says done, a budget is spent, the
root's block completes (the plan ran out) or the root fails for good.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from execgym.agent._analysis import BlockAnalysis, BlockRules, InvalidBlock, analyse_block
from execgym.agent._episode import Episode, EpisodeEnd
from execgym.agent._executor import Interpreter, InterpreterLost, abandon, start_soon
from execgym.agent._replies import ReplyProblem, parse_code_reply
from execgym.agent.methods.recode._prompt import expand_prompt, rewrite_prompt
from execgym.agent.methods.recode._tree import OUTCOMES_KEPT, Attempt, Definition, Node
from execgym.llm import ChatMessage, ModelRequestError

RULES = BlockRules(placeholders=True, definitions=False)


@dataclass(frozen=True)
class _Expansion:
    analysis: BlockAnalysis
    source: int
    thought: str


class _PlanOver(Exception):
    """The root's block completed or failed for good (the episode's end is recorded)."""


class ReCodeController:
    """Plays one episode with ReCode (see the module docs)."""

    def __init__(self, episode: Episode, environment: str) -> None:
        self.episode = episode
        self.environment = environment
        self.nodes: list[Node] = []
        self.stack: list[Node] = []
        self.interpreter: Interpreter | None = None

    async def play(self) -> dict[str, Any]:
        start = self.episode.start
        root = self._node(
            None,
            "solve",
            (),
            ("instruction", "observation"),
            (),
            {
                "instruction": {"type": "str", "value": start.instruction},
                "observation": {"type": "str", "value": start.observation},
            },
            "solve(instruction, observation)",
        )
        try:
            await self._run_root(root)
        except EpisodeEnd as end:
            self.episode.finish(end.reason, end.detail)
            self._close_open_runs("interrupted", "")
        except _PlanOver:
            pass
        except ModelRequestError as exc:
            self.episode.finish("model_rejected", str(exc))
            self._close_open_runs("interrupted", "")
        finally:
            if self.interpreter is not None:
                await self.interpreter.close()
        self._mark_kept()
        return {"root": root.id, "nodes": [node.as_json() for node in self.nodes]}

    # ---- the root and the interpreter ------------------------------------------------
    async def _run_root(self, root: Node) -> None:
        sandbox = self.episode.sandbox
        assert sandbox is not None, "ReCode runs model code: the episode needs a sandbox"
        start = self.episode.start
        inputs = {"instruction": start.instruction, "observation": start.observation}
        while True:
            # The interpreter starts while the model writes the root's block.
            starting = start_soon(sandbox, self.episode.executor, inputs)
            try:
                expansion = await self._expand(root)
                if expansion is None:
                    self._fail_root(root, "no usable code for solve")
            except BaseException:
                await abandon(starting)
                raise
            self.interpreter = await starting
            self.stack = [root]
            await self._execute(root, expansion, reused=False)
            try:
                await self._serve(self.interpreter)
            except InterpreterLost as exc:
                reason = f"the interpreter was stopped and restarted: {exc}"
                self.episode.notes.append(reason)
                innermost = self.stack[-1].name if self.stack else "solve"
                self._close_open_runs("aborted", f"{reason} (while {innermost} ran)")
                for node in self.stack[1:]:
                    node.status, node.failure = "failed", reason
                self.stack = []
                self.interpreter = None
                if root.retries >= self.episode.budgets.max_retries:
                    self._fail_root(root, reason, end="interpreter_lost")
                root.retries += 1
                root.status = "running"

    def _fail_root(self, root: Node, why: str, end: str = "failed") -> NoReturn:
        root.status, root.failure = "failed", why
        self.episode.finish(end, why)
        raise _PlanOver

    async def _serve(self, interpreter: Interpreter) -> None:
        while True:
            message = await interpreter.receive()
            node = self.stack[-1]
            op = message["op"]
            if op == "run":
                observation = await self.episode.act(message["action"], node.id)
                node.attempts[-1].steps.append(len(self.episode.steps) - 1)
                await interpreter.send({"op": "observation", "text": observation})
            elif op == "call":
                await self._call(node, message)
            elif op == "done":
                attempt = node.attempts[-1]
                attempt.outcome, attempt.stdout = "completed", message["stdout"]
                attempt.outputs = message["outputs"]
                node.status = "completed"
                self.stack.pop()
                if not self.stack:
                    self.episode.finish("finished", "solve completed before the task was done")
                    raise _PlanOver
            elif op == "error":
                await self._error(node, message)
            else:
                raise InterpreterLost(f"protocol: an unexpected {op} message")

    # ---- nodes -------------------------------------------------------------------------
    def _node(
        self,
        parent: Node | None,
        name: str,
        params: tuple[str, ...],
        keywords: tuple[str, ...],
        outputs: tuple[str, ...],
        inputs: dict[str, dict[str, str]],
        call: str,
    ) -> Node:
        node = Node(
            id=len(self.nodes),
            parent=parent.id if parent is not None else None,
            depth=parent.depth + 1 if parent is not None else 0,
            name=name,
            params=params,
            keywords=keywords,
            outputs=outputs,
            inputs=inputs,
            call=call,
        )
        self.nodes.append(node)
        if parent is not None:
            parent.children.append(node.id)
        return node

    async def _call(self, parent: Node, message: dict[str, Any]) -> None:
        assert self.interpreter is not None
        name = str(message["name"])
        args, kwargs = list(message["args"]), dict(message["kwargs"])
        sites = parent.analysis.sites if parent.analysis is not None else ()
        index = message["site"]
        site = sites[index] if 0 <= index < len(sites) and sites[index].name == name else None
        definition = parent.definitions.get(name)
        if definition is not None:
            params, outputs = definition.params, definition.outputs
        elif site is not None:
            params, outputs = site.params, site.outputs
        else:
            params, outputs = tuple(f"arg{i}" for i in range(1, len(args) + 1)), ("result",)
        inputs = dict(zip(params, args, strict=False))
        inputs.update(kwargs)
        call = site.text if site is not None else f"{name}(...)"
        child = self._node(parent, name, params, tuple(kwargs), outputs, inputs, call)
        self.stack.append(child)
        limit = self.episode.budgets.max_depth
        if child.depth > limit:
            await self._give_up(
                child,
                f"{name} was not expanded: the plan is already {limit} levels deep; "
                "perform the actions with run() instead",
            )
            return
        if definition is not None:
            again = _Expansion(definition.analysis, definition.source, definition.thought)
            await self._execute(child, again, reused=True)
            return
        expansion = await self._expand(child)
        if expansion is None:
            await self._give_up(child, f"{name} could not be implemented: no usable code")
            return
        parent.definitions[name] = Definition(
            expansion.analysis, expansion.source, expansion.thought, params, outputs
        )
        await self._execute(child, expansion, reused=False)

    async def _error(self, node: Node, message: dict[str, Any]) -> None:
        attempt = node.attempts[-1]
        error = message["error"]
        attempt.outcome, attempt.stdout = "error", message["stdout"]
        attempt.error = error["traceback"] or f"{error['type']}: {error['message']}"
        if node.retries < self.episode.budgets.max_retries:
            node.retries += 1
            expansion = await self._expand(node)
            if expansion is not None:
                parent = self.nodes[node.parent] if node.parent is not None else None
                if parent is not None:
                    parent.definitions[node.name] = Definition(
                        expansion.analysis,
                        expansion.source,
                        expansion.thought,
                        node.params,
                        node.outputs,
                    )
                await self._execute(node, expansion, reused=False)
                return
        summary = f"{error['type']}: {error['message']}"
        if node.parent is None:
            self.stack.pop()
            self._fail_root(node, f"solve failed: {summary}")
        await self._give_up(node, f"{node.name} failed: {summary}")

    async def _give_up(self, node: Node, why: str) -> None:
        """``node`` fails: the placeholder raises in its caller's block."""
        assert self.interpreter is not None
        node.status, node.failure = "failed", why
        self.stack.pop()
        await self.interpreter.send({"op": "fail", "message": why})

    # ---- expanding and running ---------------------------------------------------------
    async def _expand(self, node: Node) -> _Expansion | None:
        """Ask the model to implement ``node``; ``None`` when no reply was usable."""
        prompt = expand_prompt(
            node, self.episode.env.actions(), self.environment, self.episode.steps
        )
        messages: list[ChatMessage] = [{"role": "user", "content": prompt}]
        for _ in range(self.episode.budgets.max_rewrites + 1):
            call = await self.episode.ask(messages, node.id)
            source = len(self.episode.calls) - 1
            try:
                reply = parse_code_reply(call.reply)
                analysis = analyse_block(reply.code, node.scope, RULES)
            except (ReplyProblem, InvalidBlock) as problem:
                call.note = f"rejected: {problem}"
                node.rejected.append({"source": source, "problem": str(problem)})
                messages = [
                    *messages,
                    {"role": "assistant", "content": call.reply},
                    {"role": "user", "content": rewrite_prompt(str(problem))},
                ]
                continue
            return _Expansion(analysis, source, reply.thought)
        return None

    async def _execute(self, node: Node, expansion: _Expansion, *, reused: bool) -> None:
        assert self.interpreter is not None
        analysis = expansion.analysis
        node.attempts.append(Attempt(expansion.source, analysis.code, expansion.thought, reused))
        node.analysis = analysis
        node.definitions = {}
        node.status = "running"
        await self.interpreter.send(
            {
                "op": "exec",
                "name": node.name,
                "code": analysis.code,
                "sites": [site.as_message() for site in analysis.sites],
                "params": list(node.params),
                "outputs": list(node.outputs),
                "limit_s": self.episode.executor.block_s,
            }
        )

    # ---- bookkeeping -------------------------------------------------------------------
    def _close_open_runs(self, outcome: str, error: str) -> None:
        for node in self.stack:
            if node.attempts and node.attempts[-1].outcome == "running":
                node.attempts[-1].outcome = outcome
                node.attempts[-1].error = error
            if node.status == "running":
                node.status = "interrupted" if outcome == "interrupted" else "failed"

    def _mark_kept(self) -> None:
        """A model call is kept for training when its code was accepted and every run of it
        completed or was cut short by the episode's end."""
        runs: dict[int, list[str]] = {}
        for node in self.nodes:
            for attempt in node.attempts:
                runs.setdefault(attempt.source, []).append(attempt.outcome)
        for index, call in enumerate(self.episode.calls):
            outcomes = runs.get(index)
            call.kept = bool(outcomes) and all(o in OUTCOMES_KEPT for o in outcomes or ())
