"""XML that is refused before any parser sees it: entity declarations (expansion bombs, external entities)."""

from __future__ import annotations

import re

from worker.sources.parsed import UnsafeXMLError

_PROLOG_DOCTYPE = re.compile(
    r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--.*?-->|<\?.*?\?>)\s*)*<!DOCTYPE\b(?P<doctype>[^\[>]*(?:\[(?P<subset>.*?)\])?\s*)>",
    re.DOTALL | re.IGNORECASE,
)


def refuse_unsafe_xml(text: str, source: str) -> None:
    """Refuse a document whose DOCTYPE declares entities.

    Expat (under feedparser) and libxml2 have expansion limits, and feedparser drops entities whose value
    references others, but a feed has no business declaring entities at all: refusing them up front is
    one rule for every XML parser we use (feeds and sitemaps), and the reason is recorded.
    """
    match = _PROLOG_DOCTYPE.match(text[:200_000])
    if not match:
        return
    declarations = (match.group("subset") or "") + match.group("doctype")
    if re.search(r"<!ENTITY", declarations, re.IGNORECASE):
        raise UnsafeXMLError(f"{source}: XML entity declarations refused (entity expansion / XXE protection)")
