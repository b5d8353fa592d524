"""Where domain apps register their demo data (see the seed_demo command)."""

from collections.abc import Callable
from typing import Any

Seeder = Callable[..., Any]
seeders: list[Seeder] = []


def register(seeder: Seeder) -> Seeder:
    """Decorator for a domain app's `demo.py`: `@register def seed(*, organisation, users,
    scale, stdout)`. Seeders run in the organisation's context and must be idempotent."""
    if seeder not in seeders:
        seeders.append(seeder)
    return seeder
