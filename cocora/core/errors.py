"""The one error type for expected failures. Services raise it with a message a person can read;
views turn it into a form error or a 400, never a 500."""

from typing import Any


class ApplicationError(Exception):
    def __init__(self, message: Any, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
