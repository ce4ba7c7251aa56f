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
from . import fields as f
from . import slugs
from .diagnostics import Report, did_you_mean
from .languages import is_translation
from .links import LinkError, Resolver
from .model import Flow, FlowAnswer, FlowResult, FlowStep, HelpCenter
from .yamlfile import Lines, read_data_file

FLOWS_DIR = "flows"
_ID = "'id' must be a short lowercase name (got {value!r})"
FLOW = {
    "title": f.Str(strip=True, help="required: what the flow helps with"),
    "summary": f.Str(),
    "audience": f.Choice(choices=AUDIENCES, what="audience", suggest=False, default="everyone"),
    "start": f.Str(help="the id of the first step"),
    "steps": f.List(default=list, blank=True, message="'steps' must be a list of steps"),
    "results": f.List(default=list, blank=True, message="'results' must be a list of results"),
    "translates": f.Field(default="", help="a translation (<id>.de.yml): the source's version"),
}
STEP = {
    "id": f.Id(required=True, message=_ID),
    "question": f.Str(strip=True, help="required"),
    "help": f.Str(),
    "answers": f.List(default=list, blank=True, message="'answers' must be a list of {label, next}"),
}
RESULT = {
    "id": f.Id(required=True, message=_ID),
    "title": f.Str(strip=True, help="required"),
    "text": f.Str(),
    "links": f.List(
        default=list,
        blank=True,
        message="'links' must be a list of links (relative to the flow file, or {label: link})",
    ),
    "channel": f.Field(help="a channel of contact.yml"),
}


def load_flows(docs_dir: Path, report: Report) -> list[Flow]:
    folder = docs_dir / FLOWS_DIR
    if not folder.is_dir():
        return []
    flows = []
    for path in sorted(p for p in folder.glob("*.yml") if not is_translation(p.name)):
        flow = _load(path, docs_dir, report)
        if flow is not None:
            flows.append(flow)
    return flows


def _label(value) -> str:
    if isinstance(value, bool):  # YAML reads a bare Yes/No as a boolean
        return "Yes" if value else "No"
    return str(value or "").strip()


class _Reader:
    """One flow file being read: its path, lines and the ids seen so far."""

    def __init__(self, path: Path, line: Lines, report: Report):
        self.path, self.line, self.report = path, line, report
        self.seen: dict[str, int] = {}

    def error(self, where: tuple, message: str, key: str | None = None) -> None:
        self.report.error(self.path, self.line(*where), message, key)

    def check(self, raw: dict, declared: dict, what: str, where: tuple) -> f.Checked:
        """Declared keys; unknown keys name their key, bad values are reported at theirs."""
        checked = f.check(raw, declared, what)
        for problem in checked.problems:
            key = problem.key if problem.kind == f.UNKNOWN else None
            self.error((*where, problem.key), problem.message, key)
        return checked

    def node_id(self, checked: f.Checked, where: tuple) -> str | None:
        """The step's or result's id, unless refused or already used."""
        value = checked.values.get("id")
        if value is None:
            return None
        if value in self.seen:
            self.error((*where, "id"), f"duplicate id '{value}' (first on line {self.seen[value]})")
            return None
        self.seen[value] = self.line(*where, "id")
        return value


def _load(path: Path, docs_dir: Path, report: Report) -> Flow | None:
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
    reader = _Reader(path, line, report)
    checked = reader.check(data, FLOW, "a flow", ())
    title = checked.get("title")
    if not title:
        report.error(path, 1, "missing required 'title'")
    flow = Flow(
        id=path.stem,
        path=path,
        title=title,
        summary=checked.get("summary"),
        audience=checked.get("audience"),
        start=checked.get("start"),
    )
    flow.steps = [s for i, raw in enumerate(checked.get("steps")) if (s := _step(raw, i, reader))]
    flow.results = [r for i, raw in enumerate(checked.get("results")) if (r := _result(raw, i, reader))]
    if not flow.results:
        report.error(path, line("results"), "a flow needs at least one result")
    flow.lines = line  # for check_references
    return flow if title else None


def _step(raw, i: int, reader: _Reader) -> FlowStep | None:
    where = ("steps", i)
    if not isinstance(raw, dict):
        reader.error(where, "a step must be a mapping with id, question and answers")
        return None
    checked = reader.check(raw, STEP, "a step", where)
    sid = reader.node_id(checked, where)
    question = checked.get("question")
    if not question:
        reader.error(where, "a step needs a 'question'")
    answers = []
    for j, answer in enumerate(checked.get("answers")):
        if not isinstance(answer, dict) or not _label(answer.get("label")) or not answer.get("next"):
            reader.error((*where, "answers", j), "an answer needs a 'label' and a 'next'")
            continue
        answers.append(FlowAnswer(_label(answer["label"]), str(answer["next"])))
    if len(answers) < 2:
        reader.error(where, "a step needs at least two answers")
    return FlowStep(sid, question, checked.get("help"), answers) if sid and question else None


def _result(raw, i: int, reader: _Reader) -> FlowResult | None:
    where = ("results", i)
    if not isinstance(raw, dict):
        reader.error(where, "a result must be a mapping with id and title")
        return None
    checked = reader.check(raw, RESULT, "a result", where)
    rid = reader.node_id(checked, where)
    title = checked.get("title")
    if not title:
        reader.error(where, "a result needs a 'title'")
    if not (rid and title):
        return None
    links = []
    for link in checked.get("links"):
        label, target = next(iter(link.items())) if isinstance(link, dict) and len(link) == 1 else ("", link)
        links.append((str(label), str(target)))
    return FlowResult(rid, title, checked.get("text"), links, checked.get("channel"))


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
