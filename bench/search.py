"""Latency of the read side on a synthetic corpus: /search (simple, boolean, filtered, facets), /timeline,
/trends, /articles/{id}/similar, export throughput, and /search against the bare Elasticsearch query it issues.

    .venv/bin/python -m bench.search [--articles 100000] [--repeats 30] [--keep] [--reuse]

Needs Elasticsearch (`newsworker services up`). Uses its own index prefix (NEWSWORKER_INDEX_PREFIX when set)
and deletes it after (unless --keep; --reuse skips indexing when the index already holds the articles).
The corpus is the labelled news in data/topics/news.jsonl (1,128 Dutch and English articles) cycled to the
requested size, each copy distinct (a marker in title and body), with dates spread over three years, 40
sources, entities from a fixed pool (some linked to Wikidata ids) and the labelled topics; the last day
holds a burst of articles about one new entity. The API runs as `newsworker api` does, uvicorn in its own
process, and is called over loopback HTTP by a keep-alive httpx client. Prints median and p95 in ms.

/search against the bare query: both sides are the same kind of request from the same kind of client, one
keep-alive httpx client each, over loopback HTTP, the response read whole and parsed as JSON. /search is
`GET /search?...` through uvicorn, FastAPI and our code, which sends Elasticsearch the request that
`worker.search.search_request` builds; the bare side POSTs that same request (body, `filter_path`,
`_source_excludes`) to Elasticsearch's `_search` directly. The calls alternate (A B, then B A), so load
from elsewhere on the machine hits both alike; the ratio is of medians (and of p95s). The API process's
CPU time per /search request is read from /proc, the figure least moved by other load on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

RUN = uuid.uuid4().hex[:8]
os.environ.setdefault("NEWSWORKER_INDEX_PREFIX", f"nwbench-search-{RUN}")
os.environ.setdefault("NEWSWORKER_API_AUTH", "off")

from worker.article import Article, Entity, Topic  # noqa: E402
from worker.config import get_settings  # noqa: E402
from worker.index.store import connect, index_articles, setup_index  # noqa: E402
from worker.search import SearchQuery, Values, search, search_request  # noqa: E402
from worker.tagging.iptc import topic_label  # noqa: E402

NEWS = Path(__file__).resolve().parent.parent / "data" / "topics" / "news.jsonl"
SOURCES = [f"source-{i:02d}.example" for i in range(40)]
ENTITY_POOL = [
    Entity(text=name, type=kind, wikidata=qid)  # type: ignore[arg-type]
    for name, kind, qid in [
        ("NAVO", "ORG", "Q7184"),
        ("NATO", "ORG", "Q7184"),
        ("Oekraïne", "LOC", "Q212"),
        ("Ukraine", "LOC", "Q212"),
        ("Mark Rutte", "PER", None),
        ("Amsterdam", "LOC", "Q727"),
        ("Rotterdam", "LOC", "Q34370"),
        ("Europese Unie", "ORG", "Q458"),
        ("European Union", "ORG", "Q458"),
        ("Taliban", "ORG", "Q42418"),
        ("Den Haag", "LOC", "Q36600"),
        ("Brussel", "LOC", "Q239"),
        ("Joe Biden", "PER", "Q6279"),
        ("Ajax", "ORG", None),
        ("Shell", "ORG", None),
        ("Philips", "ORG", None),
        ("Schiphol", "LOC", None),
        ("Tweede Kamer", "ORG", None),
        ("KNMI", "ORG", None),
        ("Rijkswaterstaat", "ORG", None),
    ]
]
BURST = Entity(text="Nieuwe Kustpartij", type="ORG")
NOW = datetime.now(UTC)


def corpus(n: int, seed: int = 7) -> Iterator[Article]:
    rows = [json.loads(line) for line in NEWS.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    for i in range(n):
        row = rows[i % len(rows)]
        burst = i >= n - max(30, n // 2000)
        published = NOW - (timedelta(hours=rng.uniform(0, 20)) if burst else timedelta(days=rng.uniform(1, 3 * 365)))
        entities = rng.sample(ENTITY_POOL, 3) + ([BURST] if burst else [])
        topics = [Topic(code=c, label=topic_label(c, row["language"]), score=0.8) for c in row["topics"]]
        marker = f"{i:06d}"
        yield Article(
            id=f"bench-{marker}",
            source=rng.choice(SOURCES),
            title=f"{row['title']} ({marker})",
            body=f"{row['text']} Bericht {marker}." + (" De Nieuwe Kustpartij groeit." if burst else ""),
            content_hash=marker,
            language=row["language"],
            published_at=published,
            published_precision="second",
            entities=entities,
            topics=topics,
            dup_group=f"story-{i // 3}" if i % 50 < 3 else None,
        )


def load(es: Any, settings: Any, n: int, batch: int = 1000) -> float:
    started = time.perf_counter()
    chunk: list[Article] = []
    for article in corpus(n):
        chunk.append(article)
        if len(chunk) == batch:
            index_articles(es, settings, chunk)
            chunk = []
    if chunk:
        index_articles(es, settings, chunk)
    es.indices.refresh(index=settings.read_alias)
    es.indices.forcemerge(index=settings.read_alias, max_num_segments=1)
    return time.perf_counter() - started


def timed(fn: Callable[[], Any], repeats: int) -> list[float]:
    fn()  # warm-up (caches, JIT of the highlight path)
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a process has used so far; None where /proc is missing."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_api(stock: bool = False) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn serving worker.api:app in its own process, as `newsworker api` runs it (its loop and HTTP
    parser; `stock`: asyncio and h11 instead); its base URL."""
    from worker.api import SERVER_OPTIONS

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cmd = [sys.executable, "-m", "uvicorn", "worker.api:app", "--port", str(port), "--log-level", "warning"]
    options = {"loop": "asyncio", "http": "h11"} if stock else SERVER_OPTIONS
    cmd += [f"--{name}={value}" for name, value in options.items()]
    server = subprocess.Popen([*cmd, "--no-access-log"], env=os.environ.copy())
    return server, f"http://127.0.0.1:{port}"


# The query types of the ratio: the API's parameters and the SearchQuery they parse to.
RATIO_CASES: list[tuple[str, dict[str, str], SearchQuery]] = [
    ("simple", {"q": "oekraine"}, SearchQuery(text="oekraine")),
    (
        "boolean",
        {"q": '(NAVO OR NATO) AND "Mark Rutte" -Ajax'},
        SearchQuery(text='(NAVO OR NATO) AND "Mark Rutte" -Ajax'),
    ),
    (
        "filtered",
        {"q": "regering", "lang": "nl", "source": "source-01.example,source-02.example", "since": "2025-01"},
        SearchQuery(
            text="regering",
            languages=Values.parse("nl"),
            sources=Values.parse("source-01.example,source-02.example"),
            since="2025-01",
        ),
    ),
    ("facets", {"q": "regering", "facets": "true", "size": "0"}, SearchQuery(text="regering", facets=True, size=0)),
]


JSON_HEADERS = {"content-type": "application/json"}


def bare_request(q: SearchQuery) -> tuple[dict[str, str], bytes]:
    """The URL parameters and JSON body of the request `search()` sends for `q` (first page, no cursor)."""
    kwargs = search_request(q)
    params = {
        "filter_path": ",".join(kwargs.pop("filter_path")),
        "_source_excludes": ",".join(kwargs.pop("source_excludes")),
    }
    return params, json.dumps({**kwargs, "from": q.offset}).encode()


def compare(api: Any, es_http: Any, index: str, repeats: int, server_pid: int) -> None:
    """Per query type: /search and the bare query it issues, alternated; medians, p95s, their ratios."""
    print(
        f"\n{'/search vs bare ES':<20}{'ours med':>9}{'bare med':>9}{'ratio':>7}{'ours p95':>10}{'bare p95':>9}"
        f"{'ratio':>7}{'API CPU/req':>13}  (target ratio <= 1.3)"
    )
    for label, params, q in RATIO_CASES:
        url_params, body = bare_request(q)

        def ours(params: dict[str, str] = params) -> Any:
            response = api.get("/search", params=params)
            assert response.status_code == 200, response.text
            return response.json()

        def bare(url_params: dict[str, str] = url_params, body: bytes = body) -> Any:
            response = es_http.post(f"/{index}/_search", params=url_params, content=body, headers=JSON_HEADERS)
            assert response.status_code == 200, response.text
            return response.json()

        first_ours, first_bare = ours(), bare()  # warm-up, and the check that both are the same search
        assert first_ours["total"] == first_bare["hits"]["total"]["value"], label
        assert [h["id"] for h in first_ours["hits"]] == [
            h["_source"]["id"] for h in first_bare["hits"].get("hits", [])
        ], label
        times: dict[str, list[float]] = {"ours": [], "bare": []}
        cpu = 0.0
        for i in range(repeats):
            for side in ("ours", "bare") if i % 2 == 0 else ("bare", "ours"):
                before = process_cpu(server_pid) if side == "ours" else None
                started = time.perf_counter()
                (ours if side == "ours" else bare)()
                times[side].append((time.perf_counter() - started) * 1000)
                after = process_cpu(server_pid) if side == "ours" else None
                if before is not None and after is not None:
                    cpu += after - before
        med = {k: statistics.median(v) for k, v in times.items()}
        tail = {k: p95(v) for k, v in times.items()}
        print(
            f"{label:<20}{med['ours']:>9.1f}{med['bare']:>9.1f}{med['ours'] / med['bare']:>6.2f}x"
            f"{tail['ours']:>10.1f}{tail['bare']:>9.1f}{tail['ours'] / tail['bare']:>6.2f}x"
            f"{cpu / repeats * 1000:>10.2f} ms"
        )
    # The floor under every ratio: one trivial request through the same client, uvicorn and FastAPI stack.
    trivial: list[float] = []
    cpu = 0.0
    for _ in range(repeats):
        before = process_cpu(server_pid)
        started = time.perf_counter()
        api.get("/").raise_for_status()
        trivial.append((time.perf_counter() - started) * 1000)
        after = process_cpu(server_pid)
        if before is not None and after is not None:
            cpu += after - before
    print(f"{'GET / (trivial)':<20}{statistics.median(trivial):>9.1f}{'':>23}{p95(trivial):>10.1f}{'':>16}"
          f"{cpu / repeats * 1000:>10.2f} ms")  # fmt: skip


def profile_api(api: Any, server_pid: int, output: Path, rounds: int, top: int = 25) -> None:
    """py-spy samples the API process while it serves `rounds` of every ratio case back to back; the
    collapsed stacks go to `output`, the functions with most samples (inclusive and own) are printed."""
    spy = subprocess.Popen(
        ["py-spy", "record", "-p", str(server_pid), "-f", "raw", "--nolineno", "--gil", "-r", "500", "-o", str(output)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    time.sleep(1.0)  # py-spy attaches
    cpu_before = process_cpu(server_pid)
    started = time.perf_counter()
    for _ in range(rounds):
        for _, params, _ in RATIO_CASES:
            api.get("/search", params=params).raise_for_status()
    seconds = time.perf_counter() - started
    cpu_after = process_cpu(server_pid)
    spy.send_signal(signal.SIGINT)
    _, err = spy.communicate(timeout=60)
    requests = rounds * len(RATIO_CASES)
    cpu = f"{(cpu_after - cpu_before) / requests * 1000:.2f} ms API CPU" if cpu_before and cpu_after else ""
    print(f"\nprofile: {requests} /search in {seconds:.1f} s ({cpu} per request), stacks in {output}")
    if not output.exists():
        print(f"py-spy wrote nothing: {err.decode(errors='replace')[-400:]}")
        return
    for line in summarise_stacks(output.read_text().splitlines(), top):
        print(line)


def summarise_stacks(lines: list[str], top: int) -> list[str]:
    """Collapsed stacks (`a;b;c N`) -> the `top` functions by inclusive share of samples, with own share."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in lines:
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = [f for f in stack.split(";") if not f.startswith("process ") and not f.startswith("thread ")]
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + count
        if frames:
            own[frames[-1]] = own.get(frames[-1], 0) + count
    out = [f"{total} samples; incl % / own %, by inclusive share"]
    for frame, count in sorted(inclusive.items(), key=lambda kv: -kv[1])[:top]:
        out.append(f"{100 * count / total:6.1f} {100 * own.get(frame, 0) / total:6.1f}  {frame}")
    out.append("by own share:")
    for frame, count in sorted(own.items(), key=lambda kv: -kv[1])[:top]:
        out.append(f"{100 * inclusive[frame] / total:6.1f} {100 * count / total:6.1f}  {frame}")
    return out


def in_process(es: Any, settings: Any, repeats: int) -> None:
    """No HTTP on our side: search() against es.search() of the request it builds, CPU ms of this process."""
    print(f"\n{'in process, CPU ms':<20}{'search()':>9}{'es.search':>10}")
    for label, _, q in RATIO_CASES:
        kwargs = {**search_request(q), "index": settings.read_alias}
        cpu: dict[str, list[float]] = {"ours": [], "bare": []}
        for _ in range(repeats):
            started = time.process_time()
            search(es, settings, q)
            cpu["ours"].append((time.process_time() - started) * 1000)
            started = time.process_time()
            es.search(**kwargs)
            cpu["bare"].append((time.process_time() - started) * 1000)
        print(f"{label:<20}{statistics.median(cpu['ours']):>9.2f}{statistics.median(cpu['bare']):>10.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the bench index afterwards")
    parser.add_argument("--reuse", action="store_true", help="skip indexing when the index holds --articles")
    parser.add_argument("--only-ratio", action="store_true", help="only /search against its bare query")
    parser.add_argument(
        "--profile", type=Path, metavar="FILE",
        help="py-spy the API process over --profile-rounds of the ratio cases (collapsed stacks to FILE)",
    )  # fmt: skip
    parser.add_argument("--profile-rounds", type=int, default=500)
    parser.add_argument("--stock-server", action="store_true", help="serve on asyncio + h11 (uvicorn's own)")
    args = parser.parse_args(argv)

    import httpx

    settings = get_settings()
    es = connect(settings)
    setup_index(es, settings)
    server: subprocess.Popen[bytes] | None = None
    try:
        count = es.count(index=settings.read_alias)["count"]
        if not (args.reuse and count >= args.articles):
            seconds = load(es, settings, args.articles)
            count = es.count(index=settings.read_alias)["count"]
            print(f"indexed {count} articles in {seconds:.0f} s ({count / seconds:.0f}/s, bulk through index_articles)")
        print(f"{count} articles; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        server, base_url = start_api(args.stock_server)
        client = httpx.Client(base_url=base_url, timeout=120)
        for _ in range(600):
            try:
                client.get("/")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        some_id = "bench-000010"

        def get(path: str, **params: Any) -> Callable[[], Any]:
            def call() -> Any:
                response = client.get(path, params=params)
                assert response.status_code == 200, response.text
                return response

            return call

        cases: list[tuple[str, Callable[[], Any], str]] = [
            ("/search simple", get("/search", q="oekraine"), "search"),
            ("/search boolean", get("/search", q='(NAVO OR NATO) AND "Mark Rutte" -Ajax'), "search"),
            (
                "/search filtered",
                get("/search", q="regering", lang="nl", source="source-01.example,source-02.example", since="2025-01"),
                "search",
            ),
            ("/search prefix+phrase", get("/search", q='oekra* "Europese Unie"~3'), "search"),
            ("/search facets", get("/search", q="regering", facets="true", size="0"), "facets"),
            ("/search unique", get("/search", q="regering", unique="true"), "search"),
            ("/timeline", get("/timeline", q="regering", split="language"), "facets"),
            ("/trends", get("/trends", field="entities", window="1d", background="30d"), "facets"),
            ("/articles/{id}/similar", get(f"/articles/{some_id}/similar"), "search"),
        ]
        targets = {"search": 150.0, "facets": 400.0}
        results: dict[str, list[float]] = {}
        if not args.only_ratio:
            print(f"\n{'case':<28}{'median ms':>11}{'p95 ms':>9}  target p95")
            for name, fn, kind in cases:
                results[name] = timed(fn, args.repeats)
                target = f"<= {targets[kind]:.0f} ms" if kind else ""
                print(f"{name:<28}{statistics.median(results[name]):>11.1f}{p95(results[name]):>9.1f}  {target}")
        es_http = httpx.Client(base_url=settings.es_hosts[0], timeout=120)
        compare(client, es_http, settings.read_alias, args.repeats, server.pid)
        if args.profile is not None:
            profile_api(client, server.pid, args.profile, args.profile_rounds)
        if not args.only_ratio:
            in_process(es, settings, args.repeats)
            started = time.perf_counter()
            with client.stream("GET", "/export", params={"format": "jsonl"}) as response:
                exported = sum(1 for line in response.iter_lines() if line)
            seconds = time.perf_counter() - started
            rate = exported / seconds
            print(f"\nexport: {exported} articles in {seconds:.1f} s = {rate:.0f} articles/s (target >= 3000)")
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if not args.keep:
            generations = list(es.indices.get(index=f"{settings.read_alias}-*").body)
            if generations:
                es.indices.delete(index=",".join(generations))
            es.indices.delete_index_template(name=settings.read_alias)
    return 0


if __name__ == "__main__":
    sys.exit(main())
