"""An issue as a self-contained HTML page, for a browser preview."""

from __future__ import annotations

from html import escape

from drafter.brieftext import join_attribution
from drafter.issue.render_md import issue_line, masthead_date, total_line
from drafter.schemas import Brief, Issue

__all__ = ["render_html"]

_CSS = """
body { max-width: 42em; margin: 2em auto; padding: 0 1em; line-height: 1.8;
       font: 16pt/1.8 "仿宋_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC", serif; }
header { text-align: center; border-bottom: 2px solid #c00000; padding-bottom: .5em; }
header h1 { color: #c00000; font-family: "方正小标宋简体", "华文中宋", "STZhongsong", "宋体",
            "Noto Serif CJK SC", serif;
            font-size: 36pt; font-weight: normal; margin: .2em 0; }
header .office { display: flex; justify-content: space-between; }
h2 { font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; font-size: 16pt;
     font-weight: normal; }
nav { border: 1px solid #000; padding: 0 1em .5em; }
nav h2 { font-weight: bold; text-align: center; }
nav ul { list-style: none; padding-left: 2em; margin: 0; }
.attr { white-space: nowrap; }
h3, h2.lead { font-family: "楷体_GB2312", "楷体", "KaiTi", "Noto Serif CJK SC", serif; font-weight: bold;
              text-align: center; font-size: 16pt; }
p { text-indent: 2em; margin: 0; text-align: justify; }
footer { margin-top: 2em; border-top: 1px solid #000; font-size: 14pt; }
footer p { text-indent: 0; }
"""


def _last(text: str, attribution: str | None) -> str:
    """The last paragraph, its attribution kept on one line with the two characters before it."""
    i = text.rfind("（")
    if not attribution or i < 0 or not text.endswith("）"):
        return escape(text)
    i = max(0, i - 2)
    return f'{escape(text[:i])}<span class="attr">{escape(text[i:])}</span>'


def _brief(brief: Brief, tag: str, cls: str = "") -> list[str]:
    paras = list(brief.paragraphs)
    paras[-1] = join_attribution(paras[-1], brief.attribution)
    attr = f' class="{cls}"' if cls else ""
    return [
        "<article>",
        f"<{tag}{attr}>{escape(brief.headline)}</{tag}>",
        *(f"<p>{escape(p)}</p>" for p in paras[:-1]),
        f"<p>{_last(paras[-1], brief.attribution)}</p>",
        "</article>",
    ]


def render_html(issue: Issue, toc: list[str]) -> str:
    """A standalone HTML page of ``issue`` with ``toc`` as its 目录提要."""
    m = issue.masthead
    title = escape(f"{m.name} {issue_line(m)}")
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        f'<head><meta charset="utf-8"><title>{title}</title><style>{_CSS}</style></head>',
        "<body>",
        "<header>",
        f"<h1>{escape(m.name)}</h1>",
        f"<div>{escape(issue_line(m))}{escape(total_line(m))}</div>",
        f'<div class="office"><span>{escape(m.office)}</span>'
        f"<span>{escape(masthead_date(m))}</span></div>",
        "</header>",
    ]
    if toc:
        out += ["<nav>", "<h2>目录提要</h2>", "<ul>"]
        out += [f"<li>{escape(line)}</li>" for line in toc]
        out += ["</ul>", "</nav>"]
    for lead in issue.leads:
        out += _brief(lead, "h2", "lead")
    for section in issue.sections:
        if section.briefs:
            out.append(f"<section><h2>{escape(section.title)}</h2>")
            for brief in section.briefs:
                out += _brief(brief, "h3")
            out.append("</section>")
    f = issue.footer
    out.append("<footer>")
    if f.editor:
        out.append(f"<p>编辑：{escape(f.editor)}</p>")
    if f.reviewer:
        out.append(f"<p>审核：{escape(f.reviewer)}</p>")
    if f.distribution:
        out.append(f"<p>分送：{'<br>'.join(escape(d) for d in f.distribution)}</p>")
    out += ["</footer>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
