"""Stores of model answers: a persistent response cache and a directory of recordings.

Both are plain storage keyed by a SHA-256 hex digest and holding JSON; the
LangChain ``BaseCache`` that puts them in front of a chat model lives in
:mod:`drafter.model.providers` (only that module and two others may import LangChain).

- :class:`ResponseCache` — one SQLite file (WAL, safe across threads and processes),
  keyed by model, base URL, messages, parameters and schema: an unchanged re-run
  makes no model call.
- :class:`RecordingStore` — one JSON file per model exchange under a directory (for
  ``drafter eval --record/--replay``), keyed by model, messages, parameters and
  schema only, so a recording made against one endpoint replays anywhere. API keys,
  ``Authorization`` headers and the configured secrets are stripped before writing.
  In ``replay`` mode a miss raises :class:`~drafter.errors.MissingRecordingError`.

:func:`track_hits` counts cache and recording hits for the calls made inside it, so
a chain can report how many answers cost nothing.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import logging
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from drafter.errors import ConfigError, EvalError, MissingRecordingError
from drafter.text.files import write_atomic

__all__ = [
    "HitCounter",
    "RecordingStore",
    "ResponseCache",
    "digest",
    "forget_entries",
    "redact",
    "track_hits",
]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1


def digest(*parts: str) -> str:
    """SHA-256 hex digest of ``parts``, unambiguously joined."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


# -- hit counting ---------------------------------------------------------------


@dataclass
class HitCounter:
    hits: int = 0
    lookups: int = 0
    # (cache, key) of every entry read or written, so a bad answer can be forgotten.
    entries: list[tuple[ResponseCache, str]] = field(default_factory=list)


_COUNTER: contextvars.ContextVar[HitCounter | None] = contextvars.ContextVar(
    "drafter_cache_hits", default=None
)


@contextlib.contextmanager
def track_hits() -> Iterator[HitCounter]:
    """Count cache lookups and hits made in this context (threads and tasks stay apart)."""
    counter = HitCounter()
    token = _COUNTER.set(counter)
    try:
        yield counter
    finally:
        _COUNTER.reset(token)


def note_lookup(hit: bool) -> None:
    counter = _COUNTER.get()
    if counter is not None:
        counter.lookups += 1
        counter.hits += int(hit)


def note_entry(cache: ResponseCache, key: str) -> None:
    counter = _COUNTER.get()
    if counter is not None:
        counter.entries.append((cache, key))


def forget_entries(entries: HitCounter | Iterable[tuple[ResponseCache, str]]) -> None:
    """Delete response-cache entries (those touched in a :class:`HitCounter`'s context).

    Called when an answer fails validation or proves unusable: a retry or re-run must
    ask the model again rather than replay the same bad answer. Recordings are kept
    (replay must reproduce failures too).
    """
    items = entries.entries if isinstance(entries, HitCounter) else entries
    for cache, key in list(items):
        cache.delete(key)


# -- redaction ------------------------------------------------------------------

_SECRET_KEYS = re.compile(
    r"^(api[_-]?key|openai_api_key|authorization|proxy-authorization|x-api-key|api-key|"
    r"cookie|set-cookie|secret|password|access_token|refresh_token)$",
    re.IGNORECASE,
)
_SECRET_VALUES = re.compile(r"\b(sk-[A-Za-z0-9_\-]{8,}|Bearer\s+[A-Za-z0-9_\-.=]{8,})")
REDACTED = "[已移除]"


def redact(value: Any, secrets: list[str] | tuple[str, ...] = ()) -> Any:
    """A copy of ``value`` (JSON data) with keys, tokens and ``secrets`` removed."""
    if isinstance(value, dict):
        return {
            k: (REDACTED if _SECRET_KEYS.match(str(k)) else redact(v, secrets))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(v, secrets) for v in value]
    if isinstance(value, str):
        for secret in secrets:
            if secret:
                value = value.replace(secret, REDACTED)
        return _SECRET_VALUES.sub(REDACTED, value)
    return value


# -- the SQLite response cache -------------------------------------------------


class ResponseCache:
    """A persistent key → JSON text store on SQLite, shared by threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self.path, timeout=30.0, check_same_thread=False, isolation_level=None
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            # WAL with synchronous=NORMAL cannot corrupt; it only skips fsyncs a
            # cache does not need.
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS responses ("
                " key TEXT PRIMARY KEY, value TEXT NOT NULL, created REAL NOT NULL)"
            )
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                f"无法打开模型响应缓存：{self.path}（{exc}）",
                hint="检查目录权限，或设置 DRAFTER_CACHE_DIR 指向可写目录，或用 --no-cache",
                path=str(self.path),
            ) from exc

    def get(self, key: str) -> str | None:
        """The value for ``key``, or None; a database error is a miss (logged)."""
        try:
            with self._lock:
                row = self._conn.execute(
                    "SELECT value FROM responses WHERE key = ?", (key,)
                ).fetchone()
        except sqlite3.Error as exc:
            # The cache only saves money; a broken one must not stop drafting.
            log.warning("模型响应缓存读取失败（%s）：%s", self.path, exc)
            return None
        return None if row is None else str(row[0])

    def put(self, key: str, value: str) -> None:
        """Store ``value``; a database error skips the write (logged)."""
        try:
            with self._lock:
                self._conn.execute(
                    "INSERT OR REPLACE INTO responses (key, value, created) VALUES (?, ?, ?)",
                    (key, value, time.time()),
                )
        except sqlite3.Error as exc:
            log.warning("模型响应缓存写入失败（%s）：%s", self.path, exc)

    def delete(self, key: str) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM responses WHERE key = ?", (key,))

    def clear(self) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM responses")

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()


# -- recordings -----------------------------------------------------------------

RecordingMode = Literal["record", "replay", "read"]


class RecordingStore:
    """Model exchanges as ``<key>.json`` files under ``directory``.

    ``mode``: ``record`` (read existing, write new), ``replay`` (read only; a miss
    raises :class:`MissingRecordingError`), ``read`` (read only; a miss is ``None``).
    """

    def __init__(
        self,
        directory: Path,
        *,
        mode: RecordingMode | Literal["off"] = "replay",
        secrets: list[str] | tuple[str, ...] = (),
    ) -> None:
        if mode not in ("record", "replay", "read"):
            raise ConfigError(f"录制模式无效：{mode}", hint="可选：record、replay")
        self.directory = Path(directory)
        self.mode = mode
        self._secrets = tuple(s for s in secrets if s)

    @staticmethod
    def key_for(model: str, messages: str, params: str) -> str:
        """The recording key: model, serialized messages, parameters (schema included)."""
        return digest("recording/v1", model, messages, params)

    def path_for(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def lookup(self, key: str, *, describe: str = "") -> dict[str, Any] | None:
        """The recorded exchange for ``key``; in replay mode a miss raises."""
        path = self.path_for(key)
        if not path.is_file():
            if self.mode == "replay":
                raise MissingRecordingError(
                    f"回放模式下找不到这次模型调用的录制：{key[:12]}{describe}",
                    hint=f"先用 --record 录制（目录 {self.directory}），"
                    "或检查提示词、模型参数是否改动过",
                    key=key,
                    directory=str(self.directory),
                )
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise EvalError(
                f"录制文件损坏：{path.name}（{exc}）",
                hint="删除该文件后重新 --record",
                path=str(path),
            ) from exc
        if not isinstance(data, dict) or "response" not in data:
            raise EvalError(
                f"录制文件格式不对：{path.name}", hint="删除该文件后重新 --record", path=str(path)
            )
        return data

    def save(self, key: str, request: dict[str, Any], response: dict[str, Any]) -> Path:
        """Write one exchange (redacted, atomically); only in record mode."""
        if self.mode != "record":
            raise EvalError("只有录制模式才能写入录制", hint="使用 --record")
        record = {
            "schema_version": SCHEMA_VERSION,
            "key": key,
            "request": redact(request, self._secrets),
            "response": redact(response, self._secrets),
        }
        path = write_atomic(
            self.path_for(key),
            json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
        )
        log.debug("recorded %s", path.name)
        return path

    def keys(self) -> list[str]:
        if not self.directory.is_dir():
            return []
        return sorted(p.stem for p in self.directory.glob("*.json"))
