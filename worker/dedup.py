"""Near-duplicate stories across sources (syndicated wire copy, light rewrites): MinHash over word shingles
with LSH banding in Redis, so each article gets a `dup_group` (the id of the first copy seen) and a stable
`first_seen`.

The fingerprint functions are pure; `DedupIndex` is the Redis edge. A batch is decided under one lock with two
Redis calls, each a Lua script (reads, writes), not a lock and a dozen round trips per article: the pipelines
they replace sent ≈ 52 commands per article for redis-py to pack and Redis to parse (bench/RESULTS.md,
2026-11-30, issue 14 tagging off).

Signatures are stored in Redis and compared with those of other processes and earlier releases, so their
values are fixed: blake2b-64 of each shingle, then (a*h + b) mod (2^61 - 1), low 32 bits, for 64 seeded
(a, b). The permutations are computed exactly in numpy uint64 (`_permuted`: the 122-bit product split into
32-bit halves and folded with the Mersenne prime), so the values are the ones the earlier pure-Python loop
gave and stored signatures stay comparable without a migration. Measured (bench/RESULTS.md, 2026-11-30):
38.6 ms per 780-word article before, in Python integers.
"""

from __future__ import annotations

import hashlib
import random
import re
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt
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

Hashes = npt.NDArray[np.uint64]

_P = np.uint64(_PRIME)
_LOW32 = np.uint64(_MAX_HASH)
_LOW29 = np.uint64((1 << 29) - 1)
_A = np.array([a for a, _ in _PERMUTATIONS], dtype=np.uint64)[:, None]  # one row per permutation
_B = np.array([b for _, b in _PERMUTATIONS], dtype=np.uint64)[:, None]
_A_HI, _A_LO = _A >> np.uint64(32), _A & _LOW32
_BLOCK = 256


def _reduced(x: Hashes) -> Hashes:
    """x mod 2^61 - 1 for any uint64 x (2^61 = 1 mod p; the fold leaves at most p + 7)."""
    x = (x & _P) + (x >> np.uint64(61))
    return np.minimum(x, x - _P)  # x - p wraps around to a huge value when x < p


def _permuted(hashes: Hashes) -> Hashes:
    """(a*h + b) mod (2^61 - 1) & (2^32 - 1) for every permutation (rows) and hash (columns), exactly.

    With h, a < 2^61 split in 32-bit halves: a*h = hi*2^64 + mid*2^32 + lo, where 2^64 = 8 (mod p) and
    mid*2^32 = (mid >> 29)*2^61 + (mid & (2^29-1))*2^32 = (mid >> 29) + (mid & (2^29-1))*2^32 (mod p);
    every partial product fits in 64 bits, and so does their sum with b, reduced once at the end.
    In place where it can be: the matrix is NUM_PERM x shingles, ~50k values for a 780-word article.
    """
    h = _reduced(hashes)[None, :]
    h_hi, h_lo = h >> np.uint64(32), h & _LOW32
    total = _A_HI * h_hi
    total <<= np.uint64(3)  # hi*2^64 = hi*8, < 2^61
    mid = _A_HI * h_lo
    mid += _A_LO * h_hi  # < 2^62
    part = mid >> np.uint64(29)
    total += part
    np.bitwise_and(mid, _LOW29, out=mid)
    mid <<= np.uint64(32)
    total += mid  # < 2^62 + 2^33
    lo = _A_LO * h_lo  # < 2^64: folded before adding
    np.right_shift(lo, np.uint64(61), out=part)
    lo &= _P
    total += lo
    total += part
    total += _B  # < 2^63 + 2^62: no wrap-around
    np.right_shift(total, np.uint64(61), out=part)
    total &= _P
    total += part  # < p + 8
    np.subtract(total, _P, out=part)
    np.minimum(total, part, out=total)
    total &= _LOW32
    return total


def normalised_words(text: str) -> list[str]:
    """Lower-case words without accents: punctuation, case and typography do not make a new story."""
    folded = text.lower()
    if not folded.isascii():
        folded = unicodedata.normalize("NFKD", folded)
        # the distinct combining marks of the text (a handful), each dropped by one C pass of str.replace:
        # str.translate with a dict looks every character up in Python (234 -> 123 us per bench article)
        for mark in [ch for ch in set(folded) if unicodedata.combining(ch)]:
            folded = folded.replace(mark, "")
    return _WORD.findall(folded)


def shingle_hashes(words: list[str], size: int = SHINGLE_WORDS) -> Hashes:
    """64-bit hashes (blake2b, big-endian) of overlapping word n-grams, as a uint64 array."""
    if not words:
        return np.empty(0, dtype=np.uint64)
    grams = (
        [" ".join(words)]
        if len(words) < size
        # zip of shifted lists and a list (not a generator) into join: 429 -> 377 us for 750 shingles
        else {" ".join(gram) for gram in zip(*(words[k:] for k in range(size)), strict=False)}  # shorter: fine
    )
    blake2b = hashlib.blake2b
    digests = b"".join([blake2b(g.encode(), digest_size=8).digest() for g in grams])
    return np.frombuffer(digests, dtype=">u8").astype(np.uint64)


def shingles(words: list[str], size: int = SHINGLE_WORDS) -> set[int]:
    """64-bit hashes of overlapping word n-grams."""
    return {int(h) for h in shingle_hashes(words, size)}


def minhash_array(hashes: Hashes) -> tuple[int, ...]:
    """NUM_PERM minima of universal hash permutations; equal positions estimate Jaccard similarity."""
    if not hashes.size:
        return tuple([_MAX_HASH] * NUM_PERM)
    # In blocks of shingles, so the temporaries (NUM_PERM x block uint64, 128 KB) stay in cache: 0.95 -> 0.51 ms
    # CPU for 750 shingles (bench/RESULTS.md, 2026-11-30).
    minima = _permuted(hashes[:_BLOCK]).min(axis=1)
    for start in range(_BLOCK, hashes.size, _BLOCK):
        np.minimum(minima, _permuted(hashes[start : start + _BLOCK]).min(axis=1), out=minima)
    return tuple(int(v) for v in minima)


def minhash(hashes: set[int]) -> tuple[int, ...]:
    """`minhash_array` of a set of Python integers."""
    return minhash_array(np.fromiter(hashes, dtype=np.uint64, count=len(hashes)))


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
    return minhash_array(shingle_hashes(words))


def _encode(signature: tuple[int, ...]) -> str:
    return ",".join(format(v, "x") for v in signature)


def _decode(raw: str) -> tuple[int, ...]:
    return tuple(int(v, 16) for v in raw.split(","))


def article_fingerprint(article: Article) -> tuple[int, ...] | None:
    return fingerprint(f"{article.title}\n{article.body}")


@dataclass(frozen=True)
class DedupDecision:
    dup_group: str
    first_seen: datetime
    similar_to: str | None = None
    score: float = 0.0


def with_decision(article: Article, decision: DedupDecision) -> Article:
    """The article with `dup_group` and `first_seen` set (and what it resembles in metadata)."""
    metadata = dict(article.metadata)
    if decision.similar_to:
        metadata["dup_of"] = decision.similar_to
        metadata["dup_score"] = f"{decision.score:.2f}"
    return article.model_copy(
        update={"dup_group": decision.dup_group, "first_seen": decision.first_seen, "metadata": metadata}
    )


# The batch's reads in one call: each id's stored group and first_seen; each article's candidates (SUNION of its
# band sets, one command instead of one SMEMBERS per band); the signature and group of every candidate.
# KEYS: the ids' doc keys, then every article's band keys in order. ARGV: the number of ids, the key prefix, then
# each article's number of bands (0 when it has no signature). Candidates' doc keys are built from the prefix
# (a single Redis, not a cluster).
_READ_SCRIPT = """
local n_ids = tonumber(ARGV[1])
local prefix = ARGV[2]
local stored = {}
for i = 1, n_ids do
  stored[i] = redis.call('HMGET', KEYS[i], 'group', 'first_seen')
end
local found, remote, seen = {}, {}, {}
local k = n_ids
for a = 3, #ARGV do
  local n = tonumber(ARGV[a])
  local members = {}
  if n > 0 then
    members = redis.call('SUNION', unpack(KEYS, k + 1, k + n))
    k = k + n
  end
  found[#found + 1] = members
  for _, id in ipairs(members) do
    if not seen[id] then
      seen[id] = true
      remote[#remote + 1] = id
    end
  end
end
local signatures = {}
for i, id in ipairs(remote) do
  signatures[i] = redis.call('HMGET', prefix .. ':doc:' .. id, 'sig', 'group')
end
return {stored, found, remote, signatures}
"""

# The batch's writes in one call, in the order the pipeline of MULTI/EXEC used to send them: per new article its
# hash (sig, group, first_seen) and expiry, then its id added to each band set, each expiring with the window.
# KEYS: per article its doc key, then its band keys. ARGV: the window, then per article: number of bands,
# signature, group, first_seen, id. Atomic, as the transaction was.
_WRITE_SCRIPT = """
local window = ARGV[1]
local k, a = 1, 2
while a <= #ARGV do
  local n, id = tonumber(ARGV[a]), ARGV[a + 4]
  redis.call('HSET', KEYS[k], 'sig', ARGV[a + 1], 'group', ARGV[a + 2], 'first_seen', ARGV[a + 3])
  redis.call('EXPIRE', KEYS[k], window)
  for b = 1, n do
    redis.call('SADD', KEYS[k + b], id)
    redis.call('EXPIRE', KEYS[k + b], window)
  end
  k, a = k + 1 + n, a + 5
end
return k - 1
"""


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


# The batch lock is held for the two script calls, a few ms. redis-py's lock polls every 0.1 s, so a batch that
# found it taken slept up to 100 ms inside its task: with two processes running one-article tasks, 0.4-1.2 % of
# the dedup calls took 103-104 ms (`python -m bench.dedup_lock`, bench/RESULTS.md 2026-12-01); with these polls,
# which start at 2 ms and double (jittered) up to 50 ms so that a long wait costs Redis little, at most 9-13 ms.
LOCK_TIMEOUT = 30  # seconds a holder that died keeps the lock
LOCK_FIRST_POLL = 0.002
LOCK_MAX_POLL = 0.05


@contextmanager
def held(client: redis.Redis, name: str, *, wait: float) -> Iterator[None]:
    """Hold the Redis lock `name`, waiting at most `wait` seconds for it (then redis's LockError, as a
    blocking `client.lock` raises)."""
    lock = client.lock(name, timeout=LOCK_TIMEOUT)
    deadline = time.monotonic() + wait
    pause = LOCK_FIRST_POLL
    while not lock.acquire(blocking=False):
        if time.monotonic() >= deadline:
            raise redis.exceptions.LockError(f"lock {name} not acquired within {wait:g} s", lock_name=name)
        time.sleep(pause * random.uniform(0.5, 1.0))
        pause = min(pause * 2, LOCK_MAX_POLL)
    try:
        yield
    finally:
        lock.release()


class DedupIndex:
    """Fingerprints of recent articles in Redis: per-article hash + one set per LSH band value."""

    def __init__(self, client: redis.Redis, *, threshold: float, window_days: int, prefix: str = "nw:dedup",
                 lock_wait: float = 30.0) -> None:  # fmt: skip
        self.client = client
        self.lock_wait = lock_wait
        self.threshold = threshold
        self.window = window_days * 86_400
        self.prefix = prefix
        self._read = client.register_script(_READ_SCRIPT)
        self._write = client.register_script(_WRITE_SCRIPT)

    @property
    def lock_key(self) -> str:
        """The one lock a batch's decisions are made under."""
        return f"{self.prefix}:lock"

    def _doc_key(self, article_id: str) -> str:
        return f"{self.prefix}:doc:{article_id}"

    def _band_key(self, index: int, value: str) -> str:
        return f"{self.prefix}:band:{index}:{value}"

    def decide_batch(
        self, articles: Sequence[Article], signatures: Sequence[tuple[int, ...] | None]
    ) -> list[DedupDecision]:
        """Which story each article belongs to, in order; records the fingerprints for the articles after them
        (in this batch too: a copy may follow its original in the same batch).

        Serialised by a short Redis lock, one per batch: two copies of one story handled at the same moment by
        two workers would otherwise each miss the other and found two groups. The fingerprints (the costly
        part) are computed before the lock; under it, two calls for the whole batch, each a Lua script: the
        reads (what is stored, the candidates, their signatures) and the writes.
        """
        if not articles:
            return []
        with held(self.client, self.lock_key, wait=self.lock_wait):
            return self._decide_batch(articles, signatures)

    def decide(self, article: Article) -> DedupDecision:
        return self.decide_batch([article], [article_fingerprint(article)])[0]

    def _decide_batch(
        self, articles: Sequence[Article], signatures: Sequence[tuple[int, ...] | None]
    ) -> list[DedupDecision]:
        bands = [band_hashes(s) if s is not None else [] for s in signatures]
        ids = list(dict.fromkeys(a.id for a in articles))
        stored_raw, found_raw, remote_raw, signatures_raw = self._read(
            keys=[*map(self._doc_key, ids), *(self._band_key(i, v) for b in bands for i, v in enumerate(b))],
            args=[len(ids), self.prefix, *map(len, bands)],
        )
        stored: dict[str, tuple[str, datetime]] = {}
        for article_id, (group, seen) in zip(ids, stored_raw, strict=True):
            if group is not None and seen is not None:
                stored[article_id] = (_text(group), datetime.fromisoformat(_text(seen)))
        # Each article's stored candidates (the union of its band sets), then the signatures of them all.
        found: list[set[str]] = [{_text(m) for m in members} for members in found_raw]
        known: dict[str, tuple[tuple[int, ...], str]] = {
            _text(other_id): (_decode(_text(sig)), _text(group))
            for other_id, (sig, group) in zip(remote_raw, signatures_raw, strict=True)
            if sig and group is not None
        }
        added: dict[tuple[int, str], set[str]] = {}  # band sets as this batch's earlier articles extend them
        decisions: list[DedupDecision] = []
        writes: list[str | int] = []
        keys: list[str] = []
        for article, signature, article_bands, stored_candidates in zip(
            articles, signatures, bands, found, strict=True
        ):
            if article.id in stored:
                decisions.append(DedupDecision(*stored[article.id]))
                continue
            first_seen = article.first_seen or article.ingested_at
            if signature is None:
                decisions.append(DedupDecision(article.id, first_seen))
                continue
            candidates = stored_candidates.union(*(added.get(key, ()) for key in enumerate(article_bands)))
            best_id, best_group, best_score = self._best(signature, candidates - {article.id}, known)
            group = best_group if best_group and best_score >= self.threshold else article.id
            if group == article.id:
                decisions.append(DedupDecision(group, first_seen))
            else:
                decisions.append(DedupDecision(group, first_seen, similar_to=best_id, score=best_score))
            # what the articles after it must see, as if it had been written already
            stored[article.id] = (group, first_seen)
            known[article.id] = (signature, group)
            for key in enumerate(article_bands):
                added.setdefault(key, set()).add(article.id)
            keys += [self._doc_key(article.id), *(self._band_key(i, v) for i, v in enumerate(article_bands))]
            writes += [len(article_bands), _encode(signature), group, first_seen.isoformat(), article.id]
        if writes:
            self._write(keys=keys, args=[self.window, *writes])
        return decisions

    @staticmethod
    def _best(
        signature: tuple[int, ...], candidates: set[str], known: dict[str, tuple[tuple[int, ...], str]]
    ) -> tuple[str | None, str | None, float]:
        """The most similar candidate with a stored signature; on a tie, the smallest id (as the stored bytes
        sort)."""
        ordered = sorted((c for c in candidates if c in known), key=str.encode)
        if not ordered:
            return None, None, 0.0
        matrix = np.array([known[c][0] for c in ordered], dtype=np.uint64)
        equal = (matrix == np.array(signature, dtype=np.uint64)).sum(axis=1)
        best = int(equal.argmax())
        if not equal[best]:
            return None, None, 0.0
        return ordered[best], known[ordered[best]][1], int(equal[best]) / NUM_PERM

    def assign_batch(self, articles: Sequence[Article]) -> list[Article]:
        """The articles with `dup_group` and `first_seen` set, in order."""
        decisions = self.decide_batch(articles, [article_fingerprint(a) for a in articles])
        return [with_decision(a, d) for a, d in zip(articles, decisions, strict=True)]

    def assign(self, article: Article) -> Article:
        """The article with `dup_group` and `first_seen` set (and what it resembles in metadata)."""
        return self.assign_batch([article])[0]
