"""Print the README's configuration table from `worker.config.Settings` (the single source of truth)."""

from __future__ import annotations

from pydantic_settings import BaseSettings

from worker.config import ServicesSettings, Settings


def shown(value: object) -> str:
    """A default as it is written in the environment: lists and maps comma-separated."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def rows(model: type[BaseSettings]) -> list[str]:
    out = []
    for name, field in model.model_fields.items():
        default = shown(field.get_default(call_default_factory=True))
        out.append(f"| `NEWSWORKER_{name.upper()}` | `{default}` | {field.description or ''} |")
    return out


def settings_table() -> str:
    """Runtime settings (workers, API, CLI), then those of `newsworker services` alone."""
    header = ["| variable | default | meaning |", "| --- | --- | --- |"]
    services = ["", "Only `newsworker services` (the local Redis and Elasticsearch) reads these:", "", *header]
    return "\n".join([*header, *rows(Settings), *services, *rows(ServicesSettings)])


if __name__ == "__main__":
    print(settings_table())
