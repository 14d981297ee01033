"""`newsworker feeds ...`: add (with discovery), remove, list (health at a glance), show, sync a feeds file,
enable/disable, poll one feed now, and run the (single) scheduler."""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis

from worker.config import Settings, get_settings


def _registry(settings: Settings) -> Any:
    from worker.sources.registry import FeedRegistry

    client = redis.Redis.from_url(settings.redis_url)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        raise SystemExit(
            f"error: Redis at {settings.redis_url} is not reachable ({exc}); run `newsworker services up`"
        ) from None
    return FeedRegistry(client, settings)


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "-"
    seconds = (when - now).total_seconds()
    sign, seconds = ("in " if seconds >= 0 else ""), abs(seconds)
    unit = (
        f"{seconds:.0f}s" if seconds < 120 else f"{seconds / 60:.0f}m" if seconds < 7200 else f"{seconds / 3600:.1f}h"
    )
    return f"{sign}{unit}" + ("" if sign else " ago")


def _interval(seconds: float) -> str:
    return f"{seconds / 60:.0f}m" if seconds < 7200 else f"{seconds / 3600:.1f}h"


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    from worker.sources.discovery import DiscoveryError, FoundFeed, discover
    from worker.sources.errors import FetchError
    from worker.sources.http import PoliteClient
    from worker.sources.registry import FeedDeclaration, RegistryError

    registry = _registry(settings)
    found = [FoundFeed(args.url)]
    if not args.no_discover:
        client = PoliteClient(settings, registry.client)
        try:
            found = discover(args.url, client)
        except (FetchError, DiscoveryError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        finally:
            client.close()
        if len(found) > 1 and not args.all:
            print(f"{args.url} announces {len(found)} feeds; adding the first (use --all for every one):")
            for feed in found:
                print(f"  {feed.url}  {feed.title or ''}")
            found = found[:1]
    for feed in found:
        declaration = FeedDeclaration(
            url=feed.url,
            name=args.name or feed.title,
            interval=args.interval,
            fetch_pages=False if args.no_pages else None,
        )
        try:
            state, new = registry.add(declaration)
        except RegistryError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"{'added' if new else 'updated'} {state.url}" + (f" ({state.name})" if state.name else ""))
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    removed = _registry(settings).remove(args.url)
    print(f"removed {args.url}" if removed else f"no such feed: {args.url}")
    return 0 if removed else 1


def health_line(state: Any, now: datetime) -> str:
    """ok / failing since ... (n×): last error, retry in ... / disabled: reason."""
    if not state.enabled:
        return f"disabled: {state.disabled_reason or 'by hand'}"
    if state.consecutive_failures:
        return f"{state.health}: {state.last_error}; retry {_ago(state.next_poll, now)}"
    return state.health


def _trouble_rank(state: Any) -> int:
    if not state.enabled:
        return 1
    return 0 if state.consecutive_failures else 2


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    # Trouble first: failing feeds, then disabled ones, then the rest by name.
    states = sorted(_registry(settings).all(), key=_trouble_rank)
    now = datetime.now(UTC)
    if args.json:
        for state in states:
            print(json.dumps({**state.model_dump(mode="json"), "health": state.health}, ensure_ascii=False))
        return 0
    counts = {"ok": 0, "failing": 0, "disabled": 0, "new": 0}
    for state in states:
        key = "disabled" if not state.enabled else "failing" if state.consecutive_failures else state.health
        counts[key if key in counts else "ok"] += 1
    print(f"{len(states)} feed(s): " + ", ".join(f"{n} {k}" for k, n in counts.items() if n))
    if not states:
        return 0
    print(f"{'HEALTH':<8} {'NEXT POLL':<10} {'EVERY':>6} {'ITEMS':>6} {'NEW/POLL':>8}  FEED")
    for state in states:
        short = "off" if not state.enabled else "FAILING" if state.consecutive_failures else state.health
        nxt = "-" if not state.enabled else _ago(state.next_poll, now)
        label = state.url + (f"  ({state.name or state.title})" if state.name or state.title else "")
        print(
            f"{short:<8} {nxt:<10} {_interval(state.interval):>6} {state.items_seen:>6} "
            f"{state.avg_new_per_poll:>8.1f}  {label}"
        )
        if short in ("off", "FAILING"):
            print(f"{'':<8} └ {health_line(state, now)}")
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    state = _registry(settings).get(args.url)
    if state is None:
        print(f"no such feed: {args.url}", file=sys.stderr)
        return 1
    now = datetime.now(UTC)
    data = {
        **state.model_dump(mode="json"),
        "health": health_line(state, now),
        "next_poll_in": _ago(state.next_poll, now),
    }
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return 0
    for key, value in data.items():
        if value not in (None, "", [], {}):
            print(f"{key:<22} {value}")
    return 0


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    from worker.sources.registry import RegistryError, load_declarations

    path = Path(args.file) if args.file else settings.feeds_path
    if path is None:
        print("error: give a feeds file (- for a list of URLs on stdin), or set NEWSWORKER_FEEDS_PATH", file=sys.stderr)
        return 1
    try:
        text = sys.stdin.read() if str(path) == "-" else None
        result = _registry(settings).sync(load_declarations(path, text), prune=args.prune)
    except RegistryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(", ".join(f"{len(urls)} {what}" for what, urls in result.items()))
    return 0


def cmd_enable(args: argparse.Namespace, settings: Settings) -> int:
    from worker.sources.registry import RegistryError

    try:
        state = _registry(settings).set_enabled(args.url, args.command_name == "enable", reason=args.reason)
    except RegistryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{state.url}: {state.health}")
    return 0


def pages_wanted(no_pages: bool, feed_setting: bool | None, settings: Settings) -> bool:
    """--no-pages, else the feed's own setting (`feeds add --no-pages`, fetch_pages in the feeds file), else
    NEWSWORKER_FETCH_PAGES."""
    if no_pages:
        return False
    return settings.fetch_pages if feed_setting is None else feed_setting


def _dry_run(items: list[Any], client: Any, registry: Any, settings: Settings, pages: bool) -> None:
    """Fetch and extract here (the fetcher and the extraction the workers use), print, keep nothing."""
    from worker.extract import article_from_item
    from worker.normalise import NormaliseError
    from worker.sources.fetcher import fetch_pages
    from worker.sources.robots import RobotsCache

    if pages:
        robots = RobotsCache(registry.client, client) if settings.obey_robots else None
        fetched = fetch_pages(items, client=client, robots=robots)
        items = fetched.items
        for item in fetched.deferred:
            print(f"deferred: {item.url} (host budget spent; retry in {fetched.retry_after:.0f}s)", file=sys.stderr)
    for item in items:
        try:
            article = article_from_item(item, min_words=settings.page_min_words)
        except NormaliseError as exc:
            print(f"error: {exc}" + (f" ({item.fetch_error})" if item.fetch_error else ""), file=sys.stderr)
            continue
        print(
            json.dumps(
                {
                    "id": article.id, "url": article.url, "title": article.title,
                    "text_source": article.text_source, "date_source": article.date_source,
                    "published_at": article.model_dump(mode="json")["published_at"],
                    "words": article.word_count, "page_fallback": article.metadata.get("page_fallback"),
                },
                ensure_ascii=False,
            )
        )  # fmt: skip


def cmd_poll(args: argparse.Namespace, settings: Settings) -> int:
    """Poll one feed now, in this process; its new items are queued for the workers (or printed)."""
    from worker.sources.http import PoliteClient
    from worker.sources.poll import poll_feed_once

    registry = _registry(settings)
    state = registry.get(args.url)
    if state is None:
        print(f"no such feed: {args.url} (add it first)", file=sys.stderr)
        return 1
    pages = pages_wanted(args.no_pages, state.fetch_pages, settings)
    client = PoliteClient(settings, registry.client)
    try:
        report = poll_feed_once(
            args.url, registry=registry, client=client, settings=settings, mark_seen=False, save_state=not args.dry_run
        )
        print(json.dumps(report.as_dict()))
        for reason in report.rejected:
            print(f"rejected: {reason}", file=sys.stderr)
        if args.dry_run:
            _dry_run(report.items, client, registry, settings, pages)
            return 0 if report.outcome.kind != "failed" else 1
        # What the poll task records, recorded here too: `failures list` shows why a feed or item was refused.
        from worker.app import FETCH_PAGES, INGEST_ITEMS, enqueue, failure_store

        failure_store().record(report.failures())
        if report.items:
            payloads = [i.model_dump(mode="json") for i in report.items]
            enqueue(FETCH_PAGES if pages else INGEST_ITEMS, payloads)
            where = "for page fetching" if pages else "for the pipeline (feed text, no pages)"
            print(f"queued {len(payloads)} item(s) {where}")
            registry.mark_seen(report.versions)
    finally:
        client.close()
    return 0 if report.outcome.kind != "failed" else 1


def cmd_scheduler(args: argparse.Namespace, settings: Settings) -> int:
    """Celery beat with the RedBeat scheduler: a second one started waits for the first one's lock.

    The feeds due now are dispatched at once: beat's first look would come only poll_dispatch_every
    seconds after it started (a second scheduler's look finds them claimed already)."""
    from worker.app import DISPATCH_DUE, app

    try:
        app.signature(DISPATCH_DUE).apply_async(expires=settings.poll_dispatch_every * 2)
    except Exception as exc:  # the broker is down: beat will say so too, and dispatch when it can
        print(f"warning: due feeds not dispatched at start ({exc}); beat dispatches them on its schedule",
              file=sys.stderr)  # fmt: skip
    argv = [sys.executable, "-m", "celery", "-A", "worker.app", "beat",
            "-S", "redbeat.RedBeatScheduler", "--loglevel", args.loglevel]  # fmt: skip
    os.execv(sys.executable, argv)
    return 0  # pragma: no cover


def pipe_safe(command: Callable[[argparse.Namespace, Settings], int]) -> Callable[[argparse.Namespace, Settings], int]:
    """`feeds list | head`: when the reader goes away, stop quietly instead of printing a traceback."""

    @functools.wraps(command)
    def run(args: argparse.Namespace, settings: Settings) -> int:
        try:
            code = command(args, settings)
            sys.stdout.flush()
            return code
        except BrokenPipeError:
            # Python flushes stdout again at exit; point it at /dev/null so that flush cannot fail too.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 0

    return run


def register(subparsers: Any) -> None:
    """Add `feeds` with its actions to the `newsworker` argument parser."""
    feeds = subparsers.add_parser("feeds", help="manage feeds: add (discovers), remove, list, show, sync, poll")
    actions = feeds.add_subparsers(dest="feeds_command", required=True)

    p = actions.add_parser("add", help="add a feed, or the feeds a site's page announces")
    p.add_argument("url")
    p.add_argument("--name")
    p.add_argument("--interval", type=float, help="fixed poll interval in seconds (default: adaptive)")
    p.add_argument("--no-pages", action="store_true", help="index the feed's text, do not fetch article pages")
    p.add_argument("--no-discover", action="store_true", help="add the URL as given, without fetching it")
    p.add_argument("--all", action="store_true", help="add every feed the page announces")
    p.set_defaults(func=pipe_safe(cmd_add))

    p = actions.add_parser("remove", help="forget a feed and its state")
    p.add_argument("url")
    p.set_defaults(func=pipe_safe(cmd_remove))

    p = actions.add_parser("list", help="all feeds with their health")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=pipe_safe(cmd_list))

    p = actions.add_parser("show", help="one feed's full state")
    p.add_argument("url")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=pipe_safe(cmd_show))

    p = actions.add_parser(
        "sync", help="add/update the feeds of a YAML file (config/feeds.example.yaml), an OPML file or a URL list"
    )
    p.add_argument("file", nargs="?", help="default: NEWSWORKER_FEEDS_PATH; - reads a list of URLs from stdin")
    p.add_argument("--prune", action="store_true", help="also remove feeds the file does not declare")
    p.set_defaults(func=pipe_safe(cmd_sync))

    for name, text in (("enable", "re-enable a disabled feed (resets its failures)"), ("disable", "stop polling")):
        p = actions.add_parser(name, help=text)
        p.add_argument("url")
        p.add_argument("--reason")
        p.set_defaults(func=pipe_safe(cmd_enable), command_name=name)

    p = actions.add_parser("poll", help="poll one feed now; new items are queued (or printed with --dry-run)")
    p.add_argument("url")
    p.add_argument(
        "--dry-run", action="store_true", help="fetch and extract here, print articles; index and remember nothing"
    )
    p.add_argument("--no-pages", action="store_true", help="feed text only (default: the feed's own page setting)")
    p.set_defaults(func=pipe_safe(cmd_poll))

    p = actions.add_parser("scheduler", help="run the beat that polls due feeds (one runs even if two are started)")
    p.add_argument("--loglevel", default="INFO")
    p.set_defaults(func=pipe_safe(cmd_scheduler))


def main(argv: list[str] | None = None) -> int:
    """`python -m worker.sources.cli feeds ...` until `newsworker` wires `register` in."""
    parser = argparse.ArgumentParser(prog="newsworker")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args, get_settings()))


if __name__ == "__main__":
    sys.exit(main())
