"""The `newsworker` command: services, index, ingest, process, search, worker, failures."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from worker.article import RawItem
from worker.config import Settings, get_settings
from worker.sources.documents import DocumentError, document_item, iter_document_paths, read_document


class CliError(RuntimeError):
    """A user-facing error: printed without a traceback, exit status 1."""


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str))


def document_items(paths: list[str], settings: Settings) -> Iterator[RawItem | DocumentError]:
    """RawItems for files, directories (recursive) and '-' (stdin); unreadable files as errors in line."""
    for raw in paths:
        if raw == "-":
            yield document_item(sys.stdin.read(), name="<stdin>")
            continue
        try:
            for path in iter_document_paths([Path(raw)]):
                try:
                    yield document_item(read_document(path, max_bytes=settings.max_document_bytes), name=path.name)
                except DocumentError as exc:
                    yield exc
        except DocumentError as exc:
            yield exc


def cmd_services(args: argparse.Namespace, settings: Settings) -> int:
    from worker import services

    action = {"up": services.services_up, "down": services.services_down, "status": services.services_status}
    try:
        for line in action[args.action](settings):
            print(line)
    except services.ServiceError as exc:
        raise CliError(str(exc)) from exc
    return 0


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from worker.index.store import connect, index_status, setup_index

    es = connect(settings)
    _print_json(setup_index(es, settings) if args.action == "setup" else index_status(es, settings))
    return 0


def cmd_process(args: argparse.Namespace, settings: Settings) -> int:
    from worker.pipeline import process_items

    items: list[RawItem] = []
    status = 0
    for entry in document_items(args.paths, settings):
        if isinstance(entry, DocumentError):
            print(f"error: {entry}", file=sys.stderr)
            status = 1
        else:
            items.append(entry)
    processed = process_items(items)
    for failure in processed.failures:
        print(f"error: {failure.stage}: {failure.reason}", file=sys.stderr)
        status = 1
    for article in processed.articles:
        if args.json:
            print(article.model_dump_json())
        else:
            entities = "; ".join(_entity_lines([e.model_dump() for e in article.entities]))
            print(
                f"{article.title}\n  {article.published_at and article.model_dump(mode='json')['published_at']}"
                f" [{article.published_precision}, {article.date_source}] lang={article.language}"
                f" words={article.word_count}\n  topics: {', '.join(t.label for t in article.topics)}"
                f"\n  entities: {entities}\n"
            )
    return status


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def page_item(url: str) -> RawItem:
    """An article page to fetch; its host is its source (feeds are added with `newsworker feeds add`)."""
    from worker.sources.urls import canonical_url, host_of

    canonical = canonical_url(url)
    return RawItem(kind="page", source=host_of(canonical), url=canonical)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from worker.sources.tasks import QUEUE, fetch_items_task
    from worker.tasks import ingest_items

    status = 0
    urls = [p for p in args.paths if is_url(p)]
    if urls:
        # Pages go through the polite fetcher (host budgets, SSRF guard) on the sources queue.
        pages = [page_item(u).model_dump(mode="json") for u in urls]
        fetch_items_task.apply_async(args=[pages, True], queue=QUEUE)
        print(f"queued {len(urls)} page(s) for fetching (not waited for: follow with `newsworker search`)")
    batch: list[dict[str, Any]] = []
    pending = []
    for entry in document_items([p for p in args.paths if not is_url(p)], settings):
        if isinstance(entry, DocumentError):
            print(f"error: {entry}", file=sys.stderr)
            status = 1
            continue
        batch.append(entry.model_dump(mode="json"))
        if len(batch) >= args.batch_size:
            pending.append(ingest_items.delay(batch))
            batch = []
    if batch:
        pending.append(ingest_items.delay(batch))
    if pending or not urls:
        print(f"enqueued {len(pending)} batch(es)")
    if not args.wait:
        return status
    totals = {"indexed": 0, "unchanged": 0, "failed": 0}
    deadline = time.monotonic() + args.timeout
    for result in pending:
        remaining = max(1.0, deadline - time.monotonic())
        counts = result.get(timeout=remaining)
        for key in totals:
            totals[key] += counts.get(key, 0)
    from worker.index.store import connect

    connect(settings).indices.refresh(index=settings.read_alias)
    print(f"indexed {totals['indexed']}, unchanged {totals['unchanged']}, failed {totals['failed']}")
    return 1 if totals["failed"] else status


def _entity_lines(entities: list[dict[str, Any]]) -> list[str]:
    """Entities grouped by type, most salient first: 'PER: Antony Blinken, ...'."""
    lines = []
    for kind in ("PER", "ORG", "LOC", "MISC"):
        names = [e["text"] for e in entities if e["type"] == kind]
        if names:
            lines.append(f"{kind}: {', '.join(names)}")
    return lines


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    import elasticsearch

    # The transport logs each retry with a traceback; an unreachable cluster is reported once, below.
    logging.getLogger("elastic_transport").setLevel(logging.ERROR)

    from worker.index.store import connect
    from worker.query import QuerySyntaxError
    from worker.search import SearchError, SearchQuery, Values, search

    try:
        query = SearchQuery(
            text=" ".join(args.query),
            languages=Values.parse(args.lang),
            topics=Values.parse(args.topic),
            entities=Values.parse(args.entity),
            sources=Values.parse(args.source),
            since=args.since,
            until=args.until,
            size=args.size,
            offset=args.offset,
            sort=args.sort,
            facets=args.facets,
            cursor=args.cursor,
        )
        result = search(connect(settings), settings, query)
    except (QuerySyntaxError, SearchError) as exc:
        # One line and exit status 2 (usage error), as argparse does: never a traceback.
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (elasticsearch.ConnectionError, elasticsearch.NotFoundError) as exc:
        raise CliError(f"Elasticsearch at {settings.es_url} cannot search: {exc} (newsworker services up)") from exc
    if args.json:
        _print_json(result)
        return 0
    print(f"{result['total']} hit(s)")
    for hit in result["hits"]:
        title = (hit["highlight"].get("title") or [hit["title"]])[0]
        print(
            f"\n{title}\n  {hit.get('published_at')} [{hit.get('published_precision')}] {hit.get('language')}"
            f" {hit.get('source')} {hit.get('url') or ''}"
        )
        for fragment in hit["highlight"].get("body", [])[:2]:
            print(f"  … {fragment} …")
        for line in _entity_lines(hit.get("entities", [])):
            print(f"  {line}")
        topics = ", ".join(f"{t['label']} {t['score']:.2f}" for t in hit.get("topics", []))
        if topics:
            print(f"  topics: {topics}")
    if args.facets:
        _print_json(result["facets"])
    if result.get("next_cursor"):
        print(f"\nnext page: --cursor {result['next_cursor']}")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from worker.export import DEFAULT_EXPORT_FIELDS, EXPORT_FIELDS, export_lines
    from worker.index.store import connect
    from worker.query import QuerySyntaxError
    from worker.search import SearchError, SearchQuery, Values, build_query, iter_matches

    fields = tuple(f.strip() for f in args.fields.split(",") if f.strip()) if args.fields else DEFAULT_EXPORT_FIELDS
    unknown = [f for f in fields if f not in EXPORT_FIELDS]
    try:
        if unknown or not fields:
            raise SearchError(f"unknown field(s) {', '.join(unknown)}; fields: {', '.join(EXPORT_FIELDS)}", "fields")
        query = SearchQuery(
            text=" ".join(args.query),
            languages=Values.parse(args.lang),
            topics=Values.parse(args.topic),
            entities=Values.parse(args.entity),
            sources=Values.parse(args.source),
            since=args.since,
            until=args.until,
            size=0,
            sort=args.sort,
        )
        query.validate()
        build_query(query)
    except (QuerySyntaxError, SearchError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    counted = [0]

    def rows() -> Iterator[dict[str, Any]]:
        for row in iter_matches(connect(settings), settings, query, source=list(fields)):
            counted[0] += 1
            yield row

    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8", newline="")  # noqa: SIM115
    try:
        for chunk in export_lines(rows(), fields, args.format):
            out.write(chunk)
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"exported {counted[0]} article(s)", file=sys.stderr)
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    import worker.sources.tasks  # noqa: F401  (routes and the sources queue)
    from worker.tasks import app

    argv = [
        "worker",
        "--loglevel",
        args.loglevel,
        "--concurrency",
        str(args.concurrency),
        "--queues",
        args.queues,
        *args.celery_args,
    ]
    app.worker_main(argv)
    return 0


def cmd_retag(args: argparse.Namespace, settings: Settings) -> int:
    from worker.index.store import connect, iter_ids, languages_present, stale_enrichment_query
    from worker.search import SearchQuery, build_query
    from worker.tagging import enrichment_version, model_versions
    from worker.tasks import retag_task

    es = connect(settings)
    if args.query is not None:
        query = build_query(SearchQuery(text=args.query))
    else:
        current = {lang: enrichment_version(model_versions(lang)) for lang in languages_present(es, settings)}
        query = stale_enrichment_query(current)
    tasks = [retag_task.delay(ids) for ids in iter_ids(es, settings, query, batch=args.batch_size)]
    print(f"enqueued {len(tasks)} re-tagging batch(es)")
    if args.wait:
        counts = [t.get(timeout=args.timeout) for t in tasks]
        print(
            f"re-tagged {sum(c['indexed'] for c in counts)}, unchanged {sum(c['unchanged'] for c in counts)}, "
            f"failed {sum(c['failed'] for c in counts)}"
        )
    return 0


def cmd_api(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    uvicorn.run("worker.api:app", host=args.host or settings.api_host, port=args.port or settings.api_port)
    return 0


def cmd_failures(args: argparse.Namespace, settings: Settings) -> int:
    from worker.tasks import failure_store, index_articles_task, ingest_items

    store = failure_store()
    if args.action == "list":
        print(f"{store.count()} failure(s) recorded")
        for failure in store.recent(args.limit):
            print(
                f"{failure.failed_at:%Y-%m-%d %H:%M:%S} {failure.stage:<9} {failure.source or '-'} "
                f"{failure.item_id or '-'}: {failure.reason}"
            )
        return 0
    failures = store.take_all()
    raws = [f.payload["raw"] for f in failures if f.payload and "raw" in f.payload]
    articles = [f.payload["article"] for f in failures if f.payload and "article" in f.payload]
    if raws:
        ingest_items.delay(raws)
    if articles:
        index_articles_task.delay(articles)
    unreplayable = [f for f in failures if not f.payload]
    store.record(unreplayable)
    print(f"replaying {len(raws)} item(s) and {len(articles)} article(s); {len(unreplayable)} not replayable kept")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsworker", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("services", help="start/stop local Redis and Elasticsearch (no Docker)")
    p.add_argument("action", choices=["up", "down", "status"])
    p.set_defaults(func=cmd_services)

    p = sub.add_parser("index", help="create or inspect the Elasticsearch template, index and aliases")
    p.add_argument("action", choices=["setup", "status"])
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("process", help="normalise + tag in-process (no broker, no Elasticsearch)")
    p.add_argument("paths", nargs="+", help="files, directories, or - for stdin")
    p.add_argument("--json", action="store_true", help="one JSON article record per line")
    p.set_defaults(func=cmd_process)

    p = sub.add_parser("ingest", help="enqueue documents and article pages for the workers")
    p.add_argument("paths", nargs="+", help="files, directories, - for stdin, or http(s) URLs of article pages")
    p.add_argument("--wait", action="store_true", help="wait until the workers have indexed everything")
    p.add_argument("--timeout", type=float, default=600, help="seconds --wait waits at most")
    p.add_argument("--batch-size", type=int, default=50, help="documents per task")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", help="search indexed articles")
    p.add_argument("query", nargs="*", help="full-text query (empty: newest first)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", action="append", help="language(s): nl,en or -en; repeatable")
    p.add_argument("--topic", action="append", help="IPTC code (16000000) or label, Dutch or English")
    p.add_argument("--entity", action="append", help="entity name, surface form or Wikidata id")
    p.add_argument("--since", help="YYYY[-MM[-DD]] or ISO timestamp")
    p.add_argument("--until", help="YYYY[-MM[-DD]] or ISO timestamp")
    p.add_argument("--source", action="append", help="source(s): a,b or -excluded; repeatable")
    p.add_argument("--size", type=int, default=10, help="hits per page (0-100)")
    p.add_argument("--offset", type=int, default=0, help="hits to skip (offset + size <= 10000; deeper: --cursor)")
    p.add_argument("--cursor", help="'*' starts deep paging; then pass the printed next cursor")
    p.add_argument("--sort", choices=["relevance", "date", "oldest"], default="relevance")
    p.add_argument("--facets", action="store_true", help="also print counts by language, topic, entity, month")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("export", help="write every article matching a query as JSON lines or CSV")
    p.add_argument("query", nargs="*", help="query (same language as search; empty: everything)")
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.add_argument("--fields", help="comma-separated fields (default id,url,source,title,published_at,language)")
    p.add_argument("--output", "-o", default="-", help="file to write (default: stdout)")
    p.add_argument("--lang", action="append")
    p.add_argument("--topic", action="append")
    p.add_argument("--entity", action="append")
    p.add_argument("--source", action="append")
    p.add_argument("--since")
    p.add_argument("--until")
    p.add_argument("--sort", choices=["relevance", "date", "oldest"], default="date")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("worker", help="run a Celery worker (extra arguments go to Celery after --)")
    p.add_argument("--concurrency", type=int, default=1)
    p.add_argument("--loglevel", default="INFO")
    p.add_argument(
        "--queues",
        default="ingest,sources",
        help="ingest (normalise, tag, index: CPU) and sources (polls, page fetches: I/O); "
        "run them on separate workers to size each",
    )
    p.add_argument("celery_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("retag", help="re-tag stored articles tagged by older models (or matching --query)")
    p.add_argument("--query", help="re-tag the articles matching this full-text query, whatever their version")
    p.add_argument("--batch-size", type=int, default=200)
    p.add_argument("--wait", action="store_true")
    p.add_argument("--timeout", type=float, default=3600)
    p.set_defaults(func=cmd_retag)

    p = sub.add_parser("api", help="serve the HTTP API (search, trends, health, metrics, document intake)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_api)

    p = sub.add_parser("failures", help="list or replay the dead-letter store")
    p.add_argument("action", choices=["list", "replay"])
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_failures)
    __import__("worker.sources.cli", fromlist=["register"]).register(sub)  # `feeds`: worker/sources/cli.py
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args, get_settings()))
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
