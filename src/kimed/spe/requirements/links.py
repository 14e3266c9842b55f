"""Links for a requirement's sources: EUR-Lex articles, GDNG sections, the rendered SATRE and
TEHDAS2 specifications. A source without a stable address gets None."""

from __future__ import annotations

from kimed.spe.requirements.schema import Catalogue
from kimed.spe.requirements.validate import LEGAL

SATRE_SPEC = "https://satre-specification.readthedocs.io/en/stable/"
TEHDAS2_SPEC = ("https://health-ri.github.io/data-station-specification/en/appendix/"
                "tehdas2-requirements")


def legal_url(ref: str, catalogue: Catalogue) -> str | None:
    """The act's page, pointing at the article (EUR-Lex ``#art_<n>``) or section (GDNG)."""
    match = LEGAL.match(ref)
    act = catalogue.acts.get(match["act"]) if match else None
    if act is None:
        return None
    if act.style == "section":
        return f"{act.url.rstrip('/')}/__{match['num']}.html"
    return f"{act.url}#art_{match['num']}"


def source_links(req, catalogue: Catalogue) -> list[dict]:
    """Every source of ``req`` as {kind, label, url}."""
    s = req.sources
    return ([{"kind": "legal", "label": r, "url": legal_url(r, catalogue)} for r in s.legal]
            + [{"kind": "satre", "label": f"SATRE {r}", "url": SATRE_SPEC} for r in s.satre]
            + [{"kind": "tehdas2", "label": f"TEHDAS2 {r}", "url": TEHDAS2_SPEC}
               for r in s.tehdas2]
            + [{"kind": "standard", "label": r, "url": None} for r in s.standards])
