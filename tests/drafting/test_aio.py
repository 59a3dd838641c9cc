"""Async drafting: adraft / adraft_many through the real ChatOpenAI against the stub."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from drafter.drafting import adraft, adraft_many, draft
from drafter.drafting.backend import ProseStep
from drafter.model.config import ModelConfig
from drafter.model.providers import clear_built_models
from drafter.profile import Profile
from drafter.schemas import Report
from drafter.testing import Reply, ScriptedBackend, Step, StubRequest, StubServer
from tests.drafting.test_pipeline import FABRICATED_35, FACTS_JSON, GOOD_PROSE, real_report


@pytest.fixture(autouse=True)
def _fresh_clients() -> Iterator[None]:
    clear_built_models()
    yield
    clear_built_models()


def config_for(stub: StubServer, **update: Any) -> ModelConfig:
    return ModelConfig.resolve(
        model="stub-model",
        base_url=stub.base_url,
        api_key="test-key-not-secret",
        cache=False,
        max_retries=0,
        timeout=10.0,
    ).model_copy(update=update)


def variant(i: int) -> Report:
    report = real_report()
    text = report.text + f"\n\n这是第{i}份材料。"
    return report.model_copy(update={"text": text, "id": f"r{i}"})


def test_adraft_matches_draft(profile: Profile) -> None:
    with StubServer(responder=lambda r: GOOD_PROSE) as stub:
        config = config_for(stub)
        brief = asyncio.run(adraft(real_report(), profile=profile, config=config))
        again = draft(real_report(), profile=profile, config=config)
    assert brief.status == "ready" and brief.provenance.calls == 1
    assert (brief.headline, brief.paragraphs, brief.event_date) == (
        again.headline, again.paragraphs, again.event_date,
    )  # fmt: skip


def test_adraft_runs_facts_then_prose_then_repair(profile: Profile) -> None:
    with StubServer() as stub:
        stub.enqueue(Reply.json(FACTS_JSON), Reply.json(FABRICATED_35), Reply.json(GOOD_PROSE))
        config = config_for(stub, facts_min_tokens=0)
        brief = asyncio.run(adraft(real_report(), profile=profile, config=config))
        prompts = [r.prompt_id for r in stub.requests]
    assert prompts == ["extract_facts", "write_prose", "repair_prose"]
    assert (brief.status, brief.provenance.calls, brief.provenance.attempts) == ("ready", 3, 2)
    assert brief.provenance.usage.prompt_tokens > 0


def test_adraft_many_bounds_calls_in_flight_and_isolates_failures(profile: Profile) -> None:
    lock = threading.Lock()
    in_flight, peak = [0], [0]

    def respond(request: StubRequest) -> Reply:
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        try:
            threading.Event().wait(0.05)
            if "第3份" in request.text:
                return Reply.error(500)
            return Reply.json(GOOD_PROSE)
        finally:
            with lock:
                in_flight[0] -= 1

    reports = [variant(i) for i in range(8)]
    seen: list[str] = []
    with StubServer(responder=respond) as stub:
        config = config_for(stub)
        batch = adraft_many(
            reports,
            jobs=3,
            profile=profile,
            config=config,
            on_result=lambda it: seen.append(it.source),
        )
        items = asyncio.run(batch)
        # A second event loop gets its own client (the first loop's pool is closed).
        again = asyncio.run(adraft_many(reports[:2], jobs=2, profile=profile, config=config))
    assert [it.report.id for it in items if it.report] == [r.id for r in reports]
    assert [it.status for it in items] == ["ready"] * 3 + ["failed"] + ["ready"] * 4
    assert 1 < peak[0] <= 3
    assert sorted(seen) == sorted(it.source for it in items)
    assert [it.status for it in again] == ["ready", "ready"]


def test_adraft_many_runs_a_sync_backend_in_threads(profile: Profile) -> None:
    prose = ProseStep(GOOD_PROSE["headline"], list(GOOD_PROSE["paragraphs"]))  # type: ignore[arg-type, call-overload]
    backend = ScriptedBackend(
        responder=lambda call: Step.facts() if call.kind == "facts" else Step.prose(prose),
        model_name="fake",
    )
    items = asyncio.run(
        adraft_many([variant(1), variant(2)], jobs=1, profile=profile, backend=backend)
    )
    assert [it.status for it in items] == ["ready", "ready"]
    # One slot: the second brief's facts call waited for the first brief's.
    assert [c.kind for c in backend.calls] == ["facts", "facts", "prose", "prose"]
