"""Near-duplicates across sources share a dup_group (real Redis); different stories do not."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import redis
from source_server import data

from worker import dedup
from worker.article import Article, RawItem
from worker.dedup import DedupIndex, fingerprint, similarity
from worker.extract import article_from_item

NOW = datetime(2024, 3, 6, 12, 0, tzinfo=UTC)


def article(page: str, url: str, source: str):  # type: ignore[no-untyped-def]
    raw = RawItem(
        kind="feed", source=source, url=url, title="t", text="feed text", html=data(page).decode(), final_url=url
    )
    return article_from_item(raw, now=NOW)


def test_syndicated_copy_with_small_edits_joins_the_original_group(redis_client: redis.Redis) -> None:
    index = DedupIndex(redis_client, threshold=0.6, window_days=14)
    original = index.assign(article("article_full.html", "https://www.harbourgazette.example/news/ferry", "hg"))
    copy = index.assign(article("article_syndicated.html", "https://www.coastalcourier.example/ferry", "cc"))
    other = index.assign(article("article_other.html", "https://www.harbourgazette.example/news/storm", "hg"))
    assert original.dup_group == original.id
    assert copy.dup_group == original.id and copy.id != original.id
    assert copy.metadata["dup_of"] == original.id and float(copy.metadata["dup_score"]) >= 0.6
    assert other.dup_group == other.id


def test_reingesting_an_article_keeps_its_group_and_first_seen(redis_client: redis.Redis) -> None:
    index = DedupIndex(redis_client, threshold=0.6, window_days=14)
    first = index.assign(article("article_full.html", "https://a.example/x", "a"))
    later = article("article_full.html", "https://a.example/x", "a").model_copy(
        update={"first_seen": datetime(2025, 1, 1, tzinfo=UTC)}
    )
    again = index.assign(later)
    assert again.dup_group == first.dup_group and again.first_seen == first.first_seen


def test_short_texts_are_not_compared() -> None:
    assert fingerprint("Too short to say.") is None


def test_similarity_of_identical_and_unrelated() -> None:
    a = fingerprint("word " * 10 + "the quick brown fox jumps over the lazy dog " * 5)
    b = fingerprint("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor " * 5)
    assert a is not None and b is not None
    assert similarity(a, a) == 1.0 and similarity(a, b) < 0.2


def test_fingerprint_cost_is_bounded_for_huge_texts() -> None:
    import time

    from worker.dedup import MAX_CHARS, fingerprint

    story = " ".join(f"woord{i % 997} zin{i % 89}" for i in range(20_000))
    huge = story * 30  # ~ 5 MB
    start = time.perf_counter()
    small_sig = fingerprint(story[:MAX_CHARS])
    small = time.perf_counter() - start
    start = time.perf_counter()
    huge_sig = fingerprint(huge)
    large = time.perf_counter() - start
    assert huge_sig == small_sig  # only the opening counts
    assert large < small * 5 + 0.5  # not ~170x the text, ~170x the time


# --- the vectorised MinHash and the batch decision

REPO = Path(__file__).resolve().parents[2]


def _news(language: str, n: int) -> list[str]:
    rows = [json.loads(line) for line in (REPO / "data" / "topics" / "news.jsonl").read_text().splitlines()]
    texts = [r["title"] + "\n\n" + r["text"] for r in rows if r["language"] == language]
    return ["\n\n".join(texts[k : k + 4]) for k in range(0, 4 * n, 4)]


def _reference_fingerprint(text: str) -> tuple[int, ...] | None:
    """The fingerprint as the release before the numpy version computed it (Python integers, one by one)."""
    folded = unicodedata.normalize("NFKD", text[: dedup.MAX_CHARS].lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    words = re.findall(r"\w+", folded)
    if len(words) < dedup.MIN_WORDS:
        return None
    hashes = {
        int.from_bytes(hashlib.blake2b(" ".join(words[i : i + 3]).encode(), digest_size=8).digest())
        for i in range(len(words) - 2)
    }
    return tuple(
        min(((a * h + b) % dedup._PRIME) & dedup._MAX_HASH for h in hashes) for a, b in dedup._PERMUTATIONS
    )


def _edited(text: str, every: int) -> str:
    """A light rewrite: every `every`-th word replaced, accents and case changed here and there."""
    words = text.split(" ")
    return " ".join("gewijzigd" if i % every == 0 else w for i, w in enumerate(words)).replace("e ", "é ")


def test_signatures_and_jaccard_estimates_equal_the_python_integer_version() -> None:
    texts = _news("nl", 6) + _news("en", 6)
    texts += ["Één café, naïef geëxporteerd: Ærø Øresund ﬁnale " * 10, "x" * 40 + " y" * 30]
    # several distinct marks, stacked marks (Vietnamese), Greek tonos, Arabic harakat, marks on their own
    texts += ["Nguyễn Thị Ánh và Trần Đức Thắng ở Hà Nội; Αθήνα, Ηράκλειο; كَتَبَ الوَلَدُ \u0301 a\u0308 " * 8]
    texts += ["\n\n".join(_news("nl", 4)), "\n\n".join(_news("en", 40))]  # several blocks; past MAX_CHARS
    sigs = {t: fingerprint(t) for t in texts + [_edited(t, 7) for t in texts]}
    for text, sig in sigs.items():
        assert sig == _reference_fingerprint(text)  # stored signatures stay comparable: no migration
    for text in texts:
        new, old = sigs[text], _reference_fingerprint(_edited(text, 7))
        assert new is not None and old is not None
        assert similarity(new, sigs[_edited(text, 7)]) == similarity(_reference_fingerprint(text), old)  # type: ignore[arg-type]


def test_exact_modular_arithmetic_at_the_edges() -> None:
    edges = [0, 1, dedup._PRIME - 1, dedup._PRIME, dedup._PRIME + 1, (1 << 63), (1 << 64) - 1, (1 << 61) + 7]
    got = dedup._permuted(np.array(edges, dtype=np.uint64))
    for row, (a, b) in enumerate(dedup._PERMUTATIONS):
        assert [int(v) for v in got[row]] == [((a * h + b) % dedup._PRIME) & dedup._MAX_HASH for h in edges]


def _articles(texts: list[str]) -> list[Article]:
    return [
        Article(id=hashlib.sha1(t.encode()).hexdigest()[:16], source="test", title="t", body=t,
                paragraphs=[t], content_hash=hashlib.sha1(t.encode()).hexdigest(), ingested_at=NOW)
        for t in texts
    ]  # fmt: skip


def test_a_copy_later_in_the_same_batch_joins_its_original(redis_client: redis.Redis) -> None:
    story, other = _news("en", 2)
    original, unrelated, copy = _articles([story, other, _edited(story, 30)])
    index = DedupIndex(redis_client, threshold=0.6, window_days=14)
    grouped = index.assign_batch([original, unrelated, copy])
    assert [a.dup_group for a in grouped] == [original.id, unrelated.id, original.id]
    assert grouped[2].metadata["dup_of"] == original.id


def test_a_batch_decides_as_the_articles_one_by_one(redis_client: redis.Redis) -> None:
    stories = _news("nl", 5) + _news("en", 5)
    texts = [*stories[:4], _edited(stories[0], 30), _edited(stories[5], 12), stories[5], _edited(stories[0], 20)]
    texts += [*stories[6:], stories[2], _edited(stories[9], 25), _edited(stories[9], 8), "te kort"]
    articles = _articles(texts)
    one = DedupIndex(redis_client, threshold=0.6, window_days=14, prefix="t:one")
    batch = DedupIndex(redis_client, threshold=0.6, window_days=14, prefix="t:batch")
    # half of it already stored, then the rest: stored and in-batch candidates both count
    singly = [one.decide(a) for a in articles]
    assert batch.decide_batch(articles[:6], [dedup.article_fingerprint(a) for a in articles[:6]]) == singly[:6]
    assert batch.decide_batch(articles[6:], [dedup.article_fingerprint(a) for a in articles[6:]]) == singly[6:]
    assert len({d.dup_group for d in singly}) < len(articles)  # some copies were grouped


def test_a_batch_takes_two_script_calls_and_one_lock(redis_client: redis.Redis, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    articles = _articles(_news("en", 10) + [_edited(t, 30) for t in _news("en", 10)])
    DedupIndex(redis_client, threshold=0.6, window_days=14).assign_batch(articles[:5])
    trips: list[str] = []
    real_execute, real_command = redis.client.Pipeline.execute, redis.Redis.execute_command

    def execute(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        trips.append("pipeline")
        return real_execute(self, *args, **kwargs)

    def command(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        trips.append(str(args[0]))
        return real_command(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", execute)
    monkeypatch.setattr(redis.Redis, "execute_command", command)
    grouped = DedupIndex(redis_client, threshold=0.6, window_days=14).assign_batch(articles)
    assert trips.count("pipeline") == 0
    assert trips.count("SET") == 1 and trips.count("EVALSHA") == 3, trips  # lock, reads, writes, release
    assert len(trips) <= 6, trips  # (and the scripts' loads, once per Redis)
    assert sum(a.dup_group != a.id for a in grouped) == 10


class _PipelinedIndex(DedupIndex):
    """The batch decision as the release before the Lua scripts made it (three pipelines, ≈ 52 commands per
    article): the reference the scripts must agree with, decision for decision and key for key."""

    def _decide_batch(self, articles, signatures):  # type: ignore[no-untyped-def]
        bands = [dedup.band_hashes(s) if s is not None else [] for s in signatures]
        ids = list(dict.fromkeys(a.id for a in articles))
        band_keys = sorted({(i, v) for article_bands in bands for i, v in enumerate(article_bands)})
        pipe = self.client.pipeline(transaction=False)
        for article_id in ids:
            pipe.hmget(self._doc_key(article_id), ["group", "first_seen"])
        for i, v in band_keys:
            pipe.smembers(self._band_key(i, v))
        replies = pipe.execute()
        stored = {}
        for article_id, (group, seen) in zip(ids, replies[: len(ids)], strict=True):
            if group is not None and seen is not None:
                stored[article_id] = (group.decode(), datetime.fromisoformat(seen.decode()))
        members = {key: {m.decode() for m in found} for key, found in zip(band_keys, replies[len(ids) :], strict=True)}
        remote = sorted(set().union(*members.values()))
        pipe = self.client.pipeline(transaction=False)
        for other_id in remote:
            pipe.hmget(self._doc_key(other_id), ["sig", "group"])
        known = {
            other_id: (dedup._decode(sig.decode()), group.decode())
            for other_id, (sig, group) in zip(remote, pipe.execute() if remote else [], strict=True)
            if sig and group is not None
        }
        decisions = []
        pipe = self.client.pipeline()
        for article, signature, article_bands in zip(articles, signatures, bands, strict=True):
            if article.id in stored:
                decisions.append(dedup.DedupDecision(*stored[article.id]))
                continue
            first_seen = article.first_seen or article.ingested_at
            if signature is None:
                decisions.append(dedup.DedupDecision(article.id, first_seen))
                continue
            candidates = set().union(*(members.get((i, v), set()) for i, v in enumerate(article_bands)))
            best_id, best_group, best_score = self._best(signature, candidates - {article.id}, known)
            group = best_group if best_group and best_score >= self.threshold else article.id
            if group == article.id:
                decisions.append(dedup.DedupDecision(group, first_seen))
            else:
                decisions.append(dedup.DedupDecision(group, first_seen, similar_to=best_id, score=best_score))
            stored[article.id] = (group, first_seen)
            known[article.id] = (signature, group)
            for key in enumerate(article_bands):
                members.setdefault(key, set()).add(article.id)
            doc_key = self._doc_key(article.id)
            pipe.hset(doc_key, mapping={"sig": dedup._encode(signature), "group": group,
                                        "first_seen": first_seen.isoformat()})  # fmt: skip
            pipe.expire(doc_key, self.window)
            for i, value in enumerate(article_bands):
                pipe.sadd(self._band_key(i, value), article.id)
                pipe.expire(self._band_key(i, value), self.window)
        if len(pipe):
            pipe.execute()
        return decisions


def _stored(client: redis.Redis, prefix: str) -> dict[str, object]:
    """Everything an index wrote under its prefix (without the prefix), with whether each key expires."""
    state: dict[str, object] = {}
    for key in client.scan_iter(match=f"{prefix}:*"):
        name = key.decode()[len(prefix) :]
        kind = client.type(key).decode()
        value = client.hgetall(key) if kind == "hash" else client.smembers(key) if kind == "set" else None
        state[name] = (kind, value, 0 < client.ttl(key) <= 14 * 86_400)
    return state


def test_the_scripts_decide_and_store_as_the_pipelines_did(redis_client: redis.Redis) -> None:
    stories = _news("nl", 8) + _news("en", 8)
    texts = [*stories, *(_edited(t, k) for t, k in zip(stories, [30, 12, 8, 25, 5, 40, 3, 20] * 2, strict=True))]
    texts += [stories[3], "te kort", _edited(stories[10], 9), _edited(_edited(stories[10], 9), 11)]
    rng = __import__("random").Random(14)
    rng.shuffle(texts)
    articles = _articles(texts)
    articles += [articles[2].model_copy(update={"first_seen": datetime(2025, 1, 1, tzinfo=UTC)})]  # re-ingested
    lua = DedupIndex(redis_client, threshold=0.6, window_days=14, prefix="t:lua")
    pipelined = _PipelinedIndex(redis_client, threshold=0.6, window_days=14, prefix="t:pipe")
    got, expected = [], []
    for start, end in [(0, 7), (7, 8), (8, 25), (25, len(articles))]:  # stored and in-batch candidates
        part = articles[start:end]
        signatures = [dedup.article_fingerprint(a) for a in part]
        got += lua.decide_batch(part, signatures)
        expected += pipelined.decide_batch(part, signatures)
    assert got == expected
    assert sum(d.similar_to is not None for d in got) >= 8  # copies were found, stored and in the batch
    assert _stored(redis_client, "t:lua") == _stored(redis_client, "t:pipe")


def test_a_batch_takes_the_dedup_lock_soon_after_its_holder_lets_go(redis_client: redis.Redis) -> None:
    """The lock is held for milliseconds; a batch that found it taken used to sleep redis-py's 0.1 s poll."""
    index = DedupIndex(redis_client, threshold=0.6, window_days=14)
    story = article("article_full.html", "https://a.example/lock", "a")
    signature = dedup.article_fingerprint(story)
    holder = redis_client.lock(f"{index.prefix}:lock", timeout=5, thread_local=False)  # released by the timer
    assert holder.acquire(blocking=False)
    threading.Timer(0.02, holder.release).start()
    started = time.monotonic()
    decision = index.decide_batch([story], [signature])[0]
    waited = time.monotonic() - started
    assert decision.dup_group == story.id
    assert 0.02 <= waited < 0.09, f"took the lock {waited:.3f} s after asking, 0.02 s after it was free"


def test_a_dedup_lock_never_freed_fails_the_batch_with_the_reason(redis_client: redis.Redis) -> None:
    index = DedupIndex(redis_client, threshold=0.6, window_days=14, lock_wait=0.2)
    story = article("article_full.html", "https://a.example/stuck", "a")
    assert redis_client.lock(f"{index.prefix}:lock", timeout=5).acquire(blocking=False)
    with pytest.raises(redis.exceptions.LockError, match=r"not acquired within 0\.2 s"):
        index.assign(story)
