"""The `newsworker` command: services, index, ingest, process, search, worker, failures, ledger."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from worker.article import RawItem
from worker.config import Settings, get_settings
from worker.normalise import escape_for_terminal
from worker.sources.documents import DocumentError, document_item, iter_document_paths, read_document, read_stream


class CliError(RuntimeError):
    """A user-facing error: printed without a traceback, exit status 1."""


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str))


def document_items(paths: list[str], settings: Settings) -> Iterator[RawItem | DocumentError]:
    """RawItems for files, directories (recursive) and '-' (stdin, read up to the size cap and no further);
    every input that cannot be read comes in line as a DocumentError, and the rest carries on."""
    for raw in paths:
        if raw == "-":
            try:
                stdin = sys.stdin.buffer if sys.stdin is not None else None
                yield document_item(read_stream(stdin, max_bytes=settings.max_document_bytes))
            except DocumentError as exc:
                yield exc
            continue
        for entry in iter_document_paths([Path(raw)]):
            if isinstance(entry, DocumentError):
                yield entry
                continue
            try:
                yield document_item(read_document(entry, max_bytes=settings.max_document_bytes))
            except DocumentError as exc:
                yield exc


def cmd_services(args: argparse.Namespace, settings: Settings) -> int:
    from worker import services
    from worker.config import get_services_settings

    action = {"up": services.services_up, "down": services.services_down, "status": services.services_status}
    try:
        for line in action[args.action](get_services_settings()):
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
    processed = process_items(items, settings)
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


def record_read_errors(errors: list[DocumentError], settings: Settings) -> None:
    """Documents that could not be read become dead letters too (`failures list` names the file)."""
    from worker.app import failure_store
    from worker.sources.documents import document_failure

    failure_store().record([document_failure(e) for e in errors])


def wait_for(results: list[Any], deadline: float,
             progress: Callable[[dict[str, int]], None] | None = None) -> tuple[dict[str, int], list[str]]:  # fmt: skip
    """Follow enqueued batches to the end: through page fetches to their pipeline batch, through poison
    splits to the halves. Returns the summed counts and what could not be waited for; `progress` sees the
    running totals after every batch."""
    from celery.result import AsyncResult

    from worker.app import app

    totals = {"indexed": 0, "unchanged": 0, "failed": 0}
    unfinished: list[str] = []
    pending = list(results)
    while pending:
        result = pending.pop(0)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            unfinished.append(result.id)
            continue
        try:
            outcome = result.get(timeout=remaining, propagate=True)
        except Exception as exc:  # a batch killed at its hard time limit: split by the worker, not followed
            unfinished.append(f"{result.id} ({type(exc).__name__}: its items were split and re-enqueued)")
            continue
        for key in totals:
            totals[key] += int(outcome.get(key, 0))
        if progress is not None:
            progress(totals)
        for child in outcome.get("split", []) + outcome.get("then", []):
            pending.append(AsyncResult(child, app=app))
    return totals, unfinished


def refresh_for_search(settings: Settings) -> None:
    """Make what was just indexed searchable now; when Elasticsearch is unreachable, say so and go on
    (the refresh interval does it a second later anyway)."""
    import elasticsearch

    from worker.index.store import connect

    try:
        connect(settings).options(max_retries=0).indices.refresh(index=settings.read_alias)
    except (elasticsearch.ApiError, elasticsearch.TransportError) as exc:
        print(f"note: could not refresh the index ({type(exc).__name__}); results show within a second",
              file=sys.stderr)  # fmt: skip


def ingest_batch_size(settings: Settings) -> int:
    """Documents per ingest task: 50 with tagging (≈ 3 s of a core: short tails, prompt retries), 200 without
    (tasks done 1.16x faster than with 50 over 4,000 untagged articles, bench/RESULTS.md 2026-12-01)."""
    return 50 if settings.tagging else 200


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from worker.app import FETCH_PAGES, INGEST_ITEMS, enqueue

    status = 0
    pending = []
    urls = [p for p in args.paths if is_url(p)]
    if urls:
        # Pages go through the polite fetcher (host budgets, SSRF guard) on the sources queue.
        pending.append(enqueue(FETCH_PAGES, [page_item(u).model_dump(mode="json") for u in urls]))
        print(f"queued {len(urls)} page(s) for fetching")
    batch: list[dict[str, Any]] = []
    batch_size = args.batch_size or ingest_batch_size(settings)
    errors: list[DocumentError] = []
    documents = 0
    for entry in document_items([p for p in args.paths if not is_url(p)], settings):
        if isinstance(entry, DocumentError):
            print(f"error: {escape_for_terminal(str(entry))}", file=sys.stderr)
            errors.append(entry)
            status = 1
            continue
        documents += 1
        batch.append(entry.model_dump(mode="json"))
        if len(batch) >= batch_size:
            pending.append(enqueue(INGEST_ITEMS, batch))
            batch = []
    if batch:
        pending.append(enqueue(INGEST_ITEMS, batch))
    record_read_errors(errors, settings)
    if documents or not urls:
        print(f"enqueued {documents} document(s) in {len(pending) - (1 if urls else 0)} batch(es)"
              + (f"; {len(errors)} unreadable, recorded in `newsworker failures list`" if errors else ""))  # fmt: skip
    if not args.wait:
        return status
    totals, unfinished = wait_for(pending, time.monotonic() + args.timeout)
    refresh_for_search(settings)
    print(f"indexed {totals['indexed']}, unchanged {totals['unchanged']}, failed {totals['failed']}")
    if totals["failed"]:
        print("the failures are in `newsworker failures list`", file=sys.stderr)
    for what in unfinished:
        print(f"not waited for: {what}", file=sys.stderr)
    return 1 if totals["failed"] or unfinished else status


def _entity_lines(entities: list[dict[str, Any]]) -> list[str]:
    """Entities grouped by type, most salient first: 'PER: Antony Blinken, ...'."""
    lines = []
    for kind in ("PER", "ORG", "LOC", "MISC"):
        names = [e["text"] for e in entities if e["type"] == kind]
        if names:
            lines.append(f"{kind}: {', '.join(names)}")
    return lines


def search_query(args: argparse.Namespace, **options: Any) -> Any:
    """The SearchQuery that `search` and `export` build from the same query words and filter options."""
    from worker.search import SearchQuery, Values

    return SearchQuery(
        text=" ".join(args.query),
        languages=Values.parse(args.lang),
        topics=Values.parse(args.topic),
        entities=Values.parse(args.entity),
        sources=Values.parse(args.source),
        since=args.since,
        until=args.until,
        **options,
    )


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    import elasticsearch

    # The transport logs each retry with a traceback; an unreachable cluster is reported once, below.
    logging.getLogger("elastic_transport").setLevel(logging.ERROR)

    from worker.index.store import connect
    from worker.query import QuerySyntaxError
    from worker.search import SearchError, search

    try:
        query = search_query(
            args,
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
        where = ",".join(settings.es_url)
        raise CliError(f"Elasticsearch at {where} cannot search: {exc} (newsworker services up)") from exc
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
    from worker.search import SearchError, build_query, iter_matches

    if args.background:
        return export_background(args, settings)
    fields = tuple(f.strip() for f in args.fields.split(",") if f.strip()) if args.fields else DEFAULT_EXPORT_FIELDS
    unknown = [f for f in fields if f not in EXPORT_FIELDS]
    try:
        if unknown or not fields:
            raise SearchError(f"unknown field(s) {', '.join(unknown)}; fields: {', '.join(EXPORT_FIELDS)}", "fields")
        query = search_query(
            args,
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


def _export_jobs(settings: Settings) -> Any:
    import redis

    from worker.export_jobs import ExportJobs

    return ExportJobs(redis.Redis.from_url(settings.redis_url), settings)


def _print_export(job: Any, as_json: bool) -> None:
    if as_json:
        _print_json(job.public())
        return
    total = "?" if job.total is None else str(job.total)
    line = f"{job.id}  {job.state:<9} {job.written}/{total}  {job.format}  {job.created_at[:19]}  {job.query.text!r}"
    print(line)
    if job.state == "done":
        print(f"  file: {job.path} ({job.size} bytes)")
    if job.error:
        print(f"  error: {job.error}")


def export_background(args: argparse.Namespace, settings: Settings) -> int:
    """`export --background`: the job is checked and queued; a worker writes the file (see `exports`)."""
    import redis

    from worker.export_tasks import send_export
    from worker.query import QuerySyntaxError
    from worker.search import SearchError

    if args.output != "-":
        print("error: --output does not go with --background (the file is written to export_dir: "
              f"{settings.exports_path})", file=sys.stderr)  # fmt: skip
        return 2
    try:
        job = _export_jobs(settings).create(search_query(args, size=0, sort=args.sort), args.format, args.fields,
                                            send_export)  # fmt: skip
    except (QuerySyntaxError, SearchError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except redis.RedisError as exc:
        raise CliError(f"Redis at {settings.redis_url} is not reachable: {exc} (newsworker services up)") from exc
    print(f"export {job.id} queued; follow it with: newsworker exports show {job.id}", file=sys.stderr)
    print(job.id)
    return 0


def _wait_export(jobs: Any, job_id: str, timeout: float) -> Any:
    """The job once it has finished (done, failed, cancelled), or as it is when `timeout` seconds ran out."""
    from worker.export_jobs import FINISHED

    deadline = time.monotonic() + timeout
    job = jobs.get(job_id)
    while job.state not in FINISHED and time.monotonic() < deadline:
        time.sleep(0.5)
        job = jobs.get(job_id)
    return job


def cmd_exports(args: argparse.Namespace, settings: Settings) -> int:
    import redis

    from worker.export_jobs import ExportNotFound, ExportStateError

    jobs = _export_jobs(settings)
    try:
        if args.action == "list":
            listed = jobs.list(args.limit)
            if args.json:
                _print_json([job.public() for job in listed])
            for job in [] if args.json else listed:
                _print_export(job, False)
            return 0
        if not args.id:
            print(f"error: exports {args.action} needs an export id", file=sys.stderr)
            return 2
        if args.action == "cancel":
            job = jobs.cancel(args.id)
        elif args.action == "remove":
            job = jobs.remove(args.id)
            print(f"export {job.id} removed ({job.state}; file {job.path} deleted)", file=sys.stderr)
            return 0
        else:
            job = _wait_export(jobs, args.id, args.wait) if args.wait else jobs.get(args.id)
    except ExportNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ExportStateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except redis.RedisError as exc:
        raise CliError(f"Redis at {settings.redis_url} is not reachable: {exc} (newsworker services up)") from exc
    _print_export(job, args.json)
    return 1 if args.wait and job.state != "done" else 0


def worker_commands(args: argparse.Namespace) -> list[list[str]]:
    """The Celery workers `newsworker worker` runs: by default one for each queue, since tagging (CPU,
    processes) and fetching (I/O, many threads waiting on hosts) are sized differently and must not wait
    behind each other."""
    from worker.app import QUEUE_INGEST, QUEUE_SOURCES

    queues = [q.strip() for q in args.queues.split(",") if q.strip()]
    base = [sys.executable, "-m", "celery", "-A", "worker.app", "worker", "--loglevel", args.loglevel]
    commands = []
    if QUEUE_INGEST in queues:
        commands.append([*base, "--queues", QUEUE_INGEST, "--pool", args.pool,
                         "--concurrency", str(args.concurrency), "--hostname", f"{QUEUE_INGEST}@%h"])
    if QUEUE_SOURCES in queues:
        commands.append([*base, "--queues", QUEUE_SOURCES, "--pool", args.fetch_pool,
                         "--concurrency", str(args.fetch_concurrency),
                         "--hostname", f"{QUEUE_SOURCES}@%h"])
    others = [q for q in queues if q not in (QUEUE_INGEST, QUEUE_SOURCES)]
    if others:
        raise CliError(f"unknown queue(s): {', '.join(others)} (queues: {QUEUE_INGEST}, {QUEUE_SOURCES})")
    extra = [a for a in args.celery_args if a != "--"]
    return [[*command, *extra] for command in commands]


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    import signal
    import subprocess

    commands = worker_commands(args)
    if len(commands) == 1:
        os.execv(sys.executable, commands[0])
    children = [subprocess.Popen(command) for command in commands]

    def stop(signum: int, _frame: Any) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
        signal.signal(signum, stop)
    # One worker gone means the other queue is unserved: stop both and say so.
    while all(child.poll() is None for child in children):
        time.sleep(0.5)
    stop(signal.SIGTERM, None)
    codes = [child.wait() for child in children]
    return max(abs(code) for code in codes)


def cmd_retag(args: argparse.Namespace, settings: Settings) -> int:
    from worker.app import RETAG, enqueue
    from worker.index.store import connect, iter_ids, languages_present, stale_enrichment_query
    from worker.query import QuerySyntaxError
    from worker.search import SearchError, SearchQuery, build_query
    from worker.tagging import enrichment_version, model_versions

    given: dict[str, Any] | None = None
    if args.query is not None:  # a query that does not parse is said before anything is touched
        try:
            given = build_query(SearchQuery(text=args.query))
        except (QuerySyntaxError, SearchError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    es = connect(settings)
    refresh_for_search(settings)  # what was written a moment ago is counted and re-tagged too
    if given is not None:
        query = given
    else:
        current = {lang: enrichment_version(model_versions(lang)) for lang in languages_present(es, settings)}
        query = stale_enrichment_query(current)
        if args.status:  # coverage only: what is on which version, what lacks entities/topics
            from worker.coverage import enrichment_coverage

            _print_json(enrichment_coverage(es, settings, current))
            return 0
    todo = int(es.count(index=settings.read_alias, query=query)["count"])
    why = "" if args.query is not None else " (not on the current enrichment version)"
    print(f"{todo} article(s) to re-tag{why}")
    tasks = [enqueue(RETAG, ids) for ids in iter_ids(es, settings, query, batch=args.batch_size)]
    print(f"enqueued {len(tasks)} re-tagging batch(es)")

    def show(totals: dict[str, int]) -> None:
        done = sum(totals.values())
        print(f"progress: {done}/{todo} ({100 * done / max(todo, 1):.0f} %)", file=sys.stderr, flush=True)

    if args.wait:
        totals, unfinished = wait_for(tasks, time.monotonic() + args.timeout, show)
        print(f"re-tagged {totals['indexed']}, unchanged {totals['unchanged']}, failed {totals['failed']}")
        for what in unfinished:
            print(f"not waited for: {what}", file=sys.stderr)
    return 0


def cmd_api(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from worker.api import SERVER_OPTIONS

    host, port = args.host or settings.api_host, args.port or settings.api_port
    uvicorn.run("worker.api:app", host=host, port=port, **SERVER_OPTIONS)
    return 0


def cmd_ledger(args: argparse.Namespace, settings: Settings) -> int:
    """The batch ledger's figures, as /health reports them (worker/ledger.py, README: Failures and delivery);
    exit status 1 when the oldest batch is over `health_ledger_age_max`, as /health is then degraded."""
    import redis

    from worker.app import batch_ledger

    now = time.time()
    try:
        status = batch_ledger().status(now)
    except redis.RedisError as exc:
        raise CliError(f"the broker's Redis ({settings.broker_url}) did not answer: {exc}") from exc
    over = status.oldest_seconds is not None and status.oldest_seconds > settings.health_ledger_age_max
    if args.json:
        _print_json(status.as_json())
        return 1 if over else 0
    print(f"batches in flight: {status.in_flight}")
    if status.oldest_seconds is not None:
        print(f"oldest: {status.oldest_task_id}, sent {status.oldest_seconds:.0f} s ago"
              + (f" (over {settings.health_ledger_age_max:g} s: /health is degraded)" if over else ""))  # fmt: skip
    resent = f"re-sent by the reaper: {status.resent}"
    if status.last_resent_at is not None:
        resent += f", last {status.as_json()['last_resent_at']} ({now - status.last_resent_at:.0f} s ago)"
    print(resent)
    return 1 if over else 0


def failure_filter(args: argparse.Namespace) -> Any:
    from worker.dates import DateParseError, parse_date
    from worker.failures import FailureFilter

    since = None
    if args.since:
        try:
            since = parse_date(args.since)[0]
        except DateParseError as exc:
            raise CliError(f"--since: {exc}") from exc
    return FailureFilter(stage=args.stage, reason=args.reason, since=since)


def cmd_failures(args: argparse.Namespace, settings: Settings) -> int:
    from worker.app import enqueue, failure_store

    store = failure_store()
    where = failure_filter(args)
    if args.action == "list":
        overflow = store.overflow()
        print(f"{store.count()} failure(s) recorded" + (f"; {overflow} refused, store full" if overflow else ""))
        for failure in store.recent(args.limit, where):
            print(escape_for_terminal(f"{failure.failed_at:%Y-%m-%d %H:%M:%S} {failure.id} {failure.stage:<9} "
                            f"{failure.source or '-'} {failure.item_id or '-'}: {failure.reason}"))  # fmt: skip
        return 0
    if args.action == "show":
        if not args.id:
            raise CliError("failures show needs a failure id (from `failures list`)")
        found = store.get(args.id)
        if found is None:
            raise CliError(f"no failure {args.id}")
        print(escape_for_terminal(found.model_dump_json(indent=2)))
        return 0
    # replay: in bounded batches per task; each batch leaves the store only once it was handed on, and a
    # replayed item that fails again comes back under the same id.
    sent: dict[str, int] = {}
    kept = 0
    batches: dict[str, list[tuple[str, Any]]] = {}

    def flush(task: str) -> None:
        chunk = batches.pop(task, [])
        if chunk:
            enqueue(task, [item for _, item in chunk])
            store.remove([failure_id for failure_id, _ in chunk])
            sent[task] = sent.get(task, 0) + len(chunk)

    for failure in list(store.iter(where, newest_first=False)):
        route = failure.replay
        if route is None:
            kept += 1
            continue
        task, item = route
        batches.setdefault(task, []).append((failure.id, item))
        if len(batches[task]) >= settings.replay_batch_size:
            flush(task)
    for task in list(batches):
        flush(task)
    done = ", ".join(f"{n} to {task}" for task, n in sorted(sent.items())) or "nothing"
    print(f"replayed {sum(sent.values())} item(s) in batches of at most {settings.replay_batch_size}: {done}; "
          f"{kept} not replayable (kept)")  # fmt: skip
    return 0


def _compiled_rules_module(action: str) -> Any:
    """worker/tagging/compiled.py, imported (with the package, which activates the build) for `rules ACTION`: a
    build runs the rules as Python, so that compiled_rules=required, which refuses a missing build, cannot stop the
    command that makes one."""
    if action == "build":
        os.environ["NEWSWORKER_COMPILED_RULES"] = "off"
    from worker.tagging import compiled

    return compiled


def cmd_rules(args: argparse.Namespace, settings: Settings) -> int:
    """`build`: compile the rule modules (worker/tagging/compiled.py); both actions then print whether the build
    is current (exit status 1 when it is not) and whether this process uses it."""
    compiled = _compiled_rules_module(args.action)
    if args.action == "build":
        compiled.build(jobs=args.jobs)
    reason = compiled.stale_reason()
    print(f"compiled entity rules in {compiled.OUTPUT}: " + ("current" if reason is None else reason))
    if args.action == "status":
        print(f"this process runs the rules: {compiled.describe()} (compiled_rules={settings.compiled_rules})")
    return 0 if reason is None else 1


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
    p.add_argument("--batch-size", type=int, help="documents per task (default: 50, or 200 when tagging is off "
                   "(NEWSWORKER_TAGGING=false): untagged, a batch is a few ms of work per article and the per-batch "
                   "cost weighs more; bench/RESULTS.md, 2026-12-01)")  # fmt: skip
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
    p.add_argument("--background", action="store_true",
                   help="queue a job that a worker writes to export_dir as .jsonl.gz/.csv.gz (see `exports`)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("exports", help="list, show, cancel or remove background exports (export --background)")
    p.add_argument("action", choices=["list", "show", "cancel", "remove"])
    p.add_argument("id", nargs="?", help="export id (show, cancel, remove: a finished job and its file)")
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="show: wait up to SECONDS for the job to finish (exit 1 when it is not done by then)")
    p.add_argument("--limit", type=int, default=50, help="newest exports listed")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_exports)

    p = sub.add_parser(
        "worker",
        help="run Celery workers: by default one per queue (ingest: processes; sources: threads)",
        description="Runs a worker for each queue asked for: `ingest` (normalise, dedup, tag, index: CPU, "
        "prefork processes) and `sources` (feed polls, page fetches: I/O, many threads). Arguments after -- "
        "go to every Celery worker.",
    )
    p.add_argument("--concurrency", type=int, default=1, help="ingest processes (one per core is right)")
    p.add_argument("--pool", default="prefork", help="ingest pool (Celery: prefork, threads, solo)")
    p.add_argument("--fetch-concurrency", type=int, default=64,
                   help="page/feed fetch threads: more than the hosts being crawled (each task waits on one host)")
    p.add_argument("--fetch-pool", default="threads", help="sources pool (Celery: threads, prefork, solo)")
    p.add_argument("--loglevel", default="INFO")
    p.add_argument("--queues", default="ingest,sources", help="ingest, sources, or both (default)")
    p.add_argument("celery_args", nargs=argparse.REMAINDER, help="after --: passed to Celery")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("retag", help="re-tag stored articles tagged by older models (or matching --query)")
    p.add_argument("--query", help="re-tag the articles matching this full-text query, whatever their version")
    p.add_argument("--batch-size", type=int, default=200)
    p.add_argument("--wait", action="store_true", help="follow the batches, printing progress")
    p.add_argument("--timeout", type=float, default=3600)
    p.add_argument("--status", action="store_true",
                   help="print enrichment coverage (per version, not current, without entities/topics) and stop")
    p.set_defaults(func=cmd_retag)

    p = sub.add_parser("api", help="serve the HTTP API (search, trends, health, metrics, document intake)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_api)

    p = sub.add_parser("ledger", help="batches in flight, the oldest one's age, batches the reaper re-sent")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ledger)

    p = sub.add_parser("rules", help="compile the entity rules with mypyc (build), or say whether the build is used")
    p.add_argument("action", choices=["build", "status"])
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="build: C files compiled at once")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("failures", help="list, show or replay the dead-letter store")
    p.add_argument("action", choices=["list", "show", "replay"])
    p.add_argument("id", nargs="?", help="failure id (show)")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--stage", help="only this stage (read, decode, normalise, fetch, feed, tag, index, ...)")
    p.add_argument("--reason", help="only failures whose reason contains this text")
    p.add_argument("--since", help="only failures since YYYY[-MM[-DD]] or an ISO timestamp")
    p.set_defaults(func=cmd_failures)
    __import__("worker.sources.cli", fromlist=["register"]).register(sub)  # `feeds`: worker/sources/cli.py
    __import__("worker.alerts.cli", fromlist=["register"]).register(sub)  # `alerts`: worker/alerts/cli.py
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # The Elasticsearch client logs every failed attempt with a traceback; the commands report errors.
    logging.getLogger("elastic_transport").setLevel(logging.CRITICAL)
    try:
        return int(args.func(args, get_settings()))
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
