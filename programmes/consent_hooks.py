"""What apps built on programmes do when a consent is withdrawn (an evaluation app removes the
person's survey answers), so that programmes imports none of them.

An app registers `hook(*, organisation, consent, actor) -> None` (usually in its AppConfig.ready);
`consent_withdraw` calls every hook inside its transaction, so a failing hook undoes the
withdrawal rather than leaving it half done.
"""

from collections.abc import Callable
from typing import Any

Hook = Callable[..., Any]
hooks: list[Hook] = []


def register(hook: Hook) -> Hook:
    if hook not in hooks:
        hooks.append(hook)
    return hook


def run_hooks(**kwargs: Any) -> None:
    for hook in hooks:
        hook(**kwargs)
