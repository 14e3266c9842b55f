"""A small document model rendered to Markdown and to standalone, print-friendly HTML.

Blocks: headings (with anchors), paragraphs, bullet lists and tables. Inline text may hold
``[label](url)`` links, ``**strong**``, ``*emphasis*`` and ```code```; everything else is
escaped. Used by the concept document.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
INLINE = [(re.compile(r"\*\*([^*]+)\*\*"), "strong"), (re.compile(r"\*([^*\s][^*]*)\*"), "em"),
          (re.compile(r"`([^`]+)`"), "code")]


@dataclass
class Heading:
    level: int
    text: str
    anchor: str


@dataclass
class Para:
    text: str


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Raw:
    """Pre-rendered content: ``html`` for HTML, ``markdown`` for Markdown (e.g. an SVG chart)."""

    html: str
    markdown: str = ""


@dataclass
class Document:
    title: str
    subtitle: str = ""
    blocks: list = field(default_factory=list)

    def heading(self, level: int, text: str, anchor: str) -> None:
        self.blocks.append(Heading(level, text, anchor))

    def para(self, text: str) -> None:
        self.blocks.append(Para(text))

    def toc(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading) and b.level <= 3]


def _plain_html(text: str) -> str:
    """Escaped text with the little Markdown we write: **strong**, *emphasis* and `code`."""
    text = html.escape(text)
    for pattern, tag in INLINE:
        text = pattern.sub(rf"<{tag}>\1</{tag}>", text)
    return text


def _inline_html(text: str) -> str:
    out, last = [], 0
    for match in LINK.finditer(text):
        out.append(_plain_html(text[last:match.start()]))
        out.append(f'<a href="{html.escape(match[2])}">{html.escape(match[1])}</a>')
        last = match.end()
    out.append(_plain_html(text[last:]))
    return "".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(doc: Document) -> str:
    lines = [f"# {doc.title}", ""]
    if doc.subtitle:
        lines += [doc.subtitle, ""]
    lines += ["## Contents", ""]
    for h in doc.toc():
        lines.append(f"{'  ' * (h.level - 2)}- [{h.text}](#{h.anchor})")
    lines.append("")
    for block in doc.blocks:
        if isinstance(block, Heading):
            lines += [f'<a id="{block.anchor}"></a>', "", f"{'#' * block.level} {block.text}", ""]
        elif isinstance(block, Para):
            lines += [block.text, ""]
        elif isinstance(block, Bullets):
            lines += [f"- {item}" for item in block.items] + [""]
        elif isinstance(block, Table):
            lines += ["| " + " | ".join(_cell(h) for h in block.headers) + " |",
                      "|" + "---|" * len(block.headers)]
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
            lines.append("")
        elif isinstance(block, Raw) and block.markdown:
            lines += [block.markdown, ""]
    return "\n".join(lines)


CSS = """
body{font-family:Georgia,'Times New Roman',serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#1b1b1b}
h1,h2,h3,h4,nav{font-family:system-ui,sans-serif}h1{font-size:2rem;margin-bottom:.2rem}
h2{border-bottom:2px solid #0b5394;padding-bottom:.2rem;margin-top:2.5rem}
.subtitle{color:#555}nav.toc{background:#f4f6f8;padding:.5rem 1.5rem;border-radius:4px}
nav.toc ul{list-style:none;padding-left:1rem}nav.toc a{text-decoration:none}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:1rem 0}
th,td{border:1px solid #c8ccd0;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#e8eef4}a{color:#0b5394}figure{margin:1rem 0}figure svg{max-width:100%}
@media print{body{max-width:none;margin:0;font-size:10pt}nav.toc{background:none}
h2{break-before:page}h2,h3{break-after:avoid}tr,figure{break-inside:avoid}
a{color:inherit;text-decoration:none}}
"""


def to_html_body(doc: Document, table_class: str = "") -> str:
    """The table of contents and the blocks as HTML, without the page around them (the web
    page puts this inside the site layout; ``table_class`` styles its tables there)."""
    toc = "\n".join(f'<li style="margin-left:{h.level - 2}rem"><a href="#{h.anchor}">'
                    f"{html.escape(h.text)}</a></li>" for h in doc.toc())
    table_attr = f' class="{html.escape(table_class)}"' if table_class else ""
    body = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            body.append(f'<h{block.level} id="{html.escape(block.anchor)}">'
                        f"{html.escape(block.text)}</h{block.level}>")
        elif isinstance(block, Para):
            body.append(f"<p>{_inline_html(block.text)}</p>")
        elif isinstance(block, Bullets):
            body.append("<ul>" + "".join(f"<li>{_inline_html(i)}</li>" for i in block.items)
                        + "</ul>")
        elif isinstance(block, Table):
            head = "".join(f"<th>{html.escape(h)}</th>" for h in block.headers)
            rows = "".join("<tr>" + "".join(f"<td>{_inline_html(c)}</td>" for c in row) + "</tr>"
                           for row in block.rows)
            body.append(f"<table{table_attr}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody>"
                        "</table>")
        elif isinstance(block, Raw):
            body.append(f"<figure>{block.html}</figure>")
    return (f'<nav class="toc" aria-label="Contents"><h2 id="contents">Contents</h2><ul>{toc}'
            f"</ul></nav>\n" + "\n".join(body))


def to_html(doc: Document, lang: str = "en") -> str:
    """A standalone HTML page with print-friendly CSS."""
    subtitle = f'<p class="subtitle">{html.escape(doc.subtitle)}</p>' if doc.subtitle else ""
    return (f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(doc.title)}</title><style>{CSS}</style></head>\n<body>"
            f"<h1>{html.escape(doc.title)}</h1>{subtitle}\n"
            + to_html_body(doc) + "\n</body></html>\n")
