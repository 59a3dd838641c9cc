"""Call scheduling: first drafts before repairs under a slot limit, on threads, async,
and across worker processes."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from drafter.drafting import adraft_many, draft_many, pipeline
from drafter.drafting.backend import ProseStep
from drafter.drafting.procs import shutdown_pools, split_slots
from drafter.drafting.schedule import CallGate, call_priority
from drafter.model.config import ModelConfig
from drafter.model.providers import clear_built_models
from drafter.profile import Profile
from drafter.schemas import Brief, Finding, Report, report_id_for
from drafter.testing import BackendCall, Reply, ScriptedBackend, Step, StubRequest, StubServer
from tests.drafting.test_pipeline import FABRICATED_35, GOOD_PROSE, real_report

LATENCY = 0.03  # the scripted model's answer time: far above the scheduler's own work


def make_report(i: int) -> Report:
    text = f"5月{i + 1}日，第{i}区科协召开科普工作推进会，{10 + i}个街道科协负责人参加。"
    return Report(id=report_id_for(text), text=text, org_short=f"第{i}区科协", kind="district")


class LatencyModel(ScriptedBackend):
    """Answers after :data:`LATENCY`; facts are found locally (as for a short report);
    the first draft of a report in ``bad`` fails a gate once. Records the calls made
    and the most in flight at once."""

    def __init__(self, bad: set[int]) -> None:
        super().__init__(responder=self._respond, model_name="latency")
        self.bad = bad
        self.order: list[tuple[str, int]] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0

    def answers_locally(self, step: str, report: Report) -> bool:
        return step == "facts"

    def _respond(self, call: BackendCall) -> Step | None:
        i = int(call.report.text.split("第")[1].split("区")[0])
        if call.kind == "facts":
            return Step.facts()  # local: no slot, not a model call
        with self.lock:
            self.order.append((call.kind, i))
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            threading.Event().wait(LATENCY)
            body = call.report.text + ("坏" if call.kind == "prose" and i in self.bad else "")
            answer = ProseStep(headline=f"第{i}区科协召开推进会", paragraphs=[body])
            return Step.prose(answer) if call.kind == "prose" else Step.repair(answer)
        finally:
            with self.lock:
                self.in_flight -= 1


@pytest.fixture
def flag_bad_prose(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The gates find an error in prose containing 坏, and nothing else."""

    def gate(brief: Brief, report: Report, profile: Profile) -> tuple[Brief, list[Finding]]:
        if any("坏" in p for p in brief.paragraphs):
            return brief, [Finding(rule="guard.test", severity="error", message="坏")]
        return brief, []

    monkeypatch.setattr(pipeline, "gate", gate)
    yield


EXPECTED = [("prose", 0), ("prose", 1), ("prose", 2), ("prose", 3), ("repair", 0)]


@pytest.mark.usefixtures("flag_bad_prose")
def test_threads_send_every_first_draft_before_a_repair(profile: Profile) -> None:
    model = LatencyModel(bad={0})
    main = threading.current_thread()
    called_in: list[threading.Thread] = []
    items = draft_many(
        [make_report(i) for i in range(4)], jobs=1, profile=profile, backend=model,
        on_result=lambda item: called_in.append(threading.current_thread()),
    )  # fmt: skip
    # One slot: report 0's repair, known after its first draft, waits for the others'
    # first drafts (a brief furthest along first would have sent it second).
    assert model.order == EXPECTED
    assert [it.status for it in items] == ["ready"] * 4
    assert items[0].brief is not None and items[0].brief.provenance.attempts == 2
    assert called_in == [main] * 4


@pytest.mark.usefixtures("flag_bad_prose")
def test_async_sends_every_first_draft_before_a_repair(profile: Profile) -> None:
    model = LatencyModel(bad={0})
    items = asyncio.run(
        adraft_many([make_report(i) for i in range(4)], jobs=1, profile=profile, backend=model)
    )
    assert model.order == EXPECTED
    assert [it.status for it in items] == ["ready"] * 4


@pytest.mark.usefixtures("flag_bad_prose")
def test_threads_keep_calls_in_flight_within_jobs_and_use_them(profile: Profile) -> None:
    model = LatencyModel(bad={1, 4})
    items = draft_many([make_report(i) for i in range(12)], jobs=3, profile=profile, backend=model)
    assert [it.status for it in items] == ["ready"] * 12
    assert model.peak == 3  # the slots are used, never exceeded
    assert len(model.order) == 14
    # Every first draft went out before either repair.
    assert [k for k, _ in model.order[-2:]] == ["repair", "repair"]


def test_the_order_is_facts_then_drafts_then_repairs_then_input_order() -> None:
    order = sorted(
        [("repair", 0), ("prose", 7), ("facts", 9), ("prose", 2)],
        key=lambda c: call_priority(*c),
    )
    assert order == [("facts", 9), ("prose", 2), ("prose", 7), ("repair", 0)]


def test_the_async_gate_hands_a_free_slot_to_the_lowest_priority() -> None:
    async def run() -> list[str]:
        gate = CallGate(1)
        order: list[str] = []
        await gate.acquire(call_priority("prose", 0))

        async def wait(name: str, step: str, rank: int) -> None:
            await gate.acquire(call_priority(step, rank))
            order.append(name)
            gate.release()

        tasks = [
            asyncio.create_task(wait("repair 1", "repair", 1)),
            asyncio.create_task(wait("draft 5", "prose", 5)),
            asyncio.create_task(wait("facts 9", "facts", 9)),
        ]
        await asyncio.sleep(0)
        gate.release()
        await asyncio.gather(*tasks)
        return order

    assert asyncio.run(run()) == ["facts 9", "draft 5", "repair 1"]


# -- through the real client: the slot is held on the wire only -------------------------


class WireLog:
    """The stub's view: which brief's draft or repair arrived, in order, and the most
    requests in flight at once. Report 0's first draft invents a number (a repair)."""

    def __init__(self) -> None:
        self.order: list[tuple[str | None, int]] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0

    def __call__(self, request: StubRequest) -> dict[str, Any]:
        i = int(request.text.rsplit("这是第", 1)[1].split("份")[0])
        with self.lock:
            first = (request.prompt_id, i) not in self.order
            self.order.append((request.prompt_id, i))
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            threading.Event().wait(LATENCY)
            bad = request.prompt_id == "write_prose" and i == 0 and first
            return FABRICATED_35 if bad else GOOD_PROSE
        finally:
            with self.lock:
                self.in_flight -= 1


def wire_reports(n: int) -> list[Report]:
    base = real_report()
    out = []
    for i in range(n):
        text = base.text + f"\n\n这是第{i}份材料。"
        out.append(base.model_copy(update={"text": text, "id": report_id_for(text)}))
    return out


WIRE_EXPECTED = [("write_prose", i) for i in range(4)] + [("repair_prose", 0)]


@pytest.mark.parametrize("path", ["threads", "async"])
def test_the_wire_gets_every_first_draft_before_a_repair(profile: Profile, path: str) -> None:
    log = WireLog()
    clear_built_models()
    try:
        with StubServer(responder=log) as stub:
            config = ModelConfig.resolve(
                model="stub-model", base_url=stub.base_url, api_key="test-key-not-secret",
                cache=False, max_retries=0, timeout=20.0,
            )  # fmt: skip
            reports = wire_reports(4)
            if path == "threads":
                items = draft_many(reports, jobs=1, profile=profile, config=config)
            else:
                items = asyncio.run(adraft_many(reports, jobs=1, profile=profile, config=config))
    finally:
        clear_built_models()
    # Drafts built side by side reach a free wire in any order; the repair, known only
    # when report 0's draft returned, waits for every first draft.
    assert sorted(log.order[:4]) == WIRE_EXPECTED[:4]
    assert log.order[4:] == WIRE_EXPECTED[4:]
    assert log.peak == 1  # requests were built meanwhile, but one at a time on the wire
    assert [it.status for it in items] == ["ready"] * 4


def test_the_wire_is_used_up_to_jobs_and_no_further(profile: Profile) -> None:
    log = WireLog()
    clear_built_models()
    try:
        with StubServer(responder=log) as stub:
            config = ModelConfig.resolve(
                model="stub-model", base_url=stub.base_url, api_key="test-key-not-secret",
                cache=False, max_retries=0, timeout=20.0,
            )  # fmt: skip
            items = draft_many(wire_reports(9), jobs=3, profile=profile, config=config)
    finally:
        clear_built_models()
    assert [it.status for it in items] == ["ready"] * 9
    assert log.peak == 3
    assert log.order[-1] == ("repair_prose", 0)


def test_each_brief_keeps_its_own_deadline_across_worker_threads(profile: Profile) -> None:
    def respond(request: StubRequest) -> Reply | dict[str, Any]:
        return Reply.hang(30) if "这是第0份" in request.text else GOOD_PROSE

    clear_built_models()
    try:
        with StubServer(responder=respond) as stub:
            config = ModelConfig.resolve(
                model="stub-model", base_url=stub.base_url, api_key="test-key-not-secret",
                cache=False, max_retries=3, timeout=60.0,
            ).model_copy(update={"deadline": 1.0})  # fmt: skip
            items = draft_many(wire_reports(3), jobs=2, profile=profile, config=config)
    finally:
        clear_built_models()
    assert [it.status for it in items] == ["failed", "ready", "ready"]
    # The hanging brief's own deadline stopped it (not 60 s × 4 tries); the others,
    # whose calls ran on the same worker threads, were not under it.
    assert "1 秒时限" in (items[0].error or "") and "已发出 1 次请求" in (items[0].error or "")
    assert "用时 1.0 秒" in (items[0].error or "")


# -- processes ------------------------------------------------------------------------


def test_slots_are_split_over_the_workers() -> None:
    assert split_slots(8, 2) == [4, 4]
    assert split_slots(5, 2) == [3, 2]
    assert split_slots(2, 4) == [1, 1]  # never a worker without a slot


def test_draft_many_over_two_processes(profile: Profile) -> None:
    answers = {"headline": "第区科协召开推进会", "paragraphs": ["街道科协负责人参加了推进会。"]}

    def respond(request: Any) -> dict[str, Any]:
        # Each brief's own text, so that it is faithful to its report.
        text = request.messages[-1]["content"]
        line = next(ln for ln in text.splitlines() if "推进会" in ln and "月" in ln)
        return {**answers, "paragraphs": [line.strip()]}

    reports = [make_report(i) for i in range(6)]
    seen: list[str] = []
    clear_built_models()
    try:
        with StubServer(responder=respond) as stub:
            config = ModelConfig.resolve(
                model="stub-model", base_url=stub.base_url, api_key="test-key-not-secret",
                cache=False, max_retries=0, timeout=20.0,
            )  # fmt: skip
            items = draft_many(
                reports, jobs=2, processes=2, profile=profile, config=config,
                on_result=lambda item: seen.append(item.source),
            )  # fmt: skip
            asked = [r.messages[-1]["content"] for r in stub.requests]
    finally:
        shutdown_pools()
        clear_built_models()
    assert [it.report.id for it in items if it.report] == [r.id for r in reports]
    assert all(it.brief is not None for it in items), [it.error for it in items]
    assert [it.brief.source_id for it in items if it.brief] == [r.id for r in reports]
    # Every report was drafted exactly once (the workers split them), and the calls the
    # briefs account for are the requests the stub received.
    assert all(sum(r.text in a for a in asked) >= 1 for r in reports)
    assert sum(it.brief.provenance.calls for it in items if it.brief) == len(asked)
    assert sorted(seen) == sorted(it.source for it in items)
