"""``flows/<id>.yml``: guided resolution flows, short decision trees.

```yaml
title: Item not received
summary: Find out what to do when a parcel hasn't arrived.
audience: buyers
start: delivery-date
steps:
  - id: delivery-date
    question: Has the latest estimated delivery date passed?
    answers:
      - {label: "Yes", next: tracking}
      - {label: "Not yet", next: wait}
results:
  - id: wait
    title: Give it until the latest estimated date
    text: Parcels often arrive on the last day of the estimate.
    links: [../shipping/tracking-a-parcel.md]
    channel: chat
```
Links are relative to the flow file, like any Markdown link.
"""

from __future__ import annotations

from pathlib import Path

from ..constants import AUDIENCES
from . import slugs
from .diagnostics import Report, did_you_mean
from .links import LinkError, Resolver
from .model import Flow, FlowAnswer, FlowResult, FlowStep, HelpCenter
from .yamlfile import read_data_file

FLOWS_DIR = "flows"
FLOW_KEYS = ("title", "summary", "audience", "start", "steps", "results")
STEP_KEYS = ("id", "question", "help", "answers")
RESULT_KEYS = ("id", "title", "text", "links", "channel")


def load_flows(docs_dir: Path, report: Report) -> list[Flow]:
    folder = docs_dir / FLOWS_DIR
    if not folder.is_dir():
        return []
    flows = []
    for path in sorted(folder.glob("*.yml")):
        flow = _load(path, docs_dir, report)
        if flow is not None:
            flows.append(flow)
    return flows


def _label(value) -> str:
    if isinstance(value, bool):  # YAML reads a bare Yes/No as a boolean
        return "Yes" if value else "No"
    return str(value or "").strip()


def _load(path: Path, docs_dir: Path, report: Report) -> Flow | None:  # noqa: C901 reshaped in the page-kind/validation work (declared fields, small rule functions)
    parsed = read_data_file(path, report, docs_dir)
    if parsed is None:
        return None
    data, line = parsed
    if not slugs.is_id(path.stem):
        report.error(path, 1, f"flow file name '{path.name}' must be lowercase words joined by hyphens")
        return None
    if not isinstance(data, dict):
        report.error(path, 1, "a flow must be a mapping with title, start, steps and results")
        return None
    report.unknown_keys(path, data, FLOW_KEYS, "a flow", line)
    title = str(data.get("title") or "").strip()
    if not title:
        report.error(path, 1, "missing required 'title'")
    audience = data.get("audience", "everyone")
    if audience not in AUDIENCES:
        report.error(path, line("audience"), f"unknown audience '{audience}'; use one of {', '.join(AUDIENCES)}")
    flow = Flow(
        id=path.stem,
        path=path,
        title=title,
        summary=str(data.get("summary") or ""),
        audience=audience if audience in AUDIENCES else "everyone",
        start=str(data.get("start") or ""),
    )
    seen: dict[str, int] = {}

    def node_id(value, where: tuple) -> str | None:
        if not slugs.is_id(value):
            report.error(path, line(*where), f"'id' must be a short lowercase name (got {value!r})")
            return None
        if value in seen:
            report.error(path, line(*where), f"duplicate id '{value}' (first on line {seen[value]})")
            return None
        seen[value] = line(*where)
        return value

    for i, raw_step in enumerate(data.get("steps") or []):
        if not isinstance(raw_step, dict):
            report.error(path, line("steps", i), "a step must be a mapping with id, question and answers")
            continue
        report.unknown_keys(path, raw_step, STEP_KEYS, "a step", lambda key, i=i: line("steps", i, key))
        sid = node_id(raw_step.get("id"), ("steps", i, "id"))
        question = str(raw_step.get("question") or "").strip()
        if not question:
            report.error(path, line("steps", i), "a step needs a 'question'")
        answers = []
        for j, answer in enumerate(raw_step.get("answers") or []):
            if not isinstance(answer, dict) or not _label(answer.get("label")) or not answer.get("next"):
                report.error(path, line("steps", i, "answers", j), "an answer needs a 'label' and a 'next'")
                continue
            answers.append(FlowAnswer(_label(answer["label"]), str(answer["next"])))
        if len(answers) < 2:
            report.error(path, line("steps", i), "a step needs at least two answers")
        if sid and question:
            flow.steps.append(FlowStep(sid, question, str(raw_step.get("help") or ""), answers))
    for i, raw_result in enumerate(data.get("results") or []):
        if not isinstance(raw_result, dict):
            report.error(path, line("results", i), "a result must be a mapping with id and title")
            continue
        report.unknown_keys(path, raw_result, RESULT_KEYS, "a result", lambda key, i=i: line("results", i, key))
        rid = node_id(raw_result.get("id"), ("results", i, "id"))
        rtitle = str(raw_result.get("title") or "").strip()
        if not rtitle:
            report.error(path, line("results", i), "a result needs a 'title'")
        links = []
        for link in raw_result.get("links") or []:
            if isinstance(link, dict) and len(link) == 1:
                label, target = next(iter(link.items()))
            else:
                label, target = "", link
            links.append((str(label), str(target)))
        if rid and rtitle:
            flow.results.append(
                FlowResult(rid, rtitle, str(raw_result.get("text") or ""), links, raw_result.get("channel"))
            )
    if not flow.results:
        report.error(path, line("results"), "a flow needs at least one result")
    flow.lines = line  # for check_references
    return flow if title else None


def check_references(center: HelpCenter, report: Report) -> None:
    """Answers lead somewhere, results name real pages and channels, no loops."""
    resolver = Resolver(center)
    for flow in center.flows:
        ids = {n.id for n in [*flow.steps, *flow.results]}
        if flow.start not in ids:
            report.error(
                flow.path,
                flow.lines("start"),
                f"'start' must name a step (got {flow.start!r}){did_you_mean(flow.start, ids)}",
            )
        _check_answers(flow, ids, report)
        for i, result in enumerate(flow.results):
            _check_links(flow, i, result, resolver, report)
            _check_channel(flow, i, result, center, report)
        if flow.start in ids:
            _check_paths(flow, report)


def _check_answers(flow: Flow, ids: set[str], report: Report) -> None:
    for i, step in enumerate(flow.steps):
        for j, answer in enumerate(step.answers):
            if answer.next not in ids:
                report.error(
                    flow.path,
                    flow.lines("steps", i, "answers", j),
                    f"answer '{answer.label}' leads to unknown '{answer.next}'{did_you_mean(answer.next, ids)}",
                )


def _check_links(flow: Flow, i: int, result: FlowResult, resolver: Resolver, report: Report) -> None:
    for j, (_label, target) in enumerate(result.links):
        try:
            resolver.resolve(flow.src, target)
        except LinkError as exc:
            report.error(flow.path, flow.lines("results", i, "links", j), str(exc))


def label_links(center: HelpCenter, today=None) -> None:
    """A result link without a label gets its page's title (or the link as written)."""
    resolver = Resolver(center)
    for flow in center.flows:
        for result in flow.results:
            for j, (label, target) in enumerate(result.links):
                if label:
                    continue
                try:
                    resolved = resolver.resolve(flow.src, target)
                except LinkError:
                    continue  # reported by check_references
                if resolved is not None:
                    page = resolver.pages.get(resolved.src) if not resolved.anchor else None
                    result.links[j] = (getattr(page, "title", "") or target, target)


def _check_channel(flow: Flow, i: int, result: FlowResult, center: HelpCenter, report: Report) -> None:
    contact = center.contact
    if result.channel is None or (contact is not None and contact.channel(str(result.channel)) is not None):
        return
    known = [c.id for c in contact.channels] if contact else []
    report.error(
        flow.path,
        flow.lines("results", i, "channel"),
        f"unknown channel '{result.channel}'{did_you_mean(str(result.channel), known)}"
        + ("" if contact else "; add it to contact.yml"),
    )


def _check_paths(flow: Flow, report: Report) -> None:
    """No loops; a warning for every step or result the start never leads to."""
    if _has_cycle(flow):
        report.error(
            flow.path, flow.lines("steps"), "the answers go round in a circle; a flow must always move on to a result"
        )
    reachable = _reachable(flow)
    for node in [*flow.steps, *flow.results]:
        if node.id not in reachable:
            report.warning(flow.path, 1, f"'{node.id}' is never reached from '{flow.start}'")


def _reachable(flow: Flow) -> set[str]:
    seen, todo = set(), [flow.start]
    while todo:
        node = flow.node(todo.pop())
        if node is None or node.id in seen:
            continue
        seen.add(node.id)
        if isinstance(node, FlowStep):
            todo.extend(a.next for a in node.answers)
    return seen


def _has_cycle(flow: Flow) -> bool:
    visiting, done = set(), set()

    def visit(node_id: str) -> bool:
        if node_id in done:
            return False
        if node_id in visiting:
            return True
        visiting.add(node_id)
        node = flow.node(node_id)
        if isinstance(node, FlowStep) and any(visit(a.next) for a in node.answers):
            return True
        visiting.discard(node_id)
        done.add(node_id)
        return False

    return visit(flow.start)
