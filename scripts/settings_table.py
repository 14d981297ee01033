"""Print the README's configuration table from `worker.config.Settings` (the single source of truth)."""

from __future__ import annotations

from pydantic_settings import BaseSettings

from worker.config import ServicesSettings, Settings


def rows(model: type[BaseSettings]) -> list[str]:
    out = []
    for name, field in model.model_fields.items():
        default = "" if field.default is None else str(field.default)
        out.append(f"| `NEWSWORKER_{name.upper()}` | `{default}` | {field.description or ''} |")
    return out


def settings_table() -> str:
    """Runtime settings (workers, API, CLI), then those of `newsworker services` alone."""
    header = ["| variable | default | meaning |", "| --- | --- | --- |"]
    services = ["", "Only `newsworker services` (the local Redis and Elasticsearch) reads these:", "", *header]
    return "\n".join([*header, *rows(Settings), *services, *rows(ServicesSettings)])


if __name__ == "__main__":
    print(settings_table())
