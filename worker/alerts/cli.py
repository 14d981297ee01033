"""`newsworker alerts ...`: add, list, show, remove and test (preview against history) saved searches."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import redis

from worker.config import Settings


def _store(settings: Settings) -> Any:
    from worker.alerts.store import AlertStore

    client = redis.Redis.from_url(settings.redis_url)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        raise SystemExit(f"error: Redis at {settings.redis_url} is not reachable ({exc})") from None
    return AlertStore(client, settings.index_prefix)


def _values(raw: list[str] | None) -> list[str]:
    return [v.strip() for item in raw or [] for v in item.split(",") if v.strip()]


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    from worker.alerts.store import Alert, AlertError

    alert = Alert(name=args.name, query=args.query, lang=_values(args.lang), topic=_values(args.topic),
                  entity=_values(args.entity), webhook=args.webhook,
                  kind="baseline" if args.baselines else "search")  # fmt: skip
    try:
        _store(settings).add(alert, replace=args.replace)
    except AlertError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"added alert '{alert.name}' -> {alert.webhook}")
    print(f"signing secret (HMAC-SHA256 of the body, header X-Newsworker-Signature): {alert.secret}")
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    alerts = _store(settings).all()
    if args.json:
        print(json.dumps([a.public() for a in alerts], ensure_ascii=False, indent=2))
        return 0
    for a in alerts:
        filters = " ".join(f"--{k} {','.join(v)}" for k, v in (("lang", a.lang), ("topic", a.topic),
                                                                ("entity", a.entity)) if v)  # fmt: skip
        print(f"{a.name}\t{a.kind}\t{a.query!r} {filters}\t-> {a.webhook}")
    if not alerts:
        print("no alerts (add one: newsworker alerts add NAME QUERY --webhook URL)")
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    store = _store(settings)
    alert = store.get(args.name)
    if alert is None:
        print(f"error: no alert named '{args.name}'", file=sys.stderr)
        return 1
    data = alert.public()
    if args.secret:
        data["secret"] = alert.secret
    data["recent_matches"] = store.recent(alert.name)
    print(json.dumps(data, ensure_ascii=False, indent=2))
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    if not _store(settings).remove(args.name):
        print(f"error: no alert named '{args.name}'", file=sys.stderr)
        return 1
    print(f"removed alert '{args.name}'")
    return 0


def cmd_test(args: argparse.Namespace, settings: Settings) -> int:
    from worker.alerts.preview import preview
    from worker.index.store import connect
    from worker.query import QuerySyntaxError
    from worker.search import SearchError

    alert = _store(settings).get(args.name)
    if alert is None:
        print(f"error: no alert named '{args.name}'", file=sys.stderr)
        return 1
    try:
        result = preview(connect(settings), settings, alert, since=args.since, until=args.until)
    except (SearchError, QuerySyntaxError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"{alert.name}: {result['total']} article(s) from {result['since']} through {result['until']}")
    for day in result["days"]:
        print(f"{day['day']}\t{day['count']}")
    for ex in result["examples"]:
        print(f"  {ex['published_at'] or '-'}  {ex['source']}  {ex['title']}")
    return 0


def register(subparsers: Any) -> None:
    """Add `alerts` with its actions to the `newsworker` argument parser."""
    alerts = subparsers.add_parser("alerts", help="saved searches that POST a signed webhook for every new match")
    actions = alerts.add_subparsers(dest="alerts_command", required=True)

    p = actions.add_parser("add", help="save a search with its webhook; matching starts with the next batch")
    p.add_argument("name")
    p.add_argument("query", help="the query language of `newsworker search` ('' for filters only)")
    p.add_argument("--lang", action="append", help="nl,en or -en (repeatable)")
    p.add_argument("--topic", action="append")
    p.add_argument("--entity", action="append")
    p.add_argument("--webhook", required=True, help="http(s) URL receiving one signed JSON POST per match")
    p.add_argument("--replace", action="store_true", help="overwrite an alert of that name (new secret)")
    p.add_argument("--baselines", action="store_true",
                   help="instead of articles, announce sources whose volume leaves their baseline (QUERY unused)")
    p.set_defaults(func=cmd_add)

    p = actions.add_parser("list", help="every alert")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = actions.add_parser("show", help="one alert and its recent matches")
    p.add_argument("name")
    p.add_argument("--secret", action="store_true", help="also print the signing secret")
    p.set_defaults(func=cmd_show)

    p = actions.add_parser("remove", help="delete an alert")
    p.add_argument("name")
    p.set_defaults(func=cmd_remove)

    p = actions.add_parser("test", help="articles the alert would have matched per day, with examples")
    p.add_argument("name")
    p.add_argument("--since", default="30d", help="30d (days back) or a date (default 30d)")
    p.add_argument("--until", help="a date (default today)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_test)
