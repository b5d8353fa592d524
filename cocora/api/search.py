"""The API of the one search box: /api/v1/o/<org_slug>/search/?q=…, the same groups, role
rules and audit lines as the search page."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.organisations.search import (
    QUERY_MAX,
    QUERY_MIN,
    GroupResult,
    clean_query,
    groups_for,
    search_run,
)

from .base import OrgViewSet, action_url
from .serializers import InputSerializer


class SearchQuery(InputSerializer):
    q = serializers.CharField(
        min_length=QUERY_MIN, max_length=QUERY_MAX, help_text="A name, a code or a title."
    )


class HitSerializer(serializers.Serializer):
    title = serializers.CharField()
    detail = serializers.CharField()
    url = serializers.CharField(help_text="The page of the record (for people signed in).")


class GroupSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="participants, cohorts, partners or ambassadors.")
    label = serializers.CharField()
    hits = HitSerializer(many=True)
    more = serializers.BooleanField(help_text="Whether more than these hits match.")


class SearchSerializer(serializers.Serializer):
    query = serializers.CharField()
    groups = GroupSerializer(many=True)


@extend_schema(tags=["search"])
class SearchViewSet(OrgViewSet):
    permissions = {"read": "search.use"}
    pagination_class = None
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Search",
        description="The first few participants (by name or code), cohorts, partners and "
        "ambassadors matching `q`, each group only if the caller's role may see it (a "
        "trainer: their own cohorts and the people in them). Each participant shown leaves "
        "an audit line on their record.",
        parameters=[SearchQuery],
        responses=SearchSerializer,
    )
    def search(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = SearchQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = clean_query(params.validated_data["q"])
        results = (
            search_run(
                organisation=self.organisation,
                membership=self.membership,
                query=query,
                actor=request.user,
            )
            if query
            else [GroupResult(group=group) for group in groups_for(self.membership)]
        )
        data = {
            "query": query,
            "groups": [
                {
                    "key": r.group.key,
                    "label": str(r.group.label),
                    "hits": [{"title": h.title, "detail": h.detail, "url": h.url} for h in r.hits],
                    "more": r.more,
                }
                for r in results
            ],
        }
        return Response(SearchSerializer(data).data)


urlpatterns = [action_url("search/", SearchViewSet, {"get": "search"}, name="search")]
