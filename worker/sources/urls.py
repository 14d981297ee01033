"""Canonical URLs (one spelling per article, so one id) and the registered domain a host's budget is keyed by."""

from __future__ import annotations

import ipaddress
import posixpath
import re
from functools import lru_cache
from urllib.parse import quote, unquote_plus, urljoin, urlsplit, urlunsplit

import tldextract


class InvalidURLError(ValueError):
    """A URL that cannot be fetched or stored: not http(s), no host, or not parseable."""


# Parameters that say how a reader arrived, never what they read. Matched case-insensitively.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "gclsrc",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "__hstc",
        "__hssc",
        "__hsfp",
        "hsctatracking",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "vero_conv",
        "wickedid",
        "rb_clickid",
        "s_cid",
        "s_kwcid",
        "ocid",
        "ncid",
        "cmpid",
        "icid",
        "cmp",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "sr_share",
        "spm",
        "scid",
        "ref_src",
        "ref_url",
        "xtor",
        "__twitter_impression",
        "smid",
        "smtyp",
        "soc_src",
        "soc_trk",
        "share",
        "shared",
        "feature",
        "dicbo",
        "cvid",
        "ito",
        "taid",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        # Taken from courlan's tracker list (what it has and this list lacked; its broader patterns such as
        # any name containing "source", "ref" or "session" would also drop parameters that pick content).
        "ysclid",
        "clickid",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "matomo_", "piwik_", "hmb_", "ga_", "trk_", "itm_")
_SAFE_PATH = "/:@!$&'()*+,;=-._~"
_SAFE_QUERY = "/?:@!$'()*+,;-._~"
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

# The Public Suffix List as bundled with tldextract: never fetched at run time (no network, deterministic).
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def normalise_host(host: str) -> str:
    """Lower case, no trailing dot, internationalised names in their ASCII (punycode) form."""
    host = host.strip().rstrip(".").lower()
    if not host:
        raise InvalidURLError("URL has no host")
    if host.startswith("["):
        return host
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InvalidURLError(f"host {host!r} is not a valid domain name") from exc


def _normalise_escapes(component: str, safe: str) -> str:
    """%7E and ~ are the same URL: unreserved characters decoded, other escapes upper case, the rest quoted."""

    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    return quote(_ESCAPE.sub(fix, component), safe=safe + "%")


def normalise_path(path: str) -> str:
    """Dot segments resolved, escapes normalised, no trailing slash except for the root."""
    if not path or path == "/":
        return "/"
    resolved = posixpath.normpath(path)
    if resolved.startswith("//"):
        resolved = "/" + resolved.lstrip("/")
    if resolved == ".":
        resolved = "/"
    resolved = _normalise_escapes(resolved, _SAFE_PATH)
    return resolved if resolved == "/" else resolved.rstrip("/") or "/"


def clean_query(query: str) -> str:
    """Tracking parameters removed, the rest sorted so parameter order does not make a new URL.

    Each parameter is kept byte for byte apart from escape normalisation (%7e -> ~, %2b -> %2B): decoding
    and re-encoding would turn %2B (a plus sign) into +, which the server reads as a space.
    """
    pairs = []
    for part in query.split("&"):
        if not part:
            continue
        name, sep, value = part.partition("=")
        if is_tracking_param(unquote_plus(name)):
            continue
        pairs.append((_normalise_escapes(name, _SAFE_QUERY), sep, _normalise_escapes(value, _SAFE_QUERY + "=")))
    pairs.sort(key=lambda pair: (pair[0], pair[2]))
    return "&".join(name + sep + value for name, sep, value in pairs)


def canonical_url(url: str, base: str | None = None) -> str:
    """The one spelling of a URL: http(s) only, lower-case host, no default port, no tracking parameters,
    sorted query, no fragment, no trailing slash. `base` resolves a relative URL (a feed's or page's own).
    """
    url = url.strip()
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidURLError(f"unparseable URL {url!r}: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidURLError(f"not an http(s) URL: {url!r}")
    if not parts.hostname:
        raise InvalidURLError(f"URL has no host: {url!r}")
    host = normalise_host(parts.hostname)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    default_port = 80 if scheme == "http" else 443
    netloc = host if port in (None, default_port) else f"{host}:{port}"
    # `#!` fragments (old AJAX crawling scheme) name different pages; other fragments are positions.
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    return urlunsplit((scheme, netloc, normalise_path(parts.path), clean_query(parts.query), fragment))


def host_of(url: str) -> str:
    """The host of a URL, normalised (IPv6 without brackets)."""
    hostname = urlsplit(url).hostname
    if not hostname:
        raise InvalidURLError(f"URL has no host: {url!r}")
    return normalise_host(hostname)


@lru_cache(maxsize=4096)
def registered_domain(host: str) -> str:
    """`www.bbc.co.uk` -> `bbc.co.uk`: the unit a politeness budget applies to (one publisher's servers).

    IP literals and single labels (localhost) have no registered domain: the host itself.
    """
    host = normalise_host(host).strip("[]")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    parts = _EXTRACT(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    # A suffix the list does not know (.test, .example, .internal, a company's own TLD): its last label is
    # taken as the suffix, so www.site.test and feeds.site.test share one budget as they share a server.
    labels = host.split(".")
    return ".".join(labels[-2:]) if len(labels) > 2 else host


def budget_key(url: str) -> str:
    """Which politeness budget a URL draws on: its registered domain.

    A host without one (an IP literal, `localhost`, a one-label intranet name) with an explicit port is
    keyed `host:port`: distinct ports there are usually distinct services (and local test setups give each
    "site" its own port). A named site's hosts share one budget whatever their ports (www and apex alike).
    """
    parts = urlsplit(url)
    host = host_of(url).strip("[]")
    domain = registered_domain(host)
    if parts.port is not None and domain == host and ("." not in host or _is_ip(host)):
        return f"{domain}:{parts.port}"
    return domain


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def same_site(a: str, b: str) -> bool:
    """Whether two URLs belong to the same registered domain."""
    return registered_domain(host_of(a)) == registered_domain(host_of(b))


_SECRET_PARAM = re.compile(r"key|token|secret|pass|auth|sig|session|credential", re.IGNORECASE)


def redact_url(url: str) -> str:
    """The URL as shown to readers: no user:password, and the values of credential-like query parameters
    (`apikey`, `token`, `sig`, …) masked; everything else as given."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc.rsplit("@", 1)[-1] if "@" in parts.netloc else parts.netloc
    query = "&".join(
        f"{pair.split('=', 1)[0]}=***" if "=" in pair and _SECRET_PARAM.search(pair.split("=", 1)[0]) else pair
        for pair in parts.query.split("&")
    ) if parts.query else ""  # fmt: skip
    return urlunsplit(parts._replace(netloc=netloc, query=query))
