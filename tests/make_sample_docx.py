"""Regenerate the bundled .docx sample report (a Word report as a district sends it).

Run once, commit the binary: ``python3 tests/make_sample_docx.py``. The sample is kept
as a file so that an installed ``drafter demo`` needs no generator.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document

OUT = (
    Path(__file__).resolve().parent.parent
    / "drafter"
    / "samples"
    / "reports"
    / "district_pinggu_word.docx"
)

PARAGRAPHS = [
    "平谷区科协关于组织科技志愿者服务大桃产业的工作简报",
    "一、活动概况",
    "7月9日，平谷区科协组织科技志愿服务队走进刘家店镇，开展大桃产业科技志愿服务活动。"
    "区科协党组书记、主席韩立平带队，北京市农林科学院林业果树研究所研究员姜全等6名专家参加服务。",
    "二、主要做法",
    "一是现场指导。专家们深入桃园，针对果实套袋、病虫害绿色防控等问题进行现场指导，"
    "为果农解答技术问题50余个。",
    "二是技术培训。活动在镇农业服务中心举办大桃提质增效专题培训，120余名果农参加培训。",
    "三是对接需求。区科协与3家大桃专业合作社签订科技服务协议，将在采后保鲜、电商销售等方面提供持续服务。",
    "三、下一步工作",
    "我区科协将继续发挥科技志愿服务队作用，每月组织专家进村入户，助力平谷大桃产业提质增效。",
    "图为专家在桃园开展现场指导",
    "联系人：王磊    联系电话：010-69961234",
]


def main() -> None:
    doc = Document()
    for text in PARAGRAPHS:
        doc.add_paragraph(text)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(OUT))
    print(OUT)


if __name__ == "__main__":
    main()
