"""What makes the .docx print like the bulletin: spacing, fonts, keeping lines together.

- East Asian auto-spacing off (``w:autoSpaceDE``/``w:autoSpaceDN``), so 2026年第15期
  prints without gaps between Chinese characters and digits, as the published issue does.
- Every font the document names gets an entry in the font table whose ``w:altName``
  lists the stand-ins (仿宋_GB2312 → 仿宋, FangSong), so Word and WPS find a face of
  the same kind on a machine without the official fonts.
- An attribution （…） is glued to the last characters of its paragraph with word
  joiners (U+2060). Chinese line breaking in Word and LibreOffice breaks between any two
  characters but the forbidden ones, so the word joiner is added to the document's
  Chinese lists of characters that may not begin or end a line (``w:noLineBreaksBefore``
  / ``w:noLineBreaksAfter``; :mod:`drafter.issue.render_pdf` gives LibreOffice the same).
"""

from __future__ import annotations

from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from lxml import etree

from drafter.profile import Fonts

__all__ = [
    "NOT_AT_LINE_END",
    "NOT_AT_LINE_START",
    "WORD_JOINER",
    "autospace_off",
    "chinese",
    "font_table",
    "glue_attribution",
    "keep",
    "line_break_rules",
]

WORD_JOINER = "\u2060"
# Chinese line-breaking rules (GB/T 15834-2011: closing marks never begin a line, opening
# marks never end one), plus the word joiner that glues an attribution.
NOT_AT_LINE_START = (
    "!%),.:;?]}¢°·’”\"†‡›℃∶、。〃〆〕〗〞﹚﹜！＂％＇），．：；？］｝～》」』】" + WORD_JOINER
)
NOT_AT_LINE_END = "$([{£¥·‘“〈《「『【〔〖〝﹙﹛﹝＄（．［｛￡￥" + WORD_JOINER
# Children that follow w:noLineBreaksBefore in w:settings (the schema's order).
_SETTINGS_AFTER = (
    "w:savePreviewPicture", "w:doNotValidateAgainstSchema", "w:saveInvalidXml",
    "w:ignoreMixedContent", "w:alwaysShowPlaceholderText", "w:doNotDemarcateInvalidXml",
    "w:saveXmlDataOnly", "w:useXSLTWhenSaving", "w:saveThroughXslt", "w:showXMLTags",
    "w:alwaysMergeEmptyNamespace", "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr",
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema",
    "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown",
    "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags",
    "w:decimalSymbol", "w:listSeparator",
)  # fmt: skip

# Children that follow w:autoSpaceDN in w:pPr (the schema's order).
_PPR_AFTER_AUTOSPACE = (
    "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
# The kind of face each role is, for the font table (family, panose-1, 134 = GB2312).
_FAMILY = {"masthead": "roman", "body": "modern", "headline": "script", "heading": "modern",
           "page_number": "roman"}  # fmt: skip


def autospace_off(ppr: Any) -> None:
    """No automatic gap between Chinese and Latin text or digits in this w:pPr."""
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        el = ppr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            after = ("w:autoSpaceDN", *_PPR_AFTER_AUTOSPACE) if tag == "w:autoSpaceDE" else ()
            ppr.insert_element_before(el, *(after or _PPR_AFTER_AUTOSPACE))
        el.set(qn("w:val"), "0")


def chinese(rpr: Any) -> None:
    """Mark East Asian text in this w:rPr as Simplified Chinese (glyph forms, line breaking)."""
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:eastAsia"), "zh-CN")


def font_table(doc: Any, fonts: Fonts) -> None:
    """Add each role's official face to the font table with its stand-ins as ``w:altName``."""
    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = parse_xml(part.blob)
    known = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for role, faces in fonts.model_dump().items():
        if not faces or faces[0] in known:
            continue
        font = OxmlElement("w:font")
        font.set(qn("w:name"), faces[0])
        if len(faces) > 1:
            alt = OxmlElement("w:altName")
            alt.set(qn("w:val"), ",".join(faces[1:]))
            font.append(alt)
        for tag, val in (("w:charset", "86"), ("w:family", _FAMILY.get(role, "auto")),
                         ("w:pitch", "variable")):  # fmt: skip
            el = OxmlElement(tag)
            el.set(qn("w:val"), val)
            font.append(el)
        root.append(font)
        known.add(faces[0])
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def glue_attribution(text: str, attribution: str | None) -> str:
    """``text`` (ending in its attribution) with the attribution and the two characters
    before it joined so no line break falls inside them."""
    if not attribution:
        return text
    i = text.rfind("（")
    if i < 0 or not text.endswith("）"):
        return text
    start = max(0, i - 2)
    return text[:start] + WORD_JOINER.join(text[start:])


def line_break_rules(doc: Any) -> None:
    """The document's Chinese line-breaking lists, with the word joiner in both."""
    settings = doc.settings.element
    for tag, chars in (("w:noLineBreaksAfter", NOT_AT_LINE_END),
                       ("w:noLineBreaksBefore", NOT_AT_LINE_START)):  # fmt: skip
        el = OxmlElement(tag)
        el.set(qn("w:lang"), "zh-CN")
        el.set(qn("w:val"), chars)
        after = _SETTINGS_AFTER if tag == "w:noLineBreaksBefore" else ("w:noLineBreaksBefore", *_SETTINGS_AFTER)
        settings.insert_element_before(el, *after)


def keep(paragraph: Any, *, with_next: bool = False, together: bool = True) -> None:
    """Keep the paragraph's lines on one page, and with the next paragraph if asked."""
    fmt = paragraph.paragraph_format
    fmt.keep_together = together
    if with_next:
        fmt.keep_with_next = True
