"""XML from strangers, read without collateral damage: what a document's DTD may declare, and the lxml
parser options every XML read uses.

The DTD is read by expat (the standard library's parser) up to the first element and never expanded: its
declarations are reported one by one, so the rule is about what they say, not about how a regular
expression sees the DOCTYPE. Allowed: internal general entities with a small literal value, the way real
feeds declare `&nbsp;` or `&mdash;` (XHTML habits). Refused, each with its own reason: external entities
(XXE: a SYSTEM/PUBLIC identifier would read a file or a URL), parameter entities (they rewrite the DTD
itself), entities whose value refers to other entities (the only way to build an expansion bomb such as
"billion laughs"), oversized values, too many declarations or references. What passes is expanded here,
the DTD removed (so no DTD text can reach a title), and parsed without entities, DTD loading or network
(`SAFE_PARSER_OPTIONS`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.parsers import expat

from worker.sources.parsed import UnsafeXMLError

MAX_ENTITY_VALUE = 1_000  # characters: `&nbsp;` is one, a boilerplate sentence a few hundred
MAX_ENTITIES = 100
MAX_EXPANSION = 1_000_000  # characters all references together may add
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# lxml, after safe_xml: nothing left to resolve; never load a DTD, never touch the network, never build a
# tree beyond libxml2's default limits.
SAFE_PARSER_OPTIONS: dict[str, object] = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "huge_tree": False,
}


class _PrologRead(Exception):
    """The first element started: the DTD, if any, has been read in full."""


def safe_xml(text: str, source: str) -> str:
    """The document with its DTD checked (UnsafeXMLError says what is refused), then removed, and its
    internal entities expanded in place: what is left needs no entity handling from any parser, so feeds
    (feedparser), sitemaps and OPML (lxml) all read declared entities the same way. The XML declaration
    is dropped too: the text is already decoded."""
    body = _XML_DECL.sub("", text, count=1)
    data = body.encode("utf-8")
    parser = expat.ParserCreate("utf-8")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    entities: dict[str, str] = {}
    span = {"start": -1, "end": -1}
    in_dtd = False

    def refuse(reason: str) -> None:
        raise UnsafeXMLError(f"{source}: {reason}")

    def entity_decl(
        name: str,
        is_parameter_entity: bool,
        value: str | None,
        base: str | None,
        system_id: str | None,
        public_id: str | None,
        notation_name: str | None,
    ) -> None:
        if len(entities) >= MAX_ENTITIES:
            refuse(f"more than {MAX_ENTITIES} entity declarations refused (entity expansion protection)")
        if system_id is not None or public_id is not None or notation_name is not None:
            refuse(f"external entity {name!r} refused (XXE protection)")
        if is_parameter_entity:
            refuse(f"parameter entity {name!r} refused (entity expansion / XXE protection)")
        if value is None or "&" in value:
            refuse(f"entity {name!r} refers to other entities: refused (entity expansion protection)")
        assert value is not None
        if len(value) > MAX_ENTITY_VALUE:
            refuse(f"entity {name!r} longer than {MAX_ENTITY_VALUE} characters refused")
        entities.setdefault(name, value)  # XML: the first declaration binds

    def doctype(*_: object) -> None:
        nonlocal in_dtd
        in_dtd = True
        # expat reports the position after the doctype's name; the declaration starts at its "<!DOCTYPE".
        span["start"] = data.rfind(b"<!DOCTYPE", 0, parser.CurrentByteIndex + 1)

    def doctype_end() -> None:
        nonlocal in_dtd
        in_dtd = False

    def first_element(*_: object) -> None:
        span["end"] = parser.CurrentByteIndex
        raise _PrologRead

    parser.StartDoctypeDeclHandler = doctype
    parser.EndDoctypeDeclHandler = doctype_end
    parser.EntityDeclHandler = entity_decl
    parser.StartElementHandler = first_element
    parser.ExternalEntityRefHandler = lambda *_: 0  # an unexpected external reference is an error, not a read
    try:
        parser.Parse(data, True)
    except _PrologRead:
        pass
    except expat.ExpatError as exc:
        if in_dtd or entities:
            refuse(f"unreadable DTD refused ({exc})")
        return body  # not well-formed before any DTD: the tolerant parsers downstream decide what to read
    if span["start"] < 0:
        return body
    if span["end"] < 0:
        refuse("DTD without a document element refused")
    rest = data[span["end"] :].decode("utf-8")
    if entities:
        rest = _expand(rest, entities, refuse)
    return data[: span["start"]].decode("utf-8") + rest


def _expand(text: str, entities: dict[str, str], refuse: Callable[[str], None]) -> str:
    pattern = re.compile("&(" + "|".join(re.escape(name) for name in entities) + ");")
    added = sum(len(entities[m.group(1)]) for m in pattern.finditer(text))
    if added > MAX_EXPANSION:
        refuse(f"entities expand to more than {MAX_EXPANSION} characters: refused (entity expansion protection)")
    return pattern.sub(lambda m: _escape(entities[m.group(1)]), text)


def _escape(value: str) -> str:
    # The value was declared as replacement text; kept as character data (markup inside an entity value
    # is vanishingly rare in feeds, and never worth letting a DTD inject elements).
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
