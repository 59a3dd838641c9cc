"""The error tree: messages, hints, context, and the one exit-code map."""

from __future__ import annotations

import pytest

from drafter import errors as e


def test_message_hint_and_context() -> None:
    exc = e.InputError("找不到文件：a.txt", hint="请检查路径", path="a.txt")
    assert exc.message == "找不到文件：a.txt"
    assert exc.hint == "请检查路径"
    assert exc.context == {"path": "a.txt"}
    assert "请检查路径" in str(exc)


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (e.InputError("x"), 2),
        (e.EncodingError("x"), 2),
        (e.ProfileError("x"), 2),
        (e.ModelError("x"), 3),
        (e.OutputValidationError("x", raw_output="{", attempts=3), 3),
        (e.StoreError("x"), 4),
        (e.NotFoundError("x"), 4),
        (e.ConflictError("x"), 5),
        (e.LockedError("x"), 6),
        (e.MissingRecordingError("x"), 2),
        (ValueError("bug"), 70),
    ],
)
def test_exit_codes_are_mapped_in_one_place(exc: BaseException, code: int) -> None:
    assert e.exit_code_for(exc) == code


def test_output_validation_error_carries_raw_output_attempts_usage() -> None:
    exc = e.OutputValidationError(
        "模型输出未通过校验", raw_output='{"headline": 1}', attempts=3, usage={"prompt_tokens": 9}
    )
    assert isinstance(exc, e.ModelError)
    assert (exc.raw_output, exc.attempts, exc.usage) == ('{"headline": 1}', 3, {"prompt_tokens": 9})


def test_every_error_derives_from_the_root() -> None:
    for name in e.__all__:
        obj = getattr(e, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, e.DrafterError), name
