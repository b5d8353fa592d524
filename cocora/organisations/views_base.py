"""The base classes of the pages under /o/<org_slug>/.

It resolves the organisation and the caller's membership, answers 404 to anyone who is not a
member (the same answer as for a slug that does not exist, so that slugs and ids reveal nothing),
enters the organisation for the request's transaction and time zone, and checks the page's action
against the permission map. Object lookups go through `get_org_object`, which answers 404 for
another organisation's ids.
"""

from typing import Any, ClassVar, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.views import View
from django.views.defaults import page_not_found, permission_denied
from django.views.generic import TemplateView

from cocora.accounts.language import activate_language

from .context import set_db_context
from .models import Membership, Organisation
from .permissions import can
from .selectors import membership_in, membership_list_for_user, organisation_get_by_slug

M = TypeVar("M", bound=Model)

# Requests that read: a page (or the API) answers them without changing anything of its own
# accord (a record that something was read aside).
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class OrgViewMixin:
    permission: ClassVar[str] = "organisation.view"
    organisation: Organisation
    membership: Membership
    request: HttpRequest

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        # The page's own transaction (dispatch) is the one a failed page rolls back, with the
        # change's line in the audit trail: ATOMIC_REQUESTS' around it would be one more
        # savepoint on PostgreSQL (inside the request's transaction), two more round trips.
        return transaction.non_atomic_requests(super().as_view(**initkwargs))  # type: ignore[misc]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        # The member's memberships, their organisations and unread counts in one query: this
        # one's among them, the rest for the organisation switcher.
        memberships = membership_list_for_user(user=request.user)  # type: ignore[arg-type]
        membership = membership_in(memberships, slug=kwargs["org_slug"])
        if membership is None:
            organisation = organisation_get_by_slug(slug=kwargs["org_slug"])
            if organisation is None:
                raise Http404
            # Someone knocked on another organisation's door: that organisation's admins see it.
            record_denied(request, organisation, status=404, member=False)
            return page_not_found(request, Http404())
        organisation = membership.organisation
        membership.user = request.user  # type: ignore[assignment]
        request.my_memberships = memberships  # type: ignore[attr-defined]
        set_db_context(organisation_id=organisation.pk, user_id=request.user.pk)
        self.organisation = organisation
        self.membership = membership
        request.organisation = organisation  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
        if not can(membership, self.permission):
            record_denied(request, organisation, status=403, member=True)
            return permission_denied(request, PermissionDenied())
        timezone.activate(organisation.time_zone)
        if not request.user.language:  # type: ignore[union-attr]
            # A member without a language of their own reads their organisation's.
            activate_language(request, organisation.language)
        # A reading inside the request's transaction (PostgreSQL) needs no savepoint of its own.
        reading = request.method in SAFE_METHODS and getattr(
            request, "in_request_transaction", False
        )
        refusal: Http404 | PermissionDenied | None = None
        try:
            # The page's own transaction: a page that fails half-way leaves nothing behind, a
            # change is kept only with its line in the audit trail, and the record of a refusal
            # below is kept. On PostgreSQL it lies inside the request's
            # (TenantTransactionMiddleware), where a change takes a savepoint, so that a refused
            # change is taken back and its refusal recorded. A reading takes none (two round
            # trips fewer): a refusal keeps what it wrote before (at most the record that
            # something was read), and any other failure takes back the whole request's
            # transaction, as the savepoint would have.
            with transaction.atomic(savepoint=not reading):
                try:
                    response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
                    # Render inside the organisation's transaction and time zone.
                    if hasattr(response, "render") and not response.is_rendered:
                        response.render()
                except (Http404, PermissionDenied) as error:
                    refusal = error
                    if not reading:
                        transaction.set_rollback(True)
                else:
                    if request.method not in SAFE_METHODS and response.status_code < 400:
                        record_write(request, organisation, status=response.status_code)
            if isinstance(refusal, Http404):
                record_denied(request, organisation, status=404, member=True)
                return page_not_found(request, refusal)
            if refusal is not None:
                record_denied(request, organisation, status=403, member=True)
                return permission_denied(request, refusal)
            return response  # type: ignore[no-any-return]
        finally:
            timezone.deactivate()

    def http_method_not_allowed(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        # Resolve the page's objects first, so that another organisation's id is a 404 whatever
        # the method: a 405 would confirm that the id exists.
        # Running the page's GET (and discarding it) does exactly the lookups the page does.
        if request.method != "GET" and hasattr(self, "get"):
            self.get(request, *args, **kwargs)
        return super().http_method_not_allowed(request, *args, **kwargs)  # type: ignore[misc,no-any-return]

    def get_org_object(self, model: type[M], pk: Any, **filters: Any) -> M:
        return get_object_or_404(model.objects.for_org(self.organisation), pk=pk, **filters)  # type: ignore[attr-defined]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["organisation"] = self.organisation
        context["membership"] = self.membership
        return context


class OrgTemplateView(OrgViewMixin, TemplateView):
    pass


class PublicOrgView(View):
    """Resolves the organisation for a page that needs no login, inside its transaction."""

    organisation: Organisation

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        organisation = organisation_get_by_slug(slug=kwargs["org_slug"])
        if organisation is None:
            raise Http404
        self.organisation = organisation
        with transaction.atomic():
            set_db_context(organisation_id=organisation.pk, user_id=None)
            with translation.override(organisation.language):
                # The handlers render at once (no lazy template response), inside the transaction.
                return super().dispatch(request, *args, **kwargs)


def record_write(
    request: HttpRequest, organisation: Organisation, *, status: int, channel: str = "page"
) -> None:
    """Every change made through a page (or the API: channel "api") leaves a line: which page,
    which ids, by whom. The services add their own, more specific lines where a change needs
    explaining."""
    from cocora.audit.services import audit_record

    match = request.resolver_match
    ids = {k: v for k, v in (match.kwargs if match else {}).items() if k != "org_slug"}
    audit_record(
        organisation=organisation,
        actor=request.user,
        action=f"{channel}.{match.url_name if match else 'unknown'}",
        details={"method": request.method, "path": request.path[:300], "ids": ids},
    )


# Refusals recorded per person and organisation per minute; past that they are counted, not
# written, so that nobody can flood another organisation's audit trail.
DENIALS_RECORDED_PER_MINUTE = 20


def record_denied(
    request: HttpRequest, organisation: Organisation, *, status: int, member: bool
) -> None:
    from django.core.cache import cache

    from cocora.audit.services import audit_record

    key = f"cocora:denied:{organisation.pk}:{request.user.pk}"
    try:
        count = cache.incr(key)
    except ValueError:
        # No count yet, or it expired a moment ago: this refusal starts the minute. (Adding
        # first and counting after failed when the count expired between the two.) If another
        # request started it meanwhile, its count is seconds old and still there.
        count = 1 if cache.add(key, 1, timeout=60) else cache.incr(key)
    if count > DENIALS_RECORDED_PER_MINUTE:
        return

    # The line belongs to the organisation that was asked, whose context the write needs; an
    # outsider leaves it again at once, so that nothing after this sees its rows.
    set_db_context(organisation_id=organisation.pk, user_id=request.user.pk)
    audit_record(
        organisation=organisation,
        actor=request.user,
        action="access.denied",
        details={
            "status": status,
            "method": request.method,
            "path": request.path[:300],
            "member": member,
        },
    )
    if not member:
        set_db_context(organisation_id=None, user_id=request.user.pk)
