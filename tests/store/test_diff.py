"""The changes laid out as the brief reads: a headline, paragraphs, removals where they were."""

from __future__ import annotations

from drafter.store.diff import diff_blocks

BEFORE = "区科协开展科普活动\n\n活动在社区举行。居民踊跃参加。\n\n共发放资料300份。服务居民200余人次。（区科协）\n"


def _text(block: dict[str, object], *ops: str) -> str:
    parts = block["parts"]
    assert isinstance(parts, list)
    return "".join(p["text"] for p in parts if p["op"] in ops)


def test_an_unchanged_text_reads_as_headline_then_paragraphs() -> None:
    blocks = diff_blocks(BEFORE, BEFORE)
    assert [b["headline"] for b in blocks] == [True, False, False]
    assert [_text(b, "equal") for b in blocks] == [
        "区科协开展科普活动",
        "活动在社区举行。居民踊跃参加。",
        "共发放资料300份。服务居民200余人次。（区科协）",  # the attribution ends the last
    ]


def test_changes_stay_in_their_paragraph_and_the_headline_apart() -> None:
    after = (
        "区科协组织科普活动\n\n活动在社区举行。居民积极参加。\n\n"
        "新增一句。共发放资料300份。服务居民200余人次。（区科协）\n"
    )
    head, first, second = diff_blocks(BEFORE, after)
    assert head["headline"] and not first["headline"]
    # A rewritten sentence is marked within: the words changed, the rest kept.
    assert head["parts"] == [
        {"op": "equal", "text": "区科协"},
        {"op": "delete", "text": "开展"},
        {"op": "insert", "text": "组织"},
        {"op": "equal", "text": "科普活动"},
    ]
    assert _text(first, "delete") == "踊跃" and _text(first, "insert") == "积极"
    assert _text(first, "equal", "insert") == "活动在社区举行。居民积极参加。"
    assert _text(first, "equal", "delete") == "活动在社区举行。居民踊跃参加。"
    assert _text(second, "insert") == "新增一句。"
    assert _text(second, "equal").endswith("（区科协）")


def test_a_rewritten_sentence_is_removed_and_added_whole() -> None:
    after = BEFORE.replace("居民踊跃参加。", "大家很高兴。")
    (_head, first, _second) = diff_blocks(BEFORE, after)
    assert first["parts"][1:] == [
        {"op": "delete", "text": "居民踊跃参加。"},
        {"op": "insert", "text": "大家很高兴。"},
    ]
    # Each side reads back as its own text.
    for side, ops in ((BEFORE, ("equal", "delete")), (after, ("equal", "insert"))):
        lines = [line for line in side.splitlines() if line]
        assert [_text(b, *ops) for b in diff_blocks(BEFORE, after)] == lines


def test_a_removed_paragraph_is_a_block_of_its_own() -> None:
    after = "区科协开展科普活动\n\n共发放资料300份。服务居民200余人次。（区科协）\n"
    blocks = diff_blocks(BEFORE, after)
    assert len(blocks) == 3
    assert [p["op"] for p in blocks[1]["parts"]] == ["delete", "delete"]
    assert _text(blocks[2], "equal").startswith("共发放资料300份。")


def test_joined_and_split_paragraphs_read_as_the_new_text() -> None:
    joined = "区科协开展科普活动\n\n活动在社区举行。居民踊跃参加。共发放资料300份。服务居民200余人次。（区科协）\n"
    assert len(diff_blocks(BEFORE, joined)) == 2
    split = "区科协开展科普活动\n\n活动在社区举行。\n\n居民踊跃参加。\n\n共发放资料300份。服务居民200余人次。（区科协）\n"
    assert [_text(b, "equal") for b in diff_blocks(BEFORE, split)][1:3] == [
        "活动在社区举行。",
        "居民踊跃参加。",
    ]


def test_the_attribution_is_set_apart_last() -> None:
    after = BEFORE.replace("居民踊跃参加", "居民积极参加")
    *body, last = diff_blocks(BEFORE, after, tail="（区科协）")
    assert last == {
        "headline": False,
        "tail": True,
        "parts": [{"op": "equal", "text": "（区科协）"}],
    }
    assert _text(body[-1], "equal") == "共发放资料300份。服务居民200余人次。"
    assert not any(b["tail"] for b in body)
    # A changed attribution is a change like any other, in the last paragraph.
    renamed = after.replace("（区科协）", "（区科技协会）")
    assert not any(b["tail"] for b in diff_blocks(BEFORE, renamed, tail="（区科技协会）"))
