"""Near-duplicate stories across sources (syndicated wire copy, light rewrites): MinHash over word shingles
with LSH banding in Redis, so each article gets a `dup_group` (the id of the first copy seen) and a stable
`first_seen`.

The fingerprint functions are pure; `DedupIndex` is the Redis edge.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

import redis

from worker.article import Article

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS  # 16 bands of 4: pairs above ~0.5 Jaccard meet in some band with high probability
SHINGLE_WORDS = 3
MIN_WORDS = 25  # below this a text is too short to call two stories the same
# Only the start of a text is fingerprinted: copies of one story share their opening, and the cost of a
# signature (NUM_PERM hashes per shingle) must stay bounded for a multi-megabyte document.
MAX_CHARS = 30_000
_PRIME = (1 << 61) - 1
_MAX_HASH = (1 << 32) - 1
_rng = random.Random(20240305)  # fixed seed: signatures must be comparable across processes and releases
_PERMUTATIONS = [(_rng.randrange(1, _PRIME), _rng.randrange(0, _PRIME)) for _ in range(NUM_PERM)]
_WORD = re.compile(r"\w+", re.UNICODE)


def normalised_words(text: str) -> list[str]:
    """Lower-case words without accents: punctuation, case and typography do not make a new story."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _WORD.findall(folded)


def shingles(words: list[str], size: int = SHINGLE_WORDS) -> set[int]:
    """64-bit hashes of overlapping word n-grams."""
    if len(words) < size:
        return {int.from_bytes(hashlib.blake2b(" ".join(words).encode(), digest_size=8).digest())} if words else set()
    return {
        int.from_bytes(hashlib.blake2b(" ".join(words[i : i + size]).encode(), digest_size=8).digest())
        for i in range(len(words) - size + 1)
    }


def minhash(hashes: set[int]) -> tuple[int, ...]:
    """NUM_PERM minima of universal hash permutations; equal positions estimate Jaccard similarity."""
    if not hashes:
        return tuple([_MAX_HASH] * NUM_PERM)
    return tuple(min(((a * h + b) % _PRIME) & _MAX_HASH for h in hashes) for a, b in _PERMUTATIONS)


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / NUM_PERM


def band_hashes(signature: tuple[int, ...]) -> list[str]:
    return [
        hashlib.blake2b(repr(signature[i * ROWS : (i + 1) * ROWS]).encode(), digest_size=8).hexdigest()
        for i in range(BANDS)
    ]


def fingerprint(text: str) -> tuple[int, ...] | None:
    """The signature of a text's first MAX_CHARS characters, or None when it is too short to compare."""
    words = normalised_words(text[:MAX_CHARS])
    if len(words) < MIN_WORDS:
        return None
    return minhash(shingles(words))


def _encode(signature: tuple[int, ...]) -> str:
    return ",".join(format(v, "x") for v in signature)


def _decode(raw: str) -> tuple[int, ...]:
    return tuple(int(v, 16) for v in raw.split(","))


@dataclass(frozen=True)
class DedupDecision:
    dup_group: str
    first_seen: datetime
    similar_to: str | None = None
    score: float = 0.0


class DedupIndex:
    """Fingerprints of recent articles in Redis: per-article hash + one set per LSH band value."""

    def __init__(self, client: redis.Redis, *, threshold: float, window_days: int, prefix: str = "nw:dedup") -> None:
        self.client = client
        self.threshold = threshold
        self.window = window_days * 86_400
        self.prefix = prefix

    def _doc_key(self, article_id: str) -> str:
        return f"{self.prefix}:doc:{article_id}"

    def _band_key(self, index: int, value: str) -> str:
        return f"{self.prefix}:band:{index}:{value}"

    def decide(self, article: Article) -> DedupDecision:
        """Which story an article belongs to; records its fingerprint for the articles after it.

        Serialised by a short Redis lock: two copies of one story handled at the same moment by two workers
        would otherwise each miss the other and found two groups. The fingerprint (the costly part) is
        computed before the lock, so the lock is held only for a few Redis round trips.
        """
        signature = fingerprint(f"{article.title}\n{article.body}")
        with self.client.lock(f"{self.prefix}:lock", timeout=30, blocking_timeout=30):
            return self._decide(article, signature)

    def _decide(self, article: Article, signature: tuple[int, ...] | None) -> DedupDecision:
        stored = self.client.hgetall(self._doc_key(article.id))
        if stored:
            group = stored[b"group"].decode()  # type: ignore[index]
            first_seen = datetime.fromisoformat(stored[b"first_seen"].decode())  # type: ignore[index]
            return DedupDecision(group, first_seen)
        first_seen = article.first_seen or article.ingested_at
        if signature is None:
            return DedupDecision(article.id, first_seen)
        bands = band_hashes(signature)
        pipe = self.client.pipeline()
        for i, value in enumerate(bands):
            pipe.smembers(self._band_key(i, value))
        candidates: set[bytes] = set().union(*pipe.execute())
        best_id, best_group, best_score = None, None, 0.0
        for raw_id in sorted(candidates):
            other_id = raw_id.decode()
            if other_id == article.id:
                continue
            other = self.client.hmget(self._doc_key(other_id), ["sig", "group"])
            if not other[0]:  # type: ignore[index]
                continue
            score = similarity(signature, _decode(other[0].decode()))  # type: ignore[index]
            if score > best_score:
                best_id, best_group, best_score = other_id, other[1].decode(), score  # type: ignore[index]
        group = best_group if best_group and best_score >= self.threshold else article.id
        pipe = self.client.pipeline()
        pipe.hset(
            self._doc_key(article.id),
            mapping={"sig": _encode(signature), "group": group, "first_seen": first_seen.isoformat()},
        )
        pipe.expire(self._doc_key(article.id), self.window)
        for i, value in enumerate(bands):
            pipe.sadd(self._band_key(i, value), article.id)
            pipe.expire(self._band_key(i, value), self.window)
        pipe.execute()
        if group == article.id:
            return DedupDecision(group, first_seen)
        return DedupDecision(group, first_seen, similar_to=best_id, score=best_score)

    def assign(self, article: Article) -> Article:
        """The article with `dup_group` and `first_seen` set (and what it resembles in metadata)."""
        decision = self.decide(article)
        metadata = dict(article.metadata)
        if decision.similar_to:
            metadata["dup_of"] = decision.similar_to
            metadata["dup_score"] = f"{decision.score:.2f}"
        return article.model_copy(
            update={"dup_group": decision.dup_group, "first_seen": decision.first_seen, "metadata": metadata}
        )
