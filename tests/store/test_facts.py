"""Facts linked between a source and its draft, for the review page."""

from __future__ import annotations

import drafter

SOURCE = "2026年5月8日上午，北京抗癌协会在朝阳区举办科普讲座，200余名居民参加。副理事长王明致辞。"


def test_facts_in_both_share_an_id_and_invented_ones_have_none() -> None:
    source, (para,) = drafter.linked_facts(
        SOURCE, ["5月8日上午，北京抗癌协会举办科普讲座，300余名居民参加。"], drafter.load_profile()
    )
    assert "".join(s.text for s in source) == SOURCE  # nothing lost or reordered
    src = {s.text: s.fact for s in source if s.fact}
    got = {s.text: s.fact for s in para if s.fact is not None}
    assert got["北京抗癌协会"] == src["北京抗癌协会"]
    assert got["5月8日"] == src["2026年5月8日"]  # a yearless date matches the dated source
    assert got["300余名"] == ""  # not in the source: flagged
