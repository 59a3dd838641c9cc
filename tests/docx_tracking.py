"""Build edited .docx files with real WordprocessingML revision markup, as Word or WPS
saves them with track changes on: ``w:ins``, ``w:del``/``w:delText``, and comments in
``word/comments.xml`` (with their part and relationship)."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _run(text: str, *, deleted: bool = False) -> etree._Element:
    r = etree.Element(_w("r"))
    t = etree.SubElement(r, _w("delText" if deleted else "t"))
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def _change(tag: str, change_id: int, author: str, text: str) -> etree._Element:
    el = etree.Element(_w(tag))
    el.set(_w("id"), str(change_id))
    el.set(_w("author"), author)
    el.set(_w("date"), "2026-06-20T10:00:00Z")
    el.append(_run(text, deleted=tag == "del"))
    return el


def track(data: bytes, edits: list[tuple[str, str, str]], comments: list[tuple[str, str]]) -> bytes:
    """``data`` with each (old, new, author) made a tracked replacement, plus comments."""
    src = zipfile.ZipFile(io.BytesIO(data))
    doc = etree.fromstring(src.read("word/document.xml"))
    change_id = 1
    for old, new, author in edits:
        t = next(t for t in doc.iter(_w("t")) if t.text and old in t.text)
        run = t.getparent()
        before, _, after = (t.text or "").partition(old)
        parent = run.getparent()
        at = parent.index(run)
        pieces: list[etree._Element] = []
        if before:
            pieces.append(_run(before))
        pieces.append(_change("del", change_id, author, old))
        if new:
            pieces.append(_change("ins", change_id + 1, author, new))
        if after:
            pieces.append(_run(after))
        change_id += 2
        parent.remove(run)
        for offset, piece in enumerate(pieces):
            parent.insert(at + offset, piece)
    first = next(doc.iter(_w("p")))
    for n, _ in enumerate(comments):
        start = etree.Element(_w("commentRangeStart"))
        start.set(_w("id"), str(n))
        first.insert(0, start)
        end = etree.SubElement(first, _w("commentRangeEnd"))
        end.set(_w("id"), str(n))
    root = etree.Element(_w("comments"), nsmap={"w": W})
    for n, (author, text) in enumerate(comments):
        c = etree.SubElement(root, _w("comment"))
        c.set(_w("id"), str(n))
        c.set(_w("author"), author)
        etree.SubElement(etree.SubElement(c, _w("p")), _w("r")).append(_run(text)[0])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            raw = src.read(item.filename)
            if item.filename == "word/document.xml":
                raw = etree.tostring(doc, xml_declaration=True, encoding="UTF-8", standalone=True)
            elif item.filename == "[Content_Types].xml" and comments:
                raw = raw.replace(
                    b"</Types>",
                    f'<Override PartName="/word/comments.xml" ContentType="{COMMENTS_CT}"/></Types>'.encode(),
                )
            elif item.filename == "word/_rels/document.xml.rels" and comments:
                raw = raw.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rIdC1" Type="{COMMENTS_REL}" Target="comments.xml"/>'
                    "</Relationships>".encode(),
                )
            z.writestr(item, raw)
        if comments:
            z.writestr(
                "word/comments.xml", etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            )
    return out.getvalue()
