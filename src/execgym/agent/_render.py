"""An episode record for the terminal: ReCode's expansion tree, or a baseline's turns.

Everything a model or an environment wrote is shown verbatim (never read as markup, control
characters as escapes), long observations cut to one line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text
from rich.tree import Tree

from execgym._verbatim import visible

LINE = 160
STATUS_STYLE = {"completed": "green", "failed": "red", "interrupted": "yellow", "running": "yellow"}


def _line(text: str, limit: int = LINE) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _text(text: str, style: str = "") -> Text:
    return Text(visible(text), style=style)


def render_episode(record: Mapping[str, Any]) -> RenderableType:
    """A readable view of one episode record."""
    ended = record.get("end", "")
    detail = record.get("end_detail", "")
    result = "success" if record.get("success") else "failure"
    header = Text()
    header.append(
        f"Episode {record.get('id')} · {record.get('env')} · {record.get('method')} · "
        f"{record.get('task_type')}\n",
        style="bold",
    )
    header.append("Task: ")
    header.append(visible(str(record.get("instruction", ""))) + "\n")
    header.append(
        f"Result: {result}, reward {float(record.get('reward', 0.0)):g}, ended: {ended}"
        + (f" ({visible(str(detail))})" if detail else "")
        + f" · {record.get('steps', 0)} steps · {record.get('calls', 0)} model calls\n",
        style="green" if record.get("success") else "red",
    )
    for note in record.get("notes", []):
        header.append("note: " + visible(str(note)) + "\n", style="yellow")
    tree = record.get("tree")
    body = _tree(record, tree) if tree else _turns(record)
    return Group(header, body)


def _tree(record: Mapping[str, Any], tree: Mapping[str, Any]) -> Tree:
    nodes = {node["id"]: node for node in tree.get("nodes", [])}
    steps = record.get("trajectory", [])
    calls = record.get("model_calls", [])
    root = nodes[tree["root"]]
    view = Tree(_node_label(root))
    _fill(view, root, nodes, steps, calls)
    return view


def _node_label(node: Mapping[str, Any]) -> Text:
    label = _text(node["signature"], "bold")
    status = node.get("status", "")
    label.append(f"  [{status}]", style=STATUS_STYLE.get(status, ""))
    if node.get("failure"):
        label.append("  " + visible(_line(node["failure"])), style="red")
    return label


def _fill(
    view: Tree,
    node: Mapping[str, Any],
    nodes: Mapping[int, Mapping[str, Any]],
    steps: list[Mapping[str, Any]],
    calls: list[Mapping[str, Any]],
) -> None:
    for name, value in node.get("inputs", {}).items():
        view.add(_text(f"{name} ({value['type']}) = {_line(value['value'], 120)}", "cyan"))
    for rejected in node.get("rejected", []):
        view.add(_text(f"reply {rejected['source']} rejected: {_line(rejected['problem'])}", "red"))
    for number, attempt in enumerate(node.get("attempts", []), start=1):
        origin = "reused expansion" if attempt["reused"] else "expansion"
        heading = _text(
            f"run {number}: {origin} from model call {attempt['source']} → {attempt['outcome']}",
            STATUS_STYLE.get(attempt["outcome"], "red"),
        )
        branch = view.add(heading)
        if attempt.get("thought") and not attempt["reused"]:
            branch.add(_text("think: " + _line(attempt["thought"]), "dim"))
        branch.add(_text(attempt["code"].rstrip()))
        for index in attempt.get("steps", []):
            step = steps[index] if 0 <= index < len(steps) else None
            if step is not None:
                branch.add(_text(f"> {step['action']}  →  {_line(step['observation'])}"))
        if attempt.get("stdout", "").strip():
            branch.add(_text("printed: " + _line(attempt["stdout"]), "dim"))
        if attempt.get("error"):
            branch.add(_text(attempt["error"].rstrip(), "red"))
        for name, value in attempt.get("outputs", {}).items():
            branch.add(
                _text(f"returns {name} ({value['type']}) = {_line(value['value'], 120)}", "cyan")
            )
    for child_id in node.get("children", []):
        child = nodes.get(child_id)
        if child is not None:
            _fill(view.add(_node_label(child)), child, nodes, steps, calls)


def _turns(record: Mapping[str, Any]) -> Tree:
    view = Tree(Text("turns", style="bold"))
    for number, call in enumerate(record.get("model_calls", [])):
        branch = view.add(
            _text(
                f"model call {number}" + (f" ({call['note']})" if call.get("note") else ""),
                "bold" if call.get("kept") else "red",
            )
        )
        branch.add(_text(call.get("reply", "").rstrip()))
    actions = view.add(Text("actions", style="bold"))
    for step in record.get("trajectory", []):
        actions.add(_text(f"> {step['action']}  →  {_line(step['observation'])}"))
    return view
