"""The records that travel through the pipeline: what came in (RawItem) and the one Article record."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

from worker.dates import DatePrecision, DateSource, format_partial_date, parse_date

EntityType = Literal["PER", "ORG", "LOC", "MISC"]
TextSource = Literal["document", "feed", "page"]
ItemKind = Literal["document", "feed", "page"]


def utcnow() -> datetime:
    return datetime.now(UTC)


class RawItem(BaseModel):
    """What a source delivered, before any interpretation: the input of `normalise`."""

    model_config = ConfigDict(extra="forbid")

    kind: ItemKind
    source: str = Field(description="Where it came from: a feed URL, a site, or 'file:<dir>' for documents.")
    url: str | None = None
    text: str | None = Field(default=None, description="Plain text (documents, feed item content).")
    html: str | None = Field(default=None, description="Raw HTML of a fetched page.")
    title: str | None = None
    published: str | None = Field(default=None, description="A date exactly as the source gave it.")
    authors: list[str] = Field(default_factory=list, description="Bylines as the source gave them, one per name.")
    declared_language: str | None = Field(
        default=None, description="A language the source declared (document header, feed); a hint for detection."
    )
    document_path: str | None = Field(
        default=None, description="The file a document was read from, when it came from one (its identity)."
    )
    final_url: str | None = Field(default=None, description="Where a fetched page ended up after redirects.")
    fetch_error: str | None = Field(
        default=None, description="Why the item's page could not be fetched (its feed text is used instead)."
    )
    metadata: dict[str, str] = Field(default_factory=dict, description="Source details kept for people, not stages.")
    fetched_at: datetime = Field(default_factory=utcnow)


class Entity(BaseModel):
    """One distinct named entity in an article, its surface forms merged."""

    text: str
    type: EntityType
    count: int = 1
    first_offset: int = 0
    salience: float = 0.0
    forms: list[str] = Field(default_factory=list)
    wikidata: str | None = None


class Topic(BaseModel):
    """An IPTC Media Topic (or a user-defined topic) with a calibrated score in [0, 1]."""

    code: str
    label: str
    score: float


class Enrichment(BaseModel):
    """Which models tagged the article, so it can be re-tagged when they improve."""

    version: str = ""
    models: dict[str, str] = Field(default_factory=dict)
    tagged_at: datetime | None = None


class Article(BaseModel):
    """The one typed record every stage reads and returns; its JSON is what Elasticsearch stores."""

    model_config = ConfigDict(extra="forbid")

    id: str
    url: str | None = None
    source: str
    title: str
    title_derived: bool = False
    published_at: datetime | None = None
    published_precision: DatePrecision | None = None
    date_source: DateSource = "ingested"
    language: str = "und"
    language_confidence: float = 0.0
    declared_language: str | None = Field(
        default=None, description="The language the source declared, if any; language detection defers to it."
    )
    body: str
    paragraphs: list[str] = Field(default_factory=list)
    subheadings: list[str] = Field(default_factory=list)
    word_count: int = 0
    content_hash: str
    text_source: TextSource = "document"
    authors: list[str] = Field(default_factory=list)
    metadata: dict[str, str] = Field(default_factory=dict)
    entities: list[Entity] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    enrichment: Enrichment = Field(default_factory=Enrichment)
    dup_group: str | None = None
    first_seen: datetime | None = None
    ingested_at: datetime = Field(default_factory=utcnow)

    @field_validator("published_at", mode="before")
    @classmethod
    def _parse_published_at(cls, value: Any) -> Any:
        if isinstance(value, str):
            return parse_date(value)[0]
        return value

    @field_serializer("published_at")
    def _serialise_published_at(self, value: datetime | None) -> str | None:
        if value is None:
            return None
        return format_partial_date(value, self.published_precision or "second")
