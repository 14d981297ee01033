"""The benchmark suite (issue 14): limits, end to end, stages, latency, memory, scaling, feeds, a cluster.

    .venv/bin/python -m bench [--articles 400] [--e2e-articles 2000] [--repeats 3] [--quick] [--skip cluster,...]
        [--json bench-results.json] [--profile] [--shapes 'tagging off'] [--profile-worker DIR]

Starts from running services (Elasticsearch on NEWSWORKER_ES_URL; Redis on --redis, default
redis://127.0.0.1:6379: databases 11-13 are flushed) and starts its own Celery workers. Every index it
makes has a unique prefix and is deleted at the end. Corpus: realistic 400-1,000-word Dutch and English
articles built from the labelled news in data/topics/news.jsonl (paragraphs of one language drawn without
repetition per article; every article distinct). Each figure is the median of --repeats runs with min-max;
ratios compare runs made in the same invocation. Sections (skip any with --skip):

  limit    (a) raw streaming_bulk / parallel_bulk of the final article documents into the same template
  stages   (c) per-stage median µs per article in one process, and entities vs the bare model's nlp.pipe
  e2e      (b) enqueue -> Redis -> Celery -> normalise -> dedup -> tag -> bulk -> searchable, tagging on/off
           (the target shapes over --e2e-articles, tagging off over --limit-docs articles, the others over
           --articles),
           (e) peak RSS and PSS per worker process, whole stack; models preloaded in the parent vs not,
           (f) 1 vs 2 processes, batch sizes 10/50/200, and one article per task ((d)'s shape at full load)
  latency  (d) p50/p95/p99 enqueue -> searchable at half the measured maximum (one article per task), each
           article's time split at its task's start and end (Celery task events): queue wait, task run,
           index -> searchable (the refresh), with the mean time per stage from the workers' histograms
  feeds    (g) feed polls/s against local servers, all answering 304, and with 20 new items each
  cluster  (h) the end-to-end run against a local 3-node cluster (bench/cluster.py), 3 shards, 1 replica,
           workers under two host names
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

RUN = uuid.uuid4().hex[:6]
REPO = Path(__file__).resolve().parent.parent
SECTIONS = ("limit", "stages", "e2e", "latency", "feeds", "cluster")
DEDUP_BATCH = 50  # the e2e runs' batch size
ONE_PER_TASK = "tagging on, 2 processes, one article per task"  # (d)'s shape at full load: its capacity


def _db(url: str, db: int) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{db}"))


def configure(redis_url: str) -> None:
    """Own index prefix and Redis databases, before anything reads the settings."""
    os.environ["NEWSWORKER_INDEX_PREFIX"] = f"nwbench-{RUN}"
    os.environ["NEWSWORKER_BROKER_URL"] = _db(redis_url, 11)
    os.environ["NEWSWORKER_RESULT_BACKEND"] = _db(redis_url, 12)
    os.environ["NEWSWORKER_REDIS_URL"] = _db(redis_url, 13)
    os.environ.setdefault("NEWSWORKER_TASK_MAX_RETRIES", "2")


# --- corpus


def corpus(n: int, seed: int = 14, length: tuple[int, int] = (400, 1000)) -> list[tuple[str, str, int]]:
    """(language, document text, words): n distinct articles of length[0]-length[1] words (by the snippets
    drawn; the title and subheadings add a few), alternating nl/en."""
    rows = [json.loads(line) for line in (REPO / "data" / "topics" / "news.jsonl").read_text().splitlines()]
    by_language: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_language.setdefault(row["language"], []).append(row)
    rng = random.Random(seed)
    seen: set[tuple[str, ...]] = set()
    docs: list[tuple[str, str, int]] = []
    while len(docs) < n:
        language = "nl" if len(docs) % 2 == 0 else "en"
        pool = by_language[language]
        target = rng.randint(*length)
        # one main topic (consecutive snippets are related), then others: reads like a news page
        start = rng.randrange(len(pool))
        picked: list[dict[str, Any]] = []
        words = 0
        order = [pool[(start + k) % len(pool)] for k in range(4)] + rng.sample(pool, min(len(pool), 60))
        for row in order:
            if row["id"] in {p["id"] for p in picked}:
                continue
            picked.append(row)
            words += len(row["text"].split())
            if words >= target:
                break
        key = tuple(p["id"] for p in picked)
        if key in seen:
            continue
        seen.add(key)
        day = 1 + len(docs) % 28
        paragraphs = []
        for k, row in enumerate(picked):
            if k and k % 4 == 0:
                paragraphs.append(row["title"])  # a subheading now and then
            paragraphs.append(row["text"])
        text = f"date 2026-11-{day:02d}\ntitle {picked[0]['title']}\n\n" + "\n\n".join(paragraphs)
        docs.append((language, text, len(text.split())))
    return docs


def word_range(text: str) -> tuple[int, int]:
    """'400-480' -> (400, 480), for --words."""
    low, sep, high = text.partition("-")
    try:
        bounds = (int(low), int(high))
    except ValueError:
        bounds = (0, -1)
    if not sep or not 0 < bounds[0] <= bounds[1]:
        raise argparse.ArgumentTypeError(f"expected LOW-HIGH words, e.g. 400-480, not {text!r}")
    return bounds


def picks(shapes: str, name: str) -> bool:
    """Whether --shapes selects the end-to-end shape `name`: it contains one of the |-separated strings (the
    names themselves contain commas); an empty --shapes selects every shape."""
    wanted = [w.strip() for w in shapes.split("|") if w.strip()]
    return not wanted or any(w in name for w in wanted)


def raw_items(docs: list[tuple[str, str, int]], source: str) -> list[Any]:
    from worker.sources.documents import document_item

    return [document_item(text, name=f"{source}-{i}", source=source) for i, (_, text, _) in enumerate(docs)]


# --- small helpers

def percentile(values: list[float], p: float) -> float:
    """The p-th percentile by rank (the suite's convention: the value below which p % of the values lie)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


def latency_split(sent: dict[str, float], seen: dict[str, float],
                  events: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:  # fmt: skip
    """Each article's enqueue -> searchable split at its task's start and end: p50, p95 and mean of each part.
    `sent` and `seen` are the article's enqueue and first-found times, `events` its task's event times (Celery
    event type -> timestamp); an article whose task lacks the start or end event is left out of the split."""
    parts: dict[str, list[float]] = {"queue wait": [], "  to worker": [], "  reserved": [], "task run": [],
                                     "index -> searchable": [], "total": []}  # fmt: skip
    for article_id, at in seen.items():
        e = events.get(article_id, {})
        if "task-started" not in e or "task-succeeded" not in e:
            continue
        parts["queue wait"].append(e["task-started"] - sent[article_id])
        if "task-received" in e:
            parts["  to worker"].append(e["task-received"] - sent[article_id])
            parts["  reserved"].append(e["task-started"] - e["task-received"])
        parts["task run"].append(e["task-succeeded"] - e["task-started"])
        parts["index -> searchable"].append(at - e["task-succeeded"])
        parts["total"].append(at - sent[article_id])
    return {name: {"p50_s": percentile(v, 50), "p95_s": percentile(v, 95),
                   "mean_s": statistics.fmean(v) if v else float("nan"), "n": len(v)}
            for name, v in parts.items()}  # fmt: skip



def median_range(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def fmt(stat: dict[str, float], digits: int = 1) -> str:
    return f"{stat['median']:,.{digits}f} ({stat['min']:,.{digits}f}–{stat['max']:,.{digits}f})"


def in_process_parallel(items: list[Any], settings: Any, *, processes: int) -> float:
    """Articles/s of normalise + tag in `processes` forked processes at once, each on its share of `items`:
    what the same number of processes does without Celery, Redis or Elasticsearch (models loaded before the
    fork, as the worker's prefork pool does). Measured, not `processes` × one process: the cores, caches and
    memory bandwidth are shared."""
    import multiprocessing

    from worker.pipeline import normalise_items
    from worker.tagging import tag_articles

    def work(share: list[Any]) -> None:
        tag_articles(normalise_items(share, settings).articles)

    context = multiprocessing.get_context("fork")
    children = [context.Process(target=work, args=(items[k::processes],)) for k in range(processes)]
    start = time.perf_counter()
    for child in children:
        child.start()
    for child in children:
        child.join()
    elapsed = time.perf_counter() - start
    failed = [child.exitcode for child in children if child.exitcode != 0]
    if failed:
        raise RuntimeError(f"in-process tagging child exited with {failed}")
    return len(items) / elapsed


def seconds_of(fn: Callable[[], Any]) -> float:
    """Wall time of fn, or the time it reports itself (a float) when it has untimed setup."""
    start = time.perf_counter()
    reported = fn()
    return reported if isinstance(reported, float) else time.perf_counter() - start


def children(pid: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(c) for c in f.read().split()]
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (0 when it is gone)."""
    with contextlib.suppress(OSError, ValueError, IndexError), open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


def proc_kb(pid: int, field: str, path: str = "status") -> int:
    with contextlib.suppress(OSError), open(f"/proc/{pid}/{path}") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class MemoryWatch:
    """Peak RSS (VmHWM) of each process of a worker tree and the peak sum of their PSS (shared pages counted
    once, so copy-on-write models show). RSS is read every 0.5 s; PSS every 2 s, since reading smaps_rollup
    walks a process's page tables (2 ms of the bench's CPU for a 560-MB worker, taken from the cores the
    workers share)."""

    def __init__(self, roots: list[int], extra: dict[str, int]) -> None:
        self.roots, self.extra = roots, extra
        self.hwm: dict[int, int] = {}
        self.peak_pss = 0
        self.peak_rss_sum = 0
        self.peak_extra: dict[str, int] = dict.fromkeys(extra, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def pids(self) -> list[int]:
        return [p for root in self.roots for p in [root, *children(root)]]

    def sample(self, pss: bool = True) -> None:
        pids = self.pids()
        for pid in pids:
            self.hwm[pid] = max(self.hwm.get(pid, 0), proc_kb(pid, "VmHWM"))
        if pss:
            self.peak_pss = max(self.peak_pss, sum(proc_kb(p, "Pss", "smaps_rollup") for p in pids))
        self.peak_rss_sum = max(self.peak_rss_sum, sum(proc_kb(p, "VmRSS") for p in pids))
        for name, pid in self.extra.items():
            self.peak_extra[name] = max(self.peak_extra[name], proc_kb(pid, "VmRSS"))

    def _run(self) -> None:
        ticks = 0
        while not self._stop.wait(0.5):
            ticks += 1
            self.sample(pss=ticks % 4 == 0)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.sample()
        self._stop.set()
        self._thread.join()

    def report(self) -> dict[str, Any]:
        roots = set(self.roots)
        child = [kb for pid, kb in self.hwm.items() if pid not in roots]
        main = [kb for pid, kb in self.hwm.items() if pid in roots]
        mb = 1024
        return {
            "peak_rss_child_mb": max(child, default=0) / mb,
            "peak_rss_main_mb": max(main, default=0) / mb,
            "peak_rss_sum_workers_mb": self.peak_rss_sum / mb,
            "peak_pss_sum_workers_mb": self.peak_pss / mb,
            **{f"peak_rss_{k}_mb": v / mb for k, v in self.peak_extra.items()},
            "stack_mb": (self.peak_rss_sum + sum(self.peak_extra.values())) / mb,
        }


# --- Elasticsearch


class TaskEvents:
    """Celery task events from workers started with -E: when each task was received, started and finished
    (the workers' time.time(); the same clock as the bench's on one machine). A prefork worker sends them from
    its main process: `task-started` when a child has taken the task, `task-succeeded` when its result is back
    (so the task run includes the result write and the postrun handlers)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.tasks: dict[str, dict[str, float]] = {}
        self.receiver: Any = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _on_event(self, event: dict[str, Any]) -> None:
        if event.get("type", "").startswith("task-") and "uuid" in event:
            task = self.tasks.setdefault(event["uuid"], {})
            task[event["type"]] = float(event["timestamp"])

    def _run(self) -> None:
        with self.app.connection_for_read() as connection:
            self.receiver = self.app.events.Receiver(connection, handlers={"*": self._on_event})
            self.receiver.capture(limit=None, timeout=None, wakeup=False)

    def start(self) -> None:
        self._thread.start()
        time.sleep(1.0)  # subscribed before the first task (pub/sub keeps nothing for late listeners)

    def stop(self) -> None:
        if self.receiver is not None:
            self.receiver.should_stop = True
        self._thread.join(timeout=5)


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        from worker.config import get_settings

        self.args = args
        self.settings = get_settings()
        self.results: dict[str, Any] = {"run": RUN, "started": time.strftime("%Y-%m-%d %H:%M:%S")}
        # one corpus; its first --articles serve (c) and the side shapes, the longer runs read further
        self.all_docs = corpus(max(args.articles, args.e2e_articles, args.limit_docs), length=args.words)
        self.docs = self.all_docs[: args.articles]
        self.words = sum(w for _, _, w in self.docs)
        self.processes: list[subprocess.Popen[bytes]] = []

    def es(self, settings: Any | None = None) -> Any:
        from worker.index.store import connect

        return connect(settings or self.settings)

    def reset_index(self, settings: Any | None = None) -> None:
        from worker.index.store import setup_index

        settings = settings or self.settings
        es = self.es(settings)
        generations = list(es.indices.get(index=f"{settings.read_alias}-*", ignore_unavailable=True).body)
        if generations:
            es.indices.delete(index=",".join(generations))
        setup_index(es, settings)

    def drop_indices(self, settings: Any | None = None) -> None:
        settings = settings or self.settings
        try:
            es = self.es(settings)
            generations = list(es.indices.get(index=f"{settings.index_prefix}-*", ignore_unavailable=True).body)
            if generations:
                es.indices.delete(index=",".join(generations))
            es.options(ignore_status=404).indices.delete_index_template(name=settings.read_alias)
        except Exception as exc:  # a bench must still print its figures; say what it left behind
            print(f"warning: could not drop {settings.index_prefix}-* from Elasticsearch: {exc}", file=sys.stderr)

    def flush_redis(self) -> None:
        import redis

        for url in (self.settings.broker_url, self.settings.result_backend, self.settings.redis_url):
            redis.Redis.from_url(url).flushdb()

    def es_pid(self, settings: Any | None = None) -> dict[str, int]:
        info = self.es(settings).nodes.info(metric="process")
        return {f"es_{n['name']}": int(n["process"]["id"]) for n in info["nodes"].values()}

    def redis_calls(self) -> int:
        """Commands the Redis server has run so far (broker, results and state share it here)."""
        import redis

        stats: Any = redis.Redis.from_url(self.settings.redis_url).info("commandstats")
        return sum(int(v["calls"]) for v in stats.values())

    def redis_pid(self) -> dict[str, int]:
        import redis

        info: Any = redis.Redis.from_url(self.settings.redis_url).info("server")
        return {"redis": int(info["process_id"])}

    # --- (c) stages

    def stages(self) -> None:
        import redis

        from worker.article import RawItem
        from worker.dedup import DedupIndex
        from worker.index.store import index_articles
        from worker.pipeline import decode, group_duplicates, normalise_items
        from worker.tagging import WARM_UP_SAMPLES, tag_articles, warm_up
        from worker.tagging.entities import load_bare_model, tag_entities
        from worker.tagging.keywords import tag_keywords
        from worker.tagging.language import tag_language
        from worker.tagging.topics import tag_topics

        items = raw_items(self.docs, f"stages-{RUN}")
        payloads = [i.model_dump(mode="json") for i in items]
        articles = normalise_items(items, self.settings).articles
        warm_up([*articles[:10], *WARM_UP_SAMPLES])  # models loaded and frozen, as the worker does before forking
        with_language = tag_language(articles)
        with_entities = tag_entities(with_language)
        with_topics = tag_topics(with_entities)
        tagged = tag_articles(articles)
        self.tagged = tagged
        texts: dict[str, list[str]] = {}
        for a in with_language:
            texts.setdefault(a.language or "?", []).append(f"{a.title}\n\n{a.body}")
        bare = {lang: load_bare_model(lang) for lang in texts if lang in ("nl", "en")}
        client = redis.Redis.from_url(self.settings.redis_url)
        es = self.es()
        self.reset_index()

        def dedup() -> float:
            client.flushdb()
            start = time.perf_counter()
            index = DedupIndex(client, threshold=self.settings.dedup_threshold,
                               window_days=self.settings.dedup_window_days)  # fmt: skip
            for k in range(0, len(articles), DEDUP_BATCH):  # as a worker's batches go through the pipeline
                group_duplicates(articles[k : k + DEDUP_BATCH], index)
            return time.perf_counter() - start

        def index() -> float:
            self.reset_index()  # new articles every time; the reset is not timed
            start = time.perf_counter()
            batch = self.settings.bulk_batch_size
            for k in range(0, len(tagged), batch):
                index_articles(es, self.settings, tagged[k : k + batch])
            return time.perf_counter() - start

        stages: dict[str, Callable[[], Any]] = {
            "decode": lambda: decode(payloads, RawItem, "raw"),
            "normalise": lambda: normalise_items(items, self.settings),
            "language": lambda: tag_language(articles),
            "entities": lambda: tag_entities(with_language),
            "topics": lambda: tag_topics(with_entities),
            "keywords": lambda: tag_keywords(with_topics),
            "dedup": dedup,
            "index": index,
            "tag (all four)": lambda: tag_articles(articles),
            "bare nlp.pipe": lambda: [list(bare[lang].pipe(texts[lang])) for lang in bare],
        }
        runs: dict[str, list[float]] = {name: [] for name in stages}
        for _ in range(self.args.repeats):  # interleaved: a slow phase of the shared machine hits all alike
            for name, fn in stages.items():
                runs[name].append(seconds_of(fn) * 1e6 / len(items))
        out = {name: median_range(v) for name, v in runs.items()}
        per_article = sum(out[s]["median"] for s in ("decode", "normalise", "language", "entities", "topics",
                                                     "keywords", "dedup", "index"))  # fmt: skip
        out["sum of stages"] = {"median": per_article, "min": per_article, "max": per_article, "n": 1}
        out["entities / bare nlp.pipe"] = {
            k: out["entities"][k] / out["bare nlp.pipe"]["median"] for k in ("median", "min", "max")
        } | {"n": self.args.repeats}
        self.results["stages_us_per_article"] = out
        self.results["in_process_articles_per_s"] = 1e6 / (per_article - out["index"]["median"]
                                                           - out["dedup"]["median"] - out["decode"]["median"])
        print(f"\n(c) stages, one process, µs per article, median (min–max) of {self.args.repeats}, "
              f"{len(items)} articles of {self.words / len(items):.0f} words:")  # fmt: skip
        for name, stat in out.items():
            digits = 2 if name.startswith("entities /") else 0
            print(f"  {name:<26}{fmt(stat, digits):>30}")
        print(f"  in-process normalise+tag: {self.results['in_process_articles_per_s']:.1f} articles/s")
        parallel = [in_process_parallel(items, self.settings, processes=2) for _ in range(self.args.repeats)]
        self.results["in_process_2_articles_per_s"] = median_range(parallel)
        print(f"  in-process normalise+tag, 2 processes at once: {fmt(median_range(parallel))} articles/s")

    # --- (a) raw bulk limit

    def limit(self) -> None:
        from elasticsearch import helpers

        from worker.index.store import document, revision_hash, setup_index

        tagged = getattr(self, "tagged", None)
        if tagged is None:
            from worker.pipeline import normalise_items
            from worker.tagging import tag_articles

            tagged = tag_articles(normalise_items(raw_items(self.docs, f"lim-{RUN}"), self.settings).articles)
            self.tagged = tagged
        base = [document(a, revision=revision_hash(a), first_seen=None) for a in tagged]
        copies = max(1, -(-self.args.limit_docs // len(base)))
        es = self.es()
        setup_index(es, self.settings)
        index = f"{self.settings.read_alias}-rawbulk"
        out: dict[str, list[float]] = {"streaming_bulk": [], "parallel_bulk(2)": []}

        def actions() -> Iterator[dict[str, Any]]:
            for c in range(copies):
                for doc in base:
                    yield {"_index": index, "_id": f"{doc['id']}-{c}", "_source": {**doc, "id": f"{doc['id']}-{c}"}}

        total = copies * len(base)
        es_pids = list(self.es_pid().values())
        es_cpu_before, bench_cpu_before = sum(cpu_seconds(p) for p in es_pids), cpu_seconds(os.getpid())
        for _ in range(self.args.repeats):
            for name in out:
                es.options(ignore_status=404).indices.delete(index=index)
                es.indices.create(index=index)
                start = time.perf_counter()
                if name == "streaming_bulk":
                    for ok, _info in helpers.streaming_bulk(es, actions(), chunk_size=200, max_chunk_bytes=20_000_000):
                        assert ok
                else:
                    for ok, _info in helpers.parallel_bulk(es, actions(), thread_count=2, chunk_size=200):
                        assert ok
                es.indices.refresh(index=index)
                out[name].append(total / (time.perf_counter() - start))
        written = total * len(out) * self.args.repeats
        cpu = {"elasticsearch": 1000 * (sum(cpu_seconds(p) for p in es_pids) - es_cpu_before) / written,
               "bench": 1000 * (cpu_seconds(os.getpid()) - bench_cpu_before) / written}  # fmt: skip
        es.options(ignore_status=404).indices.delete(index=index)
        stats = {name: median_range(v) for name, v in out.items()}
        self.results["limit_docs_per_s"] = stats
        self.results["limit_cpu_ms_per_doc"] = cpu
        self.results["limit_best"] = max(s["median"] for s in stats.values())
        print(f"\n(a) raw bulk limit, {total} final documents, median (min–max) of {self.args.repeats}:")
        for name, stat in stats.items():
            print(f"  {name:<26}{fmt(stat, 0):>30} docs/s")
        print("  CPU ms per document, both runs: " + ", ".join(f"{g} {v:.2f}" for g, v in cpu.items()))

    # --- (b, e, f) end to end

    def worker_command(self, name: str, processes: int, preload: bool, queue: str = "ingest",
                       events: bool = False) -> list[str]:  # fmt: skip
        pool = "prefork" if queue == "ingest" else "threads"
        celery = ["worker", "-Q", queue, "--pool", pool, "--concurrency", str(processes),
                  "--loglevel", "WARNING", "--hostname", f"{name}-{RUN}@%h", *(["-E"] if events else [])]  # fmt: skip
        if self.args.profile_worker:  # pyinstrument in the main process and each child (bench/worker_profile.py)
            code = (f"import worker.app as a; from bench.worker_profile import install; "
                    f"install({self.args.profile_worker!r}); import worker.tasks, worker.sources.tasks; "
                    f"a.app.worker_main({celery!r})")  # fmt: skip
            return [sys.executable, "-c", code]
        if preload:
            return [sys.executable, "-m", "celery", "-A", "worker.app", *celery]
        # the same worker with the parent's model preload switched off: each child loads its own copy
        code = ("import worker.app as a; from celery.signals import worker_init; "
                "worker_init.disconnect(a._preload_models); import worker.tasks, worker.sources.tasks; "
                f"a.app.worker_main({celery!r})")  # fmt: skip
        return [sys.executable, "-c", code]

    def start_workers(self, names: list[str], processes: int, env: dict[str, str], preload: bool = True,
                      queue: str = "ingest", events: bool = False) -> list[int]:  # fmt: skip
        from worker.app import app

        procs = [subprocess.Popen(self.worker_command(n, processes, preload, queue, events), cwd=REPO, env=env,
                                  stdout=subprocess.DEVNULL, stderr=open(f"/tmp/nwbench-{RUN}-{n}.log", "ab"))  # noqa: SIM115
                 for n in names]  # fmt: skip
        self.processes += procs
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            replies = app.control.ping(timeout=1.0)
            if len([r for r in replies if RUN in next(iter(r))]) >= len(names):
                return [p.pid for p in procs]
            time.sleep(0.5)
        raise RuntimeError("workers did not answer within 240 s")

    def stop_workers(self) -> None:
        for p in self.processes:
            p.terminate()
        for p in self.processes:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
        self.processes = []

    def count(self, es: Any, settings: Any, source: str) -> int:
        return int(es.count(index=settings.read_alias, query={"term": {"source": source}})["count"])

    def e2e_run(self, *, processes: int, batch: int, tagging: bool = True, preload: bool = True,
                names: list[str] | None = None, es_settings: Any = None, env_extra: dict[str, str] | None = None,
                n: int | None = None) -> dict[str, Any]:  # fmt: skip
        from worker.app import INGEST_ITEMS, enqueue

        settings = es_settings or self.settings
        names = names or ["ingest"]
        docs = self.all_docs[: n or len(self.docs)]
        words = sum(w for _, _, w in docs)
        self.flush_redis()
        self.reset_index(settings)
        env = {**os.environ, "NEWSWORKER_TAGGING": "true" if tagging else "false", **(env_extra or {})}
        es = self.es(settings)
        extra = {**self.redis_pid(), **self.es_pid(settings)}
        pids = self.start_workers(names, processes, env, preload)
        seconds: list[float] = []
        done_seconds: list[float] = []
        cpu: dict[str, float] = {}
        with MemoryWatch(pids, extra) as memory:
            try:
                warm = raw_items(self.docs[-2 * processes * len(names):], f"warm-{RUN}")
                results = [enqueue(INGEST_ITEMS, [i.model_dump(mode="json")]) for i in warm]
                for r in results:
                    r.get(timeout=300)
                calls_before = self.redis_calls()
                groups = {"workers": memory.pids, "elasticsearch": lambda: [extra[k] for k in extra if k != "redis"],
                          "redis": lambda: [extra["redis"]], "bench": lambda: [os.getpid()]}  # fmt: skip
                # built before the CPU count starts: the producer's cost is the publishing, not the corpus
                runs = [(f"e2e-{RUN}-{rep}", [i.model_dump(mode="json") for i in raw_items(docs, f"e2e-{RUN}-{rep}")])
                        for rep in range(self.args.repeats)]  # fmt: skip
                cpu_before = {g: sum(cpu_seconds(p) for p in f()) for g, f in groups.items()}
                for source, payloads in runs:
                    start = time.perf_counter()
                    sent = [enqueue(INGEST_ITEMS, payloads[k : k + batch]) for k in range(0, len(payloads), batch)]
                    deadline = time.monotonic() + 900
                    done_at = None
                    # polled every 0.2 s, every 0.05 s near the end: each count is a search the box pays for
                    while (seen := self.count(es, settings, source)) < len(payloads) and time.monotonic() < deadline:
                        if done_at is None and all(r.ready() for r in sent):
                            done_at = time.perf_counter()
                        time.sleep(0.05 if seen >= 0.9 * len(payloads) else 0.2)
                    seconds.append(time.perf_counter() - start)
                    # every task finished (bulk answered, not yet refreshed): the moment the work was done
                    done_seconds.append((done_at or time.perf_counter()) - start)
                calls = self.redis_calls() - calls_before
                # the worker tree's processes are alive until stop_workers: their CPU since the warm-up
                cpu = {g: sum(cpu_seconds(p) for p in f()) - cpu_before[g] for g, f in groups.items()}
            finally:
                self.stop_workers()
        rates = [len(docs) / s for s in seconds]
        batches = self.args.repeats * -(-len(docs) // batch)
        total = self.args.repeats * len(docs)
        return {"processes": processes * len(names), "batch": batch, "tagging": tagging, "preload": preload,
                "articles": len(docs), "articles_per_s": median_range(rates),
                "articles_per_s_tasks_done": median_range([len(docs) / s for s in done_seconds]),
                # CPU ms per article by process group (ES and Redis include whatever else used them meanwhile)
                "cpu_ms_per_article": {g: 1000 * v / total for g, v in cpu.items()},
                # every command the Redis server ran (broker, results, dedup, stats; idle polls included)
                "redis_calls_per_batch": calls / batches,
                "words_per_s": median_range([words / s for s in seconds]), "memory": memory.report()}  # fmt: skip

    def e2e(self) -> None:
        runs: dict[str, dict[str, Any]] = {}
        # The shapes the targets read run longer, so that the last refresh (up to 1 s, which (a) does not wait
        # for: it refreshes explicitly) and the last batch's tail weigh what they weigh in a long ingest: tagging
        # on over --e2e-articles (default 2,000), tagging off over as many articles as (a) writes documents.
        long, off = self.args.e2e_articles, self.args.limit_docs
        shapes: dict[str, dict[str, Any]] = {
            "tagging on, 1 process, batch 50": {"processes": 1, "batch": 50, "n": long},
            "tagging on, 2 processes, batch 50": {"processes": 2, "batch": 50, "n": long},
            "tagging off, 2 processes, batch 50": {"processes": 2, "batch": 50, "tagging": False, "n": off},
            "tagging off, 2 processes, batch 200": {"processes": 2, "batch": 200, "tagging": False, "n": off},
            "tagging on, 2 processes, batch 10": {"processes": 2, "batch": 10},
            "tagging on, 2 processes, batch 200": {"processes": 2, "batch": 200},
            "tagging on, 2 processes, no preload": {"processes": 2, "batch": 50, "preload": False},
            ONE_PER_TASK: {"processes": 2, "batch": 1},
        }
        print("\n(b, e, f) end to end: enqueue -> Redis -> Celery -> normalise -> dedup -> tag -> bulk -> searchable")
        print(f"  {'run':<38}{'articles':>9}{'articles/s':>24}{'words/s':>12}{'RSS child':>11}{'PSS all':>9}"
              f"{'stack':>8}{'Redis cmds/batch':>18}")  # fmt: skip
        for name, shape in shapes.items():
            if self.args.quick and ("batch 10" in name or "batch 200" in name):
                continue
            if not picks(self.args.shapes, name):
                continue
            run = self.e2e_run(**shape)
            runs[name] = run
            m = run["memory"]
            print(f"  {name:<38}{run['articles']:>9}{fmt(run['articles_per_s']):>24}"
                  f"{run['words_per_s']['median']:>12,.0f}"
                  f"{m['peak_rss_child_mb']:>9.0f}MB{m['peak_pss_sum_workers_mb']:>7.0f}MB{m['stack_mb']:>6.0f}MB"
                  f"{run['redis_calls_per_batch']:>18.0f}")
            c = run["cpu_ms_per_article"]
            print(f"  {'':<38}tasks done {fmt(run['articles_per_s_tasks_done'])} articles/s; CPU ms per article: "
                  + ", ".join(f"{g} {v:.2f}" for g, v in c.items()))
        self.results["e2e"] = runs
        rate = {name: run["articles_per_s"]["median"] for name, run in runs.items()}
        on2 = rate.get("tagging on, 2 processes, batch 50")
        on1 = rate.get("tagging on, 1 process, batch 50")
        ratios: dict[str, float] = {"scaling 2 / 1 process": on2 / on1} if on1 and on2 else {}
        if "in_process_articles_per_s" in self.results and on1 and on2:
            c = self.results["in_process_articles_per_s"]
            ratios["(b) 1 process / (c)"] = on1 / c
            ratios["(b) 2 processes / (c·2)"] = on2 / (2 * c)
        if "in_process_2_articles_per_s" in self.results:  # the target's reading: the same number of processes
            ratios["(b) 2 processes / (c, 2 processes)"] = on2 / self.results["in_process_2_articles_per_s"]["median"]
        if "limit_best" in self.results:
            if on2:
                ratios["(b) tagging on / (a)"] = on2 / self.results["limit_best"]
            for batch in (50, 200):  # 200: what `newsworker ingest` sends when tagging is off
                off = runs.get(f"tagging off, 2 processes, batch {batch}")
                if off:
                    ratios[f"(b) tagging off, batch {batch} / (a)"] = (
                        off["articles_per_s"]["median"] / self.results["limit_best"])  # fmt: skip
                    ratios[f"(b) tagging off, batch {batch}, tasks done / (a)"] = (
                        off["articles_per_s_tasks_done"]["median"] / self.results["limit_best"])  # fmt: skip
        self.results["ratios"] = ratios
        for k, v in ratios.items():
            print(f"  {k:<38}{v:>10.2f}")

    # --- (d) latency

    def latency(self) -> None:
        import redis

        from worker.app import INGEST_ITEMS, app, enqueue
        from worker.pipeline import normalise_items
        from worker.timings import STAGES, Histograms

        best = self.results.get("e2e", {}).get("tagging on, 2 processes, batch 50", {})
        maximum = best.get("articles_per_s", {}).get("median") or self.args.max_rate
        rate = maximum / 2
        duration = self.args.latency_seconds
        count = max(10, int(rate * duration))
        docs = (self.docs * (1 + count // len(self.docs)))[:count]
        source = f"lat-{RUN}"
        # distinct copies: a marker paragraph per article
        items = [i.model_copy(update={"text": f"{i.text}\n\nBench {RUN} {k}."})
                 for k, i in enumerate(raw_items(docs, source))]  # fmt: skip
        ids = [a.id for a in normalise_items(items, self.settings).articles]
        assert len(set(ids)) == len(ids)
        self.flush_redis()
        self.reset_index()
        es = self.es()
        # task events (-E): when each task was received, started and finished, on the workers' clock (this
        # machine's); three small publishes per task
        pids = self.start_workers(["ingest"], 2, dict(os.environ), events=True)
        events = TaskEvents(app)
        sent: dict[str, float] = {}
        seen: dict[str, float] = {}
        task_of: dict[str, str] = {}
        histograms = Histograms(redis.Redis.from_url(self.settings.redis_url), self.settings.index_prefix)

        def stage_sums() -> dict[str, float]:
            """Seconds each stage took over all tasks so far, and `tasks` (the normalise observations)."""
            got: dict[str, float] = {}
            for stage in STAGES:
                raw: Any = histograms.client.hgetall(histograms.stage_prefix + stage)
                got[stage] = float(raw.get(b"sum", 0.0))
                if stage == "normalise":
                    got["tasks"] = float(raw.get(b"count", 0))
            return got

        try:
            events.start()
            for r in [enqueue(INGEST_ITEMS, [i.model_dump(mode="json")]) for i in raw_items(self.docs[:4], "w")]:
                r.get(timeout=300)
            stages_before = stage_sums()
            cpu_before = sum(cpu_seconds(p) for root in pids for p in [root, *children(root)])
            done = threading.Event()

            def poll() -> None:
                while not done.is_set() or len(seen) < len(sent):
                    # a copy: the sending thread adds to `sent` meanwhile (iterating it live raised, and the
                    # poller died with most articles unseen)
                    pending = [i for i in list(sent) if i not in seen]
                    if pending:
                        hits = es.search(index=self.settings.read_alias, query={"ids": {"values": pending}},
                                         size=len(pending), source=False)["hits"]["hits"]  # fmt: skip
                        now = time.time()
                        for h in hits:
                            seen.setdefault(h["_id"], now)
                    if done.is_set() and time.time() - max(sent.values()) > 120:
                        return
                    time.sleep(0.05)

            poller = threading.Thread(target=poll, daemon=True)
            poller.start()
            start = time.perf_counter()
            for k, (item, article_id) in enumerate(zip(items, ids, strict=True)):
                delay = start + k / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                sent[article_id] = time.time()
                task_of[article_id] = enqueue(INGEST_ITEMS, [item.model_dump(mode="json")]).id
            done.set()
            poller.join()
            cpu = sum(cpu_seconds(p) for root in pids for p in [root, *children(root)]) - cpu_before
            stages_after = stage_sums()
            time.sleep(1.5)  # the last events
        finally:
            events.stop()
            self.stop_workers()
        latencies = sorted(seen[i] - sent[i] for i in seen)
        split = latency_split(sent, seen, {a: events.tasks.get(t, {}) for a, t in task_of.items()})
        tasks = stages_after.get("tasks", 0) - stages_before.get("tasks", 0)
        stage_ms = {s: 1000 * (stages_after.get(s, 0.0) - stages_before.get(s, 0.0)) / max(tasks, 1) for s in STAGES}
        out = {"offered_articles_per_s": rate, "articles": len(sent), "searchable": len(seen),
               "p50_s": percentile(latencies, 50), "p95_s": percentile(latencies, 95),
               "p99_s": percentile(latencies, 99),
               "max_s": latencies[-1], "split": split, "stage_ms_per_task": stage_ms,
               "worker_cpu_ms_per_article": 1000 * cpu / max(len(sent), 1)}  # fmt: skip
        self.results["latency"] = out
        print(f"\n(d) latency enqueue -> searchable, {len(sent)} articles one per task at {rate:.1f}/s "
              f"(half of {maximum:.1f}), 2 processes, refresh_interval 1 s, polled every 50 ms:")
        print(f"  p50 {out['p50_s']:.2f} s   p95 {out['p95_s']:.2f} s   p99 {out['p99_s']:.2f} s   "
              f"max {out['max_s']:.2f} s   ({len(seen)}/{len(sent)} searchable)")
        print("  split per article (task events)        p50       p95      mean")
        for name, stat in split.items():
            print(f"  {name:<34}{stat['p50_s']:>8.3f} s{stat['p95_s']:>8.3f} s{stat['mean_s']:>8.3f} s")
        print("  task run by stage, mean ms per task: " + ", ".join(f"{s} {v:.1f}" for s, v in stage_ms.items())
              + f"; worker CPU {out['worker_cpu_ms_per_article']:.1f} ms per article")
        capacity = self.results.get("e2e", {}).get(ONE_PER_TASK, {}).get("articles_per_s", {}).get("median")
        if capacity:
            out["one_per_task_capacity"] = capacity
            print(f"  offered / one-article-per-task capacity ({capacity:.1f}/s): {rate / capacity:.2f}")

    # --- (g) feeds

    def feeds(self) -> None:
        import redis

        sys.path.insert(0, str(REPO / "tests" / "sources"))
        from source_server import Reply, Request, serve

        from worker.sources.registry import FeedDeclaration, FeedRegistry

        hosts, per_host = self.args.feed_hosts, 10
        env = {**os.environ, "NEWSWORKER_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8", "NEWSWORKER_HOST_RATE": "10000",
               "NEWSWORKER_HOST_BURST": "10000", "NEWSWORKER_HOST_MAX_CONCURRENCY": "16",
               "NEWSWORKER_FETCH_PAGES": "false"}  # fmt: skip
        self.flush_redis()
        client = redis.Redis.from_url(self.settings.redis_url)
        broker = redis.Redis.from_url(self.settings.broker_url)
        registry = FeedRegistry(client, self.settings)
        out: dict[str, Any] = {}
        with contextlib.ExitStack() as stack:
            sites = [stack.enter_context(serve()) for _ in range(hosts)]
            urls = []
            for h, site in enumerate(sites):
                for f in range(per_host):
                    entries = "".join(
                        f"<item><title>Story {RUN} {h}-{f}-{i}</title><link>{site.base}/story/{f}/{i}</link>"
                        f"<description>Feed text {h}-{f}-{i} about the council budget.</description>"
                        f"<pubDate>Mon, 04 Mar 2024 08:{i:02d}:00 GMT</pubDate></item>"
                        for i in range(20)
                    )
                    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{entries}</channel></rss>'
                    etag = f'"{RUN}h{h}f{f}"'

                    def handler(r: Request, body: bytes = body.encode(), etag: str = etag) -> Reply:
                        if r.headers.get("if-none-match") == etag:
                            return Reply(304, headers={"ETag": etag})
                        return Reply(body=body, headers={"ETag": etag, "Content-Type": "application/rss+xml"})

                    site.route(f"/feed/{f}", handler)
                    urls.append(site.url(f"/feed/{f}"))
                    registry.add(FeedDeclaration(url=urls[-1]))
            feeds = len(urls)
            self.start_workers(["sources"], self.args.feed_threads, env, queue="sources")
            try:
                from worker.sources.tasks import dispatch_due

                for label in ("20 new items each", "all 304"):
                    for state in registry.all():
                        registry.save(state.model_copy(update={"next_poll": state.next_poll.replace(year=2000)}))
                    before = sum(len(s.log) for s in sites)
                    start = time.perf_counter()
                    dispatch_due.delay()
                    deadline = time.monotonic() + 600
                    while time.monotonic() < deadline:
                        got = sum(len(s.log) for s in sites) - before
                        if got >= feeds and not broker.llen("sources") and not broker.hlen("unacked"):
                            break
                        time.sleep(0.02)
                    elapsed = time.perf_counter() - start
                    out[label] = {"feeds": feeds, "seconds": elapsed, "feeds_per_s": feeds / elapsed}
                out["items_handed_on"] = broker.llen("ingest")
            finally:
                self.stop_workers()
        self.results["feeds"] = out
        print(f"\n(g) feed polling, {feeds} feeds on {hosts} local hosts, 1 worker x {self.args.feed_threads} "
              "threads, politeness budget raised (measures the poll path, not the budget):")
        for label in ("20 new items each", "all 304"):
            print(f"  {label:<26}{out[label]['feeds_per_s']:>10.1f} feeds/s ({out[label]['seconds']:.1f} s)")

    # --- (h) cluster

    def cluster(self) -> None:
        from bench import cluster

        urls = cluster.up(heap=self.args.cluster_heap)
        try:
            env = {"NEWSWORKER_ES_URL": ",".join(urls), "NEWSWORKER_INDEX_SHARDS": "3",
                   "NEWSWORKER_INDEX_REPLICAS": "1"}
            # model_copy does not validate: the list itself, not the comma-separated string
            settings = self.settings.model_copy(update={"es_url": list(urls), "index_shards": 3,
                                                        "index_replicas": 1})  # fmt: skip
            # as many articles as the single-node shape it is compared with
            run = self.e2e_run(processes=1, batch=50, names=["hostA", "hostB"], es_settings=settings,
                               env_extra=env, n=self.args.e2e_articles)  # fmt: skip
            from worker.index.store import index_status

            status = index_status(self.es(settings), settings)
            run["cluster_status"] = status["cluster_status"]
            run["generations"] = status["generations"]
            es = self.es(settings)
            shards = es.cat.shards(index=settings.write_alias, format="json").body
            run["shards"] = len(shards)
            self.drop_indices(settings)
        finally:
            cluster.down()
        self.results["cluster"] = run
        single = self.results.get("e2e", {}).get("tagging on, 2 processes, batch 50", {})
        print("\n(h) 3-node cluster (heap 512 MB each), 3 shards + 1 replica, 2 workers (hostA, hostB) x 1 process:")
        print(f"  {fmt(run['articles_per_s'])} articles/s, stack {run['memory']['stack_mb']:.0f} MB, "
              f"status {run['cluster_status']}, {run['shards']} shard copies")
        if single:
            ratio = run["articles_per_s"]["median"] / single["articles_per_s"]["median"]
            self.results["ratios"]["cluster / single node"] = ratio
            print(f"  vs single node, 2 processes: {ratio:.2f}")


def profile_batch(bench: Bench) -> None:
    """pyinstrument over one batch of 50 through `ingest` (what a worker child runs, minus Celery)."""
    from pyinstrument import Profiler

    from worker.app import dedup_index, es_client
    from worker.pipeline import ingest
    from worker.tagging import tag_articles

    bench.reset_index()
    items = raw_items(bench.docs[:50], f"prof-{RUN}")
    tag_articles([])
    from worker.pipeline import normalise_items

    tag_articles(normalise_items(items[:4], bench.settings).articles)
    profiler = Profiler(interval=0.002)
    profiler.start()
    ingest(items, es=es_client(), settings=bench.settings, dedup=dedup_index())
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False, show_all=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=400, help="corpus size (distinct articles; the last "
                        "refresh, up to 1 s, weighs less in a longer run)")  # fmt: skip
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--words", type=word_range, default=(400, 1000), help="snippet words drawn per article "
                        "(400-480 gives articles of about 500 words, the issue's whole-box figure)")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="a check run: 60 articles, 1 repeat, fewer shapes")
    parser.add_argument("--skip", default="", help=f"comma-separated sections to skip: {','.join(SECTIONS)}")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="Redis for broker/results/state")
    parser.add_argument("--json", default="bench-results.json", help="where to write the figures")
    parser.add_argument("--limit-docs", type=int, default=4000, help="documents per raw bulk run (a), and "
                        "articles in the tagging-off end-to-end run compared with it")  # fmt: skip
    parser.add_argument("--e2e-articles", type=int, default=2000, help="articles in the tagging-on end-to-end "
                        "runs with 1 and 2 processes, batch 50 (the ones the targets read)")  # fmt: skip
    parser.add_argument("--latency-seconds", type=float, default=40)
    parser.add_argument("--max-rate", type=float, default=10, help="(d) maximum when e2e is skipped")
    parser.add_argument("--feed-hosts", type=int, default=20)
    parser.add_argument("--feed-threads", type=int, default=16)
    parser.add_argument("--cluster-heap", default="512m")
    parser.add_argument("--profile", action="store_true", help="only profile one batch of 50 (pyinstrument)")
    parser.add_argument("--shapes", default="", help="e2e: only the runs whose name contains one of these "
                        "|-separated strings (e.g. 'tagging off|tagging on, 2 processes, batch 50')")  # fmt: skip
    parser.add_argument("--profile-worker", default="", metavar="DIR", help="e2e: pyinstrument in each worker "
                        "process (main and pool children), one text profile per process in DIR")  # fmt: skip
    args = parser.parse_args(argv)
    if args.quick:
        args.articles, args.repeats, args.limit_docs, args.latency_seconds = 60, 1, 1000, 15
        args.e2e_articles = 120
    configure(args.redis)
    bench = Bench(args)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    print(f"newsworker bench {RUN}: {len(bench.docs)} articles, {bench.words} words "
          f"({bench.words / len(bench.docs):.0f} per article), repeats {args.repeats}, "
          f"commit {commit()}, {os.cpu_count()} cores (shared), load {os.getloadavg()[0]:.1f}")  # fmt: skip
    bench.results.update({"commit": commit(), "articles": len(bench.docs), "words": bench.words,
                          "repeats": args.repeats, "load_at_start": os.getloadavg()[0]})  # fmt: skip
    try:
        if args.profile:
            profile_batch(bench)
            return 0
        for section in SECTIONS:
            if section not in skip:
                getattr(bench, section)()
    finally:
        bench.stop_workers()
        bench.drop_indices()
        with contextlib.suppress(Exception):
            bench.flush_redis()
        bench.results["load_at_end"] = os.getloadavg()[0]
        Path(args.json).write_text(json.dumps(bench.results, indent=1))
        print(f"\nfigures in {args.json}")
    return 0


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
