"""The response cache and the recording store, alone and in front of ChatOpenAI."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from drafter.errors import EvalError, MissingRecordingError, OutputValidationError
from drafter.model.cache import RecordingStore, ResponseCache, digest, redact, track_hits
from drafter.model.chains import extract_facts, write_prose
from drafter.model.config import ModelConfig
from drafter.model.providers import clear_built_models
from drafter.schemas import Facts, Report, report_id_for
from drafter.testing import Reply, StubServer

KEY = "sk-cache-test-KEY-5555555555"
TEXT = "5月12日，我区科协在区图书馆举办“科学家进校园”报告会，120名师生参加。\n\n联系人：王老师"
PROSE = {
    "headline": "朝阳区科协举办“科学家进校园”报告会",
    "paragraphs": ["5月12日，朝阳区科协在区图书馆举办“科学家进校园”报告会，120名师生参加。"],
}


def report(text: str = TEXT) -> Report:
    return Report(id=report_id_for(text), text=text, org_short="朝阳区科协", kind="district")


@pytest.fixture(autouse=True)
def _fresh_clients() -> Iterator[None]:
    clear_built_models()
    yield
    clear_built_models()


@pytest.fixture
def stub() -> Iterator[StubServer]:
    with StubServer() as server:
        yield server


def config(base_url: str | None, tmp_path: Path, **kw: Any) -> ModelConfig:
    values: dict[str, Any] = {
        "model": "stub-model",
        "base_url": base_url,
        "api_key": SecretStr(KEY),
        "cache_path": tmp_path / "responses.sqlite",
        "max_retries": 0,
        "timeout": 5.0,
    }
    values.update(kw)
    return ModelConfig(**values)


# -- storage alone -------------------------------------------------------------------


def test_response_cache_persists_across_connections(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "c.sqlite"
    first = ResponseCache(path)
    first.put("k1", '{"a": 1}')
    first.put("k2", "x")
    first.close()
    again = ResponseCache(path)
    assert again.get("k1") == '{"a": 1}' and len(again) == 2
    again.delete("k1")
    assert again.get("k1") is None and again.get("nope") is None
    again.clear()
    assert len(again) == 0


def test_response_cache_is_thread_safe(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c.sqlite")

    def work(n: int) -> None:
        for i in range(50):
            cache.put(f"{n}-{i}", str(i))
            assert cache.get(f"{n}-{i}") == str(i)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) == 400


def test_unwritable_cache_is_a_config_error(tmp_path: Path) -> None:
    from drafter.errors import ConfigError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="缓存") as info:
        ResponseCache(blocker / "c.sqlite")
    assert info.value.hint and "--no-cache" in info.value.hint


def test_digest_is_unambiguous() -> None:
    assert digest("ab", "c") != digest("a", "bc")
    assert digest("a") == digest("a")


def test_redact_strips_keys_headers_and_secrets() -> None:
    data = {
        "api_key": "abc",
        "headers": {"Authorization": "Bearer xyz123456789", "X-Drafter-Prompt": "write_prose@1"},
        "text": f"key is {KEY} and sk-abcdefghijklmnop",
        "list": ["my-own-secret-value"],
        "max_tokens": 5,
    }
    out = redact(data, ["my-own-secret-value"])
    dumped = json.dumps(out, ensure_ascii=False)
    for secret in ("abc", "xyz123456789", KEY, "sk-abcdefghijklmnop", "my-own-secret-value"):
        assert secret not in dumped
    assert out["headers"]["X-Drafter-Prompt"] == "write_prose@1"
    assert out["max_tokens"] == 5


def test_recording_store_modes(tmp_path: Path) -> None:
    key = RecordingStore.key_for("m", "[messages]", "params")
    replay = RecordingStore(tmp_path / "rec", mode="replay")
    with pytest.raises(MissingRecordingError) as info:
        replay.lookup(key)
    assert info.value.hint and "--record" in info.value.hint
    assert RecordingStore(tmp_path / "rec", mode="read").lookup(key) is None
    with pytest.raises(EvalError):
        replay.save(key, {}, {})
    recorder = RecordingStore(tmp_path / "rec", mode="record", secrets=[KEY])
    path = recorder.save(key, {"messages": [f"key {KEY}"]}, {"generations": []})
    assert path.name == f"{key}.json" and KEY not in path.read_text(encoding="utf-8")
    assert replay.lookup(key)["response"] == {"generations": []}  # type: ignore[index]
    assert replay.keys() == [key]
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(EvalError, match="损坏"):
        replay.lookup(key)


def test_track_hits_is_per_context() -> None:
    from drafter.model.cache import note_lookup

    with track_hits() as outer:
        note_lookup(True)
        with track_hits() as inner:
            note_lookup(False)
        note_lookup(True)
    note_lookup(True)  # outside any context: ignored
    assert (outer.hits, outer.lookups) == (2, 2)
    assert (inner.hits, inner.lookups) == (0, 1)


# -- in front of the model ------------------------------------------------------------


def test_a_cache_hit_makes_no_http_call(stub: StubServer, tmp_path: Path) -> None:
    stub.enqueue(Reply.json(PROSE))
    cfg = config(stub.base_url, tmp_path)
    first, s1 = write_prose(report(), Facts(), cfg)
    clear_built_models()  # a new process: new client, same cache file
    second, s2 = write_prose(report(), Facts(), cfg)
    assert first == second
    assert len(stub.requests) == 1
    assert (s1.calls, s1.cache_hits, s2.calls, s2.cache_hits) == (1, 0, 0, 1)
    assert s2.usage.total_tokens == 0  # a hit costs nothing
    assert KEY not in (tmp_path / "responses.sqlite").read_bytes().decode("utf-8", "replace")


def test_changed_input_method_or_model_misses(stub: StubServer, tmp_path: Path) -> None:
    stub.enqueue(*[Reply.json(PROSE)] * 4)
    write_prose(report(), Facts(), config(stub.base_url, tmp_path))
    write_prose(report(TEXT + "。"), Facts(), config(stub.base_url, tmp_path))
    write_prose(report(), Facts(), config(stub.base_url, tmp_path, method="function_calling"))
    write_prose(report(), Facts(), config(stub.base_url, tmp_path, model="other-model"))
    assert len(stub.requests) == 4


def test_transport_settings_do_not_change_the_key(stub: StubServer, tmp_path: Path) -> None:
    stub.enqueue(Reply.json(PROSE))
    write_prose(report(), Facts(), config(stub.base_url, tmp_path))
    _, stats = write_prose(
        report(), Facts(), config(stub.base_url, tmp_path, timeout=9.0, max_retries=3)
    )
    assert stats.cache_hits == 1 and len(stub.requests) == 1


def test_no_cache_means_every_run_calls(stub: StubServer, tmp_path: Path) -> None:
    stub.enqueue(Reply.json(PROSE), Reply.json(PROSE))
    cfg = config(stub.base_url, tmp_path, cache=False)
    write_prose(report(), Facts(), cfg)
    write_prose(report(), Facts(), cfg)
    assert len(stub.requests) == 2
    assert not (tmp_path / "responses.sqlite").exists()


def test_a_bad_answer_is_not_served_from_the_cache(stub: StubServer, tmp_path: Path) -> None:
    stub.enqueue(Reply.raw("{oops"), Reply.json(PROSE))
    cfg = config(stub.base_url, tmp_path)
    with pytest.raises(OutputValidationError):
        write_prose(report(), Facts(), cfg)
    prose, stats = write_prose(report(), Facts(), cfg)
    assert prose.headline == PROSE["headline"] and stats.calls == 1
    assert len(stub.requests) == 2


@pytest.mark.parametrize("method", ["json_schema", "function_calling"])
def test_recordings_replay_with_no_server(method: str, tmp_path: Path) -> None:
    rec_dir = tmp_path / "recordings"
    facts = {"numbers": [{"text": "120名", "about": "参加的师生"}], "event": "朝阳区科协举办报告会"}
    with StubServer() as stub:
        stub.enqueue(Reply.json(facts), Reply.json(PROSE))
        cfg = config(
            stub.base_url, tmp_path, recording_mode="record", recordings=rec_dir, method=method
        )
        recorded_facts, _ = extract_facts(report(), cfg)
        recorded, _ = write_prose(report(), recorded_facts, cfg)
        assert stub.requests[0].headers["authorization"] == f"Bearer {KEY}"  # the key was sent…
    files = sorted(rec_dir.glob("*.json"))
    assert len(files) == 2
    for f in files:  # …and never written down
        text = f.read_text(encoding="utf-8")
        assert KEY not in text and "Bearer" not in text and "127.0.0.1" not in text
        data = json.loads(text)
        assert data["request"]["model"] == "stub-model"
        assert any("朝阳区科协" in m["content"] for m in data["request"]["messages"])

    clear_built_models()
    # The server is gone; replay needs neither it nor a key.
    replay = ModelConfig(
        model="stub-model", recording_mode="replay", recordings=rec_dir, cache=False, method=method
    )
    replayed_facts, fstats = extract_facts(report(), replay)
    replayed, pstats = write_prose(report(), replayed_facts, replay)
    assert (replayed_facts, replayed) == (recorded_facts, recorded)
    assert (fstats.calls, pstats.calls, pstats.cache_hits) == (0, 0, 1)

    with pytest.raises(MissingRecordingError) as info:
        write_prose(report(TEXT + "\n\n新增一段。"), replayed_facts, replay)
    assert "stub-model" in info.value.message


def test_recording_from_a_warm_cache_still_writes_the_file(
    stub: StubServer, tmp_path: Path
) -> None:
    stub.enqueue(Reply.json(PROSE))
    write_prose(report(), Facts(), config(stub.base_url, tmp_path))
    rec = tmp_path / "rec"
    _, stats = write_prose(
        report(), Facts(), config(stub.base_url, tmp_path, recording_mode="record", recordings=rec)
    )
    assert stats.cache_hits == 1 and len(stub.requests) == 1
    assert len(list(rec.glob("*.json"))) == 1


def test_recording_mode_needs_a_directory(tmp_path: Path) -> None:
    from drafter.errors import ConfigError

    with pytest.raises(ConfigError, match="录制"):
        write_prose(
            report(), Facts(), config("http://127.0.0.1:9/v1", tmp_path, recording_mode="replay")
        )


def test_hits_are_counted_per_call_across_threads(stub: StubServer, tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    stub.responder = lambda request: PROSE
    cfg = config(stub.base_url, tmp_path)
    warm = [report(f"{TEXT}\n\n第{i}份。") for i in range(4)]
    cold = [report(f"{TEXT}\n\n另{i}份。") for i in range(4)]
    for r in warm:
        write_prose(r, Facts(), cfg)
    with ThreadPoolExecutor(max_workers=8) as pool:
        stats = list(pool.map(lambda r: write_prose(r, Facts(), cfg)[1], warm + cold))
    assert [(s.calls, s.cache_hits) for s in stats] == [(0, 1)] * 4 + [(1, 0)] * 4
    assert len(stub.requests) == 8


def test_a_broken_cache_degrades_to_misses(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = ResponseCache(tmp_path / "c.sqlite")
    cache.put("k", "v")
    cache.close()  # every later statement fails like a broken database would
    assert cache.get("k") is None
    cache.put("k2", "v2")
    assert "缓存" in caplog.text
