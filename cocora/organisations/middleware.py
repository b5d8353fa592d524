from collections.abc import Callable

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse

from .context import set_db_context


class TenantTransactionMiddleware:
    """Runs each request (view and template rendering) in one transaction that knows the
    signed-in user. Organisation pages add the organisation to the same transaction, so lazy
    template queries see exactly that organisation's rows and nothing else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if connection.vendor != "postgresql":
            return self.get_response(request)
        with transaction.atomic():
            # Pages that only read lean on it to take back a failure (views_base).
            request.in_request_transaction = True  # type: ignore[attr-defined]
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else None
            set_db_context(organisation_id=None, user_id=user_id)
            return self.get_response(request)
