"""Source-volume history for baseline tests: articles of each source in the same 6-hour window of the week,
this week (index 0 of a plan) and the weeks before."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from worker.article import Article


def weekly_windows(plan: dict[str, list[int]], now: datetime) -> list[Article]:
    """For each source, `counts[week]` articles spread over the 6 hours before `now` minus `week` weeks."""
    articles = []
    for source, weeks in plan.items():
        for week, count in enumerate(weeks):
            end = now - timedelta(weeks=week)
            for i in range(count):
                at = end - timedelta(minutes=5 + i * (340 / max(count, 1)))
                digest = hashlib.sha256(f"{source}|{week}|{i}".encode()).hexdigest()
                articles.append(Article(id=digest, source=source, title=f"{source} {week} {i}", body="Nieuws.",
                                        content_hash=digest, language="nl", ingested_at=at))  # fmt: skip
    return articles
