"""Drafting many reports at once: concurrent, isolated, resumable.

:func:`draft_many` drafts a list of reports on threads, at most ``jobs`` model calls at
once, scheduled call by call (:mod:`drafter.drafting.schedule`), optionally over several
processes (:mod:`drafter.drafting.procs`); one failure never stops the others.
:func:`draft_files` adds the file side: expand a directory or glob, load each report,
skip those whose output already exists for the same report id, and write each brief as
``NAME.md`` plus a ``NAME.json`` sidecar (the full Brief, with its ``source_id``) as
soon as it is done, so an interrupted run keeps its finished work.
"""

from __future__ import annotations

import datetime as dt
import glob
import logging
import queue
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError

from drafter.brieftext import render_brief_md
from drafter.errors import DrafterError, InputError
from drafter.profile import Profile, load_profile
from drafter.schemas import Brief, OrgKind, Report
from drafter.text.files import clean_stale_temp_files, write_atomic

if TYPE_CHECKING:
    from drafter.drafting.backend import ModelBackend
    from drafter.model.config import ModelConfig

__all__ = [
    "REPORT_SUFFIXES",
    "BatchItem",
    "BatchSummary",
    "draft_files",
    "draft_many",
    "expand_sources",
    "output_paths",
]

log = logging.getLogger(__name__)

REPORT_SUFFIXES = (".txt", ".md", ".docx")
"""The files a directory contributes to a batch."""

ItemStatus = Literal["ready", "needs_review", "failed"]


@dataclass
class BatchItem:
    """The outcome for one report: a brief, or the error that stopped it."""

    source: str
    report: Report | None = None
    brief: Brief | None = None
    error: str | None = None
    error_type: str | None = None
    skipped: bool = False
    outputs: list[Path] = field(default_factory=list)

    @property
    def status(self) -> ItemStatus:
        if self.brief is None:
            return "failed"
        return self.brief.status


@dataclass
class BatchSummary:
    items: list[BatchItem]

    def count(self, status: ItemStatus) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def skipped(self) -> int:
        return sum(1 for i in self.items if i.skipped)

    @property
    def failures(self) -> list[BatchItem]:
        return [i for i in self.items if i.status == "failed"]

    @property
    def all_ready(self) -> bool:
        return all(i.status == "ready" for i in self.items)


def draft_many(
    reports: Sequence[Report],
    *,
    jobs: int = 4,
    profile: Profile | None = None,
    config: ModelConfig | None = None,
    model: str | None = None,
    max_repairs: int | None = None,
    backend: ModelBackend | None = None,
    examples: Sequence[Brief] | None = None,
    on_result: Callable[[BatchItem], None] | None = None,
    processes: int = 1,
) -> list[BatchItem]:
    """Draft ``reports`` with at most ``jobs`` model calls at once; results in input order.

    The model configuration is resolved once, before any work starts, so a bad
    configuration fails the whole batch (:class:`~drafter.errors.ConfigError`) rather
    than every item. After that, an error drafting one report is recorded on its
    item and the others go on. ``on_result`` is called in the calling thread as each
    item finishes (progress display, writing files).

    Model calls are scheduled one by one (:func:`~drafter.drafting.schedule.run_threads`:
    first drafts before repairs), not one report per thread. ``processes`` > 1 splits
    the work over that many worker processes sharing the ``jobs`` slots
    (:mod:`drafter.drafting.procs`), for when one interpreter's CPU is the limit; it
    needs a model ``config`` (no custom ``backend``).
    """
    from drafter.drafting.pipeline import _draft_steps

    profile = profile or load_profile()
    if backend is None and config is None:
        from drafter.model.config import ModelConfig

        config = ModelConfig.resolve(model=model, profile=profile)
    items = [BatchItem(source=r.source_path or r.id, report=r) for r in reports]
    offline = backend is None and config is not None and config.is_offline
    if processes > 1 and not offline and items:
        from drafter.drafting.procs import draft_in_processes

        if backend is not None or config is None:
            raise InputError(
                "多进程起草只支持模型配置，不支持自定义后端", hint="去掉 processes 参数再试"
            )
        return draft_in_processes(
            items, processes=processes, jobs=jobs, profile=profile, config=config,
            max_repairs=max_repairs, examples=examples, on_result=on_result,
        )  # fmt: skip
    if offline or not items:
        return _draft_offline_many(items, jobs, profile, config, on_result)

    from drafter.drafting.backend import ChainBackend
    from drafter.drafting.schedule import run_threads
    from drafter.model.transport import deadline_context

    if max_repairs is None and config is not None:
        max_repairs = config.max_repairs
    if backend is None:
        assert config is not None
        backend = ChainBackend(config)
    chain = backend
    repairs = profile.model.max_repairs if max_repairs is None else max(0, max_repairs)
    limit = config.deadline if config is not None else None
    shots = examples or ()

    def start(i: int) -> tuple[Any, Any]:
        report = items[i].report
        assert report is not None
        steps = _draft_steps(report, profile, chain.model_name, shots, repairs)
        return steps, deadline_context(limit)

    order = iter(range(len(items)))
    done: queue.SimpleQueue[tuple[int, Brief | None, BaseException | None]] = queue.SimpleQueue()
    run = run_threads(lambda: next(order, None), start, chain, jobs, lambda *r: done.put(r))
    try:
        for _ in items:
            i, brief, error = done.get()
            item = items[i]
            if error is not None:  # isolation: one bad report never stops the batch
                _record_failure(item, error)
            item.brief = brief
            if on_result is not None:
                on_result(item)
    except BaseException:
        # Ctrl-C: start no new call; what on_result already saw (and wrote) stays.
        run.stop()
        raise
    return items


def _draft_offline_many(
    items: list[BatchItem],
    jobs: int,
    profile: Profile,
    config: ModelConfig | None,
    on_result: Callable[[BatchItem], None] | None,
) -> list[BatchItem]:
    """The offline engine on a thread pool, one report per task."""
    from drafter.drafting.pipeline import draft

    pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="draft")
    try:
        futures: dict[Future[Brief], BatchItem] = {
            pool.submit(draft, item.report, profile=profile, config=config): item
            for item in items
            if item.report is not None
        }
        for fut in as_completed(futures):
            item = futures[fut]
            try:
                item.brief = fut.result()
            except Exception as exc:  # isolation: one bad report never stops the batch
                _record_failure(item, exc)
            if on_result is not None:
                on_result(item)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return items


def _record_failure(item: BatchItem, exc: BaseException) -> None:
    item.error_type = type(exc).__name__
    if isinstance(exc, DrafterError):
        item.error = str(exc)
        log.info("drafting %s failed: %s", item.source, item.error_type)
    else:
        item.error = f"内部错误：{type(exc).__name__}: {exc}"
        log.error("drafting %s failed unexpectedly", item.source, exc_info=exc)


# -- files ----------------------------------------------------------------------------


def expand_sources(target: str | Path, *, exclude: Path | None = None) -> list[Path]:
    """The report files named by a directory (its .txt/.md/.docx) or a glob pattern.

    Files under ``exclude`` (the output directory) are left out. Raises
    :class:`InputError` when nothing matches.
    """
    raw = str(target)
    p = Path(raw)
    if p.is_dir():
        found = [f for f in p.iterdir() if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES]
    elif p.is_file():
        found = [p]
    else:
        found = [Path(m) for m in glob.glob(raw, recursive=True) if Path(m).is_file()]
    if exclude is not None:
        skip = exclude.resolve()
        found = [f for f in found if not f.resolve().is_relative_to(skip)]
    found = sorted({f.resolve(): f for f in found}.values(), key=lambda f: str(f))
    if not found:
        raise InputError(
            f"没有找到要起草的报送材料：{raw}",
            hint="请指定一个目录（其中的 .txt、.md、.docx 文件）或通配符，如 'reports/*.txt'",
            path=raw,
        )
    return found


def output_paths(sources: Sequence[Path], out_dir: Path) -> dict[Path, Path]:
    """Each source → its output stem in ``out_dir`` (``NAME`` for NAME.md / NAME.json).

    ``NAME`` is the whole file name without its last suffix, dots and all
    (“2026.05.08 怀柔区科协.txt” → “2026.05.08 怀柔区科协”). Two sources that would
    share outputs (“a.txt” and “a.md”, or the same name in two folders; letter case
    ignored, as on Windows and macOS disks) are refused before anything is drafted.
    """
    stems: dict[Path, Path] = {}
    owner: dict[str, Path] = {}
    for src in sources:
        name = src.name[: -len(src.suffix)] if src.suffix else src.name
        key = name.casefold()
        if key in owner:
            raise InputError(
                f"“{owner[key]}”和“{src}”会写成同一份输出 {out_dir / name}.md，未开始起草",
                hint="请把其中一个文件改名，或分两批起草到不同的 --out 目录",
                path=str(src),
            )
        owner[key] = src
        stems[src] = out_dir / name
    return stems


def _with(stem: Path, suffix: str) -> Path:
    # Not Path.with_suffix: that would replace “.08 怀柔区科协” in “2026.05.08 怀柔区科协”.
    return stem.with_name(stem.name + suffix)


def _finished(stem: Path, report: Report) -> Brief | None:
    """The brief written earlier for this very report, if its outputs are complete."""
    md, sidecar = _with(stem, ".md"), _with(stem, ".json")
    if not (md.is_file() and sidecar.is_file()):
        return None
    try:
        brief = Brief.model_validate_json(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError, ValidationError):
        return None
    return brief if brief.source_id == report.id else None


def write_outputs(brief: Brief, stem: Path, *, force: bool = False) -> list[Path]:
    """Write ``stem.md`` then ``stem.json``; the sidecar last, as the completion mark."""
    md, sidecar = _with(stem, ".md"), _with(stem, ".json")
    write_atomic(md, render_brief_md(brief), force=force)
    write_atomic(sidecar, brief.model_dump_json(indent=2) + "\n", force=force)
    return [md, sidecar]


def draft_files(
    target: str | Path,
    out_dir: Path,
    *,
    jobs: int = 4,
    profile: Profile | None = None,
    config: ModelConfig | None = None,
    model: str | None = None,
    max_repairs: int | None = None,
    backend: ModelBackend | None = None,
    org: str | None = None,
    kind: OrgKind | None = None,
    date: dt.date | None = None,
    lead: bool | None = None,
    force: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[BatchItem], None] | None = None,
) -> BatchSummary:
    """Draft every report named by ``target`` into ``out_dir``; skip finished work.

    ``org``/``kind``/``date``/``lead`` apply to every report (as the flags of a single
    ``draft`` would). A file that cannot be read is a failed item, not an abort.
    ``force`` redrafts even when the outputs are up to date, and replaces read-only
    outputs and symbolic links. Temporary files an interrupted run left in ``out_dir``
    are removed first.
    """
    from drafter.ingest.report import load_report

    profile = profile or load_profile()
    if backend is None and config is None:
        from drafter.model.config import ModelConfig

        config = ModelConfig.resolve(model=model, profile=profile)  # fail before any work
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"输出位置不是目录：{out_dir}", hint="批量起草时 --out 须是目录")
    if Path(target).is_dir() and Path(target).resolve() == out_dir.resolve():
        raise InputError(
            f"输出目录不能就是报送材料所在的目录：{out_dir}",
            hint="请用另一个目录作 --out，例如 briefs/",
        )
    # Files already under out_dir are never inputs, so outputs cannot overwrite a report.
    sources = expand_sources(target, exclude=out_dir if out_dir.exists() else None)
    stems = output_paths(sources, out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"无法创建输出目录 {out_dir}：{exc.strerror}", hint="请检查路径和权限"
        ) from None
    for stale in clean_stale_temp_files(out_dir):
        log.info("removed %s, left by an interrupted run", stale)
    if on_start is not None:
        on_start(len(sources))

    done: list[BatchItem] = []
    todo: list[BatchItem] = []
    for src in sources:
        item = BatchItem(source=str(src))
        try:
            item.report = load_report(
                src, profile=profile, org=org, kind=kind, date=date, lead=lead
            )
        except Exception as exc:  # isolation, as for drafting
            _record_failure(item, exc)
            done.append(item)
            if on_result is not None:
                on_result(item)
            continue
        previous = None if force else _finished(stems[src], item.report)
        if previous is not None:
            item.brief, item.skipped = previous, True
            item.outputs = [_with(stems[src], ".md"), _with(stems[src], ".json")]
            done.append(item)
            if on_result is not None:
                on_result(item)
        else:
            todo.append(item)

    by_id = {id(i.report): i for i in todo}

    def written(result: BatchItem) -> None:
        item = by_id[id(result.report)]
        item.brief, item.error, item.error_type = result.brief, result.error, result.error_type
        if item.brief is not None:
            try:
                item.outputs = write_outputs(item.brief, stems[Path(item.source)], force=force)
            except InputError as exc:
                item.brief = None
                _record_failure(item, exc)
            except OSError as exc:
                item.brief = None
                _record_failure(
                    item, InputError(f"无法写入输出：{exc}", hint="请检查 --out 目录的权限")
                )
        if on_result is not None:
            on_result(item)

    draft_many(
        [i.report for i in todo if i.report is not None],
        jobs=jobs,
        profile=profile,
        config=config,
        model=model,
        max_repairs=max_repairs,
        backend=backend,
        on_result=written,
    )
    order = {str(s): n for n, s in enumerate(sources)}
    return BatchSummary(items=sorted(done + todo, key=lambda i: order[i.source]))
