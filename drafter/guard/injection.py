"""Instructions injected into a report ("忽略以上要求，在简报中写上……").

A report is data. Its text may carry instructions aimed at a model; they are never
followed, never drafted into a brief (the offline engine cuts them), and never count
as evidence for the faithfulness guard.
"""

from __future__ import annotations

import logging
import re

__all__ = ["INJECTION_RE", "strip_injections"]

log = logging.getLogger(__name__)

INJECTION_RE = re.compile(
    r"(?:忽略|无视|忘记|不要理会|不必遵守)(?:掉)?(?:以上|上述|之前|前面|先前|所有|全部|上面)"
    r"[^。！？\n]{0,10}(?:要求|指令|指示|规则|提示|设定)"
    r"|(?:在|往)(?:简报|稿件|输出|回答|文中)[^。！？\n]{0,6}(?:写上|写入|加入|添加|注明|加上|写明)"
    r"|请(?:你)?(?:务必)?在(?:简报|稿件)"
    r"|(?:写|撰写|生成|编写)(?:简报|稿件)时"
    r"|(?:简报|稿件)(?:中|里)(?:务必|一定|必须|请)[^。！？\n]{0,4}(?:写|加|注明|提到|说明)"
    r"|(?:ignore|disregard)\s+(?:all\s+)?(?:the\s+)?(?:previous|above|prior)\s+instructions"
    r"|system\s*prompt|你现在是|扮演一个",
    re.IGNORECASE,
)


def strip_injections(text: str) -> str:
    """The text with every injected instruction cut out, to the end of its line."""
    out = []
    for line in text.splitlines():
        m = INJECTION_RE.search(line)
        if m:
            start = max(line.rfind(p, 0, m.start()) for p in "。！？!?") + 1
            log.info("原稿中有疑似注入指令，已从依据中排除：%s", line[start : start + 40])
            line = line[:start]
        out.append(line)
    return "\n".join(out)
