"""The base of every API view under /api/v1/o/<org_slug>/: the same rules as the pages.

A request is authenticated (token or browser session), throttled, then resolved like a page: the
organisation from the slug, the caller's membership there (and the token's organisation must be
the same), 404 for anyone who is not a member or holds a token of another organisation, the
action's permission from the one permission map, and a read-only token refused on any write.
The view runs in a savepoint inside the request's transaction: an answer of 400 or more leaves
nothing behind, while the audit lines about the refusal are kept. Successful writes leave an
`api.<url name>` line, as pages leave `page.<url name>`.
"""

import hashlib
from typing import Any, ClassVar

from django.db import transaction
from django.http import Http404, HttpResponseNotModified
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.organisations.context import set_db_context
from cocora.organisations.models import Membership, Organisation
from cocora.organisations.permissions import can
from cocora.organisations.selectors import membership_of_user_in, organisation_get_by_slug
from cocora.organisations.views_base import SAFE_METHODS, record_denied, record_write

from .models import ApiToken
from .services import api_token_touch


class ReadOnlyToken(exceptions.PermissionDenied):
    default_detail = _("This token is read-only.")
    default_code = "token_read_only"


class RoleLacksPermission(exceptions.PermissionDenied):
    default_detail = _("Your role in this organisation does not allow this.")
    default_code = "permission_denied"


class _Rollback(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


class OrgViewSet(viewsets.GenericViewSet):
    """Subclasses name the permission of each action in `permissions`; an action that is not
    listed falls back to "read" (GET) or "write" (anything else). Unlisted and no fallback: the
    action is allowed to nobody."""

    permissions: ClassVar[dict[str, str]] = {}
    organisation: Organisation
    membership: Membership
    # A collection under a parent (e.g. `cohorts/<cohort_id>/enrolments/`): the parent is loaded
    # through `load_parent` (a selector, narrowed for the caller) before the action runs, so that
    # another organisation's parent, or one the caller may not see, is a 404 whatever the method.
    parent_kwarg: ClassVar[str | None] = None
    parent: Any = None

    def load_parent(self, parent_id: int) -> Any:
        """The parent in self.organisation as the caller may see it; None or Http404 if not."""
        raise NotImplementedError

    # -- the organisation and the caller -------------------------------------------------------

    def required_permission(self) -> str | None:
        action = getattr(self, "action", None)
        if action and action in self.permissions:
            return self.permissions[action]
        # A method the path does not offer needs only "read": the answer is a 404 or a 405.
        key = "read" if action is None or self.request.method in SAFE_METHODS else "write"
        return self.permissions.get(key)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication, sign-in required, throttle
        self._denial: tuple[Organisation, int, bool] | None = None
        slug = kwargs.get("org_slug", "")
        user = request.user
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is not None:
            # The middleware ran before the token was read: the transaction knows nobody yet.
            set_db_context(organisation_id=None, user_id=user.pk)
        # The caller's membership here with its organisation: one query, its SQL built once per
        # process; nothing of the caller's other organisations is read.
        membership = membership_of_user_in(user=user, slug=slug)  # type: ignore[arg-type]
        if membership is None:
            organisation = organisation_get_by_slug(slug=slug)
            if organisation is None:
                raise exceptions.NotFound()
        else:
            organisation = membership.organisation
            membership.user = user  # type: ignore[assignment]
        if membership is None or (token is not None and token.organisation_id != organisation.pk):
            self._denial = (organisation, 404, False)
            raise exceptions.NotFound()
        set_db_context(organisation_id=organisation.pk, user_id=user.pk)
        self.organisation = organisation
        self.membership = membership
        request.organisation = organisation  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
        if token is not None:
            api_token_touch(token=token)
        permission = self.required_permission()
        if permission is None or not can(membership, permission):
            # 403 is for objects the caller can see; an id they cannot see stays a 404.
            self._raise_if_invisible(kwargs)
            self._denial = (organisation, 403, True)
            raise RoleLacksPermission()
        if token is not None and token.read_only and request.method not in SAFE_METHODS:
            self._denial = (organisation, 403, True)
            raise ReadOnlyToken()
        timezone.activate(organisation.time_zone)
        if self.parent_kwarg is not None and self.parent_kwarg in kwargs:
            self.parent = self._parent_or_404(kwargs[self.parent_kwarg])

    # A list that reads its query string itself names the serializer that checks it.
    list_query_class: ClassVar[type[serializers.Serializer] | None] = None

    def paginate_queryset(self, queryset: Any) -> Any:
        # Checked here, after the list found its parent: another organisation's is a 404 first.
        if getattr(self, "action", None) == "list":
            self._refuse_unknown_query_parameters(self.request)
        return super().paginate_queryset(queryset)

    def _refuse_unknown_query_parameters(self, request: Request) -> None:
        """A misspelt filter is a 400, as an unknown body field is: a list silently unfiltered
        would look like an answer."""
        allowed = {"page", "page_size"}
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None and self.filter_backends:
            allowed |= set(filterset_class.base_filters)
        if self.list_query_class is not None:
            allowed |= set(self.list_query_class().fields)
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise exceptions.ValidationError(
                {name: [_("Unknown query parameter.")] for name in unknown}
            )

    def _parent_or_404(self, parent_id: Any) -> Any:
        parent = self.load_parent(int(parent_id))
        if parent is None:
            raise exceptions.NotFound()
        return parent

    def _raise_if_invisible(self, kwargs: dict[str, Any]) -> None:
        parent_id = kwargs.get(self.parent_kwarg) if self.parent_kwarg else None
        has_object = bool(self.lookup_url_kwarg) and self.lookup_url_kwarg in kwargs
        if parent_id is None and not has_object:
            return
        try:
            if parent_id is not None:
                self._parent_or_404(parent_id)
            # Only whether the id exists here: never through the query string's filters, or a
            # role without access could learn a hidden field one yes/no answer at a time.
            if (
                has_object
                and not self.get_queryset().filter(pk=kwargs[self.lookup_url_kwarg]).exists()
            ):
                raise exceptions.NotFound()
        except (exceptions.NotFound, Http404, ValueError):
            self._denial = (self.organisation, 404, True)
            raise exceptions.NotFound() from None
        except Exception:  # noqa: S110 - a selector that refuses this role: the 403 follows
            pass

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            # The schema generator asks for a queryset outside any request.
            serializer = self.get_serializer_class()
            return serializer.Meta.model._default_manager.none()  # type: ignore[attr-defined]
        return self.org_queryset()

    def org_queryset(self) -> Any:
        """The objects of this resource in self.organisation, narrowed to what the caller may
        see (a selector's answer)."""
        raise NotImplementedError

    def http_method_not_allowed(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        # Another organisation's id is a 404 whatever the method: look the object up first.
        if self.lookup_url_kwarg and self.lookup_url_kwarg in kwargs:
            self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)

    def validated(self, serializer_class: type[serializers.Serializer], **kwargs: Any) -> Any:
        """The request body, checked by an input serializer (a 400 naming the fields)."""
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def page(self, queryset: Any, **context: Any) -> Response:
        """One page of `queryset` after the viewset's filters, in the viewset's serializer;
        `context` is added to the serializer's context."""
        rows = self.paginate_queryset(self.filter_queryset(queryset))
        serializer = self.get_serializer_class()(
            rows, many=True, context={**self.get_serializer_context(), **context}
        )
        return self.get_paginated_response(serializer.data)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["organisation"] = getattr(self, "organisation", None)
        context["membership"] = getattr(self, "membership", None)
        return context

    # -- one savepoint per request, audit lines, ETags -----------------------------------------

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        self._denial = None
        try:
            try:
                with transaction.atomic():
                    response = super().dispatch(request, *args, **kwargs)
                    if response.status_code >= 400:
                        raise _Rollback(response)
            except _Rollback as rollback:
                response = rollback.response
                self._reenter()
            self._audit(response)
            if (
                request.method == "GET"
                and response.status_code == 200
                and isinstance(response, Response)
            ):
                response = self._conditional(request, response)
            return response
        finally:
            timezone.deactivate()

    def _reenter(self) -> None:
        """A rolled-back savepoint took the organisation's context with it: enter it again."""
        organisation = getattr(self, "organisation", None)
        if organisation is not None:
            set_db_context(organisation_id=organisation.pk, user_id=self.request.user.pk)

    def _audit(self, response: Response) -> None:
        request = self.request
        organisation = getattr(self, "organisation", None)
        if self._denial is not None:
            denied_org, status_code, member = self._denial
            record_denied(request, denied_org, status=status_code, member=member)
        elif organisation is not None and response.status_code in (403, 404):
            record_denied(request, organisation, status=response.status_code, member=True)
        elif (
            organisation is not None
            and request.method not in SAFE_METHODS
            and response.status_code < 400
        ):
            record_write(request, organisation, status=response.status_code, channel="api")

    def _conditional(self, request: Any, response: Response) -> Any:
        """A strong ETag on every successful read; `If-None-Match` with it answers 304, so a
        client that syncs can skip what has not changed."""
        body = JSONRenderer().render(response.data)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        # If-None-Match compares weakly (RFC 9110): a W/ prefix does not matter.
        offered = [
            t.strip().removeprefix("W/")
            for t in request.headers.get("If-None-Match", "").split(",")
        ]
        if etag in offered or "*" in offered:
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            return not_modified
        response["ETag"] = etag
        return response


COLLECTION_ACTIONS = (("get", "list"), ("post", "create"))
DETAIL_ACTIONS = (("get", "retrieve"), ("patch", "partial_update"), ("delete", "destroy"))


def resource(route: str, viewset: type[OrgViewSet], *, id_name: str, name: str) -> list[URLPattern]:
    """The collection and detail URLs of a resource, e.g. `cohorts/` and
    `cohorts/<int:cohort_id>/`, with the methods the viewset implements."""
    viewset.lookup_url_kwarg = id_name
    patterns = []
    collection = {m: a for m, a in COLLECTION_ACTIONS if hasattr(viewset, a)}
    if collection:
        patterns.append(path(route, viewset.as_view(collection), name=f"api-{name}-list"))
    detail = {m: a for m, a in DETAIL_ACTIONS if hasattr(viewset, a)}
    if detail:
        patterns.append(
            path(f"{route}<int:{id_name}>/", viewset.as_view(detail), name=f"api-{name}-detail")
        )
    return patterns


def action_url(
    route: str, viewset: type[OrgViewSet], actions: dict[str, str], *, name: str
) -> URLPattern:
    """One extra URL of a viewset, e.g. `sessions/<int:session_id>/attendance/`."""
    return path(route, viewset.as_view(actions), name=f"api-{name}")
