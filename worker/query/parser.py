"""Parse a search string into an AST: AND/OR/NOT/-term, parentheses, "phrases"~N, prefix*, field:value, ranges.

Grammar (operators in capitals; juxtaposition means AND; NOT binds tighter than AND, AND tighter than OR):

    query    := or? EOF
    or       := and ("OR" and)*
    and      := unary (("AND")? unary)*
    unary    := ("NOT" | "-") unary | primary
    primary  := "(" or ")" | FIELD ":" value | value
    value    := WORD | WORD"*" | PHRASE ("~" INT)? | "(" or ")" | "[" BOUND "TO" BOUND "]" | (">"|">="|"<"|"<=") BOUND

Every error is a QuerySyntaxError carrying the 0-based character offset where the parser gave up, so the API
answers 400 with `{"error", "position"}` and the CLI one line, instead of a silent empty result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# Logical field names users type, mapped to their canonical name.
FIELDS: dict[str, str] = {
    "title": "title",
    "body": "body",
    "text": "body",
    "source": "source",
    "lang": "lang",
    "language": "lang",
    "topic": "topic",
    "entity": "entity",
    "type": "type",
    "author": "author",
    "url": "url",
    "published": "published",
    "date": "published",
}
RANGE_FIELDS = frozenset({"published"})
MIN_PREFIX_CHARS = 2
MAX_SLOP = 50
MAX_QUERY_CHARS = 4000
MAX_DEPTH = 32


class QuerySyntaxError(ValueError):
    """A query the parser cannot read; `position` is the 0-based character offset of the problem."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at {position}")
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Term:
    text: str
    field: str | None = None
    prefix: bool = False
    pos: int = 0


@dataclass(frozen=True)
class Phrase:
    text: str
    field: str | None = None
    slop: int = 0
    pos: int = 0


@dataclass(frozen=True)
class Range:
    field: str
    lower: str | None
    upper: str | None
    include_lower: bool = True
    include_upper: bool = True
    pos: int = 0


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class MatchAll:
    pass


Node = Term | Phrase | Range | And | Or | Not | MatchAll

TokenKind = Literal["(", ")", "AND", "OR", "NOT", "FIELD", "WORD", "PHRASE", "RANGE", "CMP", "EOF"]


@dataclass
class Token:
    kind: TokenKind
    pos: int
    text: str = ""
    slop: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


_WORD_STOP = set(' \t\r\n()"')


def _read_phrase(query: str, start: int) -> tuple[Token, int]:
    i = start + 1
    chars: list[str] = []
    while i < len(query) and query[i] != '"':
        if query[i] == "\\" and i + 1 < len(query):
            i += 1
        chars.append(query[i])
        i += 1
    if i >= len(query):
        raise QuerySyntaxError("unterminated phrase: expected '\"'", len(query))
    i += 1
    slop = 0
    if i < len(query) and query[i] == "~":
        j = i + 1
        while j < len(query) and query[j].isdigit():
            j += 1
        if j == i + 1:
            raise QuerySyntaxError("expected a number of words after '~'", i + 1)
        slop = int(query[i + 1 : j])
        if slop > MAX_SLOP:
            raise QuerySyntaxError(f"proximity ~{slop} is over {MAX_SLOP}", i + 1)
        i = j
    return Token("PHRASE", start, "".join(chars), slop), i


def _read_range(query: str, start: int) -> tuple[Token, int]:
    closing = "]" if query[start] == "[" else "}"
    end = start + 1
    while end < len(query) and query[end] not in "]}":
        end += 1
    if end >= len(query):
        raise QuerySyntaxError(f"unterminated range: expected '{closing}'", len(query))
    parts = query[start + 1 : end].split()
    if len(parts) != 3 or parts[1] != "TO":
        raise QuerySyntaxError("a range is [FROM TO UNTIL] (use * for an open end)", start)
    lower, upper = (None if p == "*" else p for p in (parts[0], parts[2]))
    token = Token("RANGE", start)
    token.extra = {
        "lower": lower,
        "upper": upper,
        "include_lower": query[start] == "[",
        "include_upper": query[end] == "]",
    }
    return token, end + 1


def tokenize(query: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    n = len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(Token(char, i))  # type: ignore[arg-type]
            i += 1
        elif char == '"':
            token, i = _read_phrase(query, i)
            tokens.append(token)
        elif char in "[{" and tokens and tokens[-1].kind == "FIELD":
            token, i = _read_range(query, i)
            tokens.append(token)
        elif char in "<>" and tokens and tokens[-1].kind == "FIELD":
            op = query[i : i + 2] if query[i : i + 2] in (">=", "<=") else char
            j = i + len(op)
            k = j
            while k < n and query[k] not in _WORD_STOP:
                k += 1
            if k == j:
                raise QuerySyntaxError(f"expected a date after '{op}'", j)
            tokens.append(Token("CMP", i, query[j:k], extra={"op": op}))
            i = k
        elif char in "-!" and i + 1 < n and not query[i + 1].isspace() and (not tokens or _separates(query, i)):
            tokens.append(Token("NOT", i, char))
            i += 1
        elif char == "+" and i + 1 < n and not query[i + 1].isspace():
            i += 1  # "+term": required, which every term already is
        else:
            j = i
            while j < n and query[j] not in _WORD_STOP:
                j += 1
            word = query[i:j]
            name, colon, _ = word.partition(":")
            after_field = bool(tokens) and tokens[-1].kind == "FIELD" and tokens[-1].extra["end"] == i
            if colon and name and name.isalpha() and not after_field:
                canonical = FIELDS.get(name.lower())
                if canonical is None:
                    raise QuerySyntaxError(
                        f"unknown field '{name}' (fields: {', '.join(sorted(set(FIELDS.values())))}; "
                        "quote the text to search for it)",
                        i,
                    )
                i += len(name) + 1
                tokens.append(Token("FIELD", i - len(name) - 1, canonical, extra={"end": i, "name": name}))
                continue  # the value (word, phrase, group, range) is read as the next token
            if word in ("AND", "&&"):
                tokens.append(Token("AND", i, word))
            elif word in ("OR", "||"):
                tokens.append(Token("OR", i, word))
            elif word == "NOT":
                tokens.append(Token("NOT", i, word))
            else:
                tokens.append(Token("WORD", i, word))
            i = j
    tokens.append(Token("EOF", n))
    return tokens


def _separates(query: str, i: int) -> bool:
    """A '-' is NOT only at the start of a word ("-Rutte", "(-x"), not inside one ("covid-19")."""
    return i == 0 or query[i - 1].isspace() or query[i - 1] in "(:"


class _Parser:
    def __init__(self, query: str) -> None:
        self.tokens = tokenize(query)
        self.i = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Node:
        if self.peek().kind == "EOF":
            return MatchAll()
        node = self.parse_or(None)
        token = self.peek()
        if token.kind == ")":
            raise QuerySyntaxError("unexpected ')' without '('", token.pos)
        if token.kind != "EOF":
            raise QuerySyntaxError(f"unexpected {_describe(token)}", token.pos)
        return node

    def parse_or(self, fld: str | None) -> Node:
        children = [self.parse_and(fld)]
        while self.peek().kind == "OR":
            self.take()
            children.append(self.parse_and(fld))
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self, fld: str | None) -> Node:
        children = [self.parse_unary(fld)]
        while True:
            kind = self.peek().kind
            if kind == "AND":
                self.take()
                children.append(self.parse_unary(fld))
            elif kind in ("NOT", "FIELD", "WORD", "PHRASE", "("):
                children.append(self.parse_unary(fld))
            else:
                break
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_unary(self, fld: str | None) -> Node:
        token = self.peek()
        if token.kind == "NOT":
            self.take()
            return Not(self.parse_unary(fld))
        return self.parse_primary(fld)

    def parse_primary(self, fld: str | None) -> Node:
        token = self.take()
        if token.kind == "(":
            return self.parse_group(token, fld)
        if token.kind == "FIELD":
            return self.parse_value(token.text, token)
        if token.kind in ("WORD", "PHRASE"):
            return self.leaf(token, fld)
        if token.kind == "EOF":
            previous = self.tokens[self.i - 2] if self.i >= 2 else None
            after = f" after {_describe(previous)}" if previous else ""
            raise QuerySyntaxError(f"expected a word, phrase or '('{after}", token.pos)
        raise QuerySyntaxError(f"unexpected {_describe(token)}", token.pos)

    def parse_group(self, opening: Token, fld: str | None) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QuerySyntaxError(f"more than {MAX_DEPTH} nested parentheses", opening.pos)
        if self.peek().kind == ")":
            raise QuerySyntaxError("empty parentheses", self.peek().pos)
        node = self.parse_or(fld)
        closing = self.take()
        if closing.kind != ")":
            raise QuerySyntaxError("expected ')'", closing.pos)
        self.depth -= 1
        return node

    def parse_value(self, fld: str, field_token: Token) -> Node:
        token = self.peek()
        if token.pos != field_token.extra["end"] or token.kind in ("EOF", ")", "AND", "OR", "NOT", "FIELD"):
            raise QuerySyntaxError(f"expected a value after '{field_token.extra['name']}:'", field_token.extra["end"])
        self.take()
        if token.kind == "(":
            return self.parse_group(token, fld)
        if token.kind == "RANGE":
            if fld not in RANGE_FIELDS:
                raise QuerySyntaxError(f"'{fld}:' takes no range (only published:)", token.pos)
            return Range(
                fld,
                _str(token.extra["lower"]),
                _str(token.extra["upper"]),
                bool(token.extra["include_lower"]),
                bool(token.extra["include_upper"]),
                token.pos,
            )
        if token.kind == "CMP":
            if fld not in RANGE_FIELDS:
                raise QuerySyntaxError(f"'{fld}:' takes no comparison (only published:)", token.pos)
            op = token.extra["op"]
            if op in (">", ">="):
                return Range(fld, token.text, None, include_lower=op == ">=", pos=token.pos)
            return Range(fld, None, token.text, include_upper=op == "<=", pos=token.pos)
        return self.leaf(token, fld)

    def leaf(self, token: Token, fld: str | None) -> Node:
        if token.kind == "PHRASE":
            if not token.text.strip():
                raise QuerySyntaxError("empty phrase", token.pos)
            return Phrase(token.text, fld, token.slop, token.pos)
        text = token.text
        star = text.find("*")
        if star == 0:
            raise QuerySyntaxError("a word cannot start with '*' (no leading wildcards)", token.pos)
        if star > 0:
            if star != len(text) - 1:
                raise QuerySyntaxError("'*' is allowed only at the end of a word", token.pos + star)
            if len(text) - 1 < MIN_PREFIX_CHARS:
                raise QuerySyntaxError(f"a prefix needs at least {MIN_PREFIX_CHARS} characters before '*'", token.pos)
            return Term(text[:-1], fld, True, token.pos)
        return Term(text, fld, False, token.pos)


def _str(value: str | bool | None) -> str | None:
    return value if isinstance(value, str) else None


def _describe(token: Token) -> str:
    if token.kind == "EOF":
        return "end of query"
    if token.kind in ("WORD", "PHRASE"):
        return f"'{token.text}'"
    if token.kind == "FIELD":
        return f"'{token.text}:'"
    return f"'{token.text or token.kind}'"


def parse(query: str) -> Node:
    """The AST of a query string; an empty query is MatchAll. Raises QuerySyntaxError."""
    if len(query) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"query longer than {MAX_QUERY_CHARS} characters", MAX_QUERY_CHARS)
    if "\x00" in query:
        raise QuerySyntaxError("NUL character in query", query.index("\x00"))
    return _Parser(query).parse()
