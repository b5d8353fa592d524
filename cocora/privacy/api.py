"""The transparency facts in the API: the same structure the public page and the consent form
show (cocora.privacy.selectors.transparency_facts), for members who build on it. Mounted under
/api/v1/o/<org_slug>/ by cocora/api/urls.py."""

from dataclasses import asdict
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.api.base import OrgViewSet, action_url

from .selectors import transparency_facts


class KeptItemSerializer(serializers.Serializer):
    what = serializers.CharField()
    record_type = serializers.CharField(help_text="Whose retention period applies.")
    only_with_consent = serializers.BooleanField()


class RetentionFactSerializer(serializers.Serializer):
    record_type = serializers.CharField()
    what = serializers.CharField()
    period = serializers.CharField(help_text='In words, e.g. "24 months".')
    counted_from = serializers.CharField()


class AccessFactSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="The action of the permission map.")
    roles = serializers.ListField(child=serializers.CharField())
    sentence = serializers.CharField()


class PartnerSharingSerializer(serializers.Serializer):
    partner = serializers.CharField()
    kind = serializers.CharField()
    purpose = serializers.CharField()
    allowed = serializers.ListField(
        child=serializers.CharField(), help_text="May be shared without asking each time."
    )
    with_consent = serializers.ListField(
        child=serializers.CharField(), help_text="Only with the young person's consent."
    )


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()
    supervisory_authority = serializers.CharField()


class TransparencySerializer(serializers.Serializer):
    organisation = serializers.CharField()
    slug = serializers.CharField()
    page_url = serializers.CharField(help_text="The public page that shows these facts.")
    digital_consent_age = serializers.IntegerField()
    kept = KeptItemSerializer(many=True)
    never_kept = serializers.CharField()
    retention = RetentionFactSerializer(many=True)
    access = AccessFactSerializer(many=True)
    no_access = serializers.CharField(help_text="Roles that never see a young person's record.")
    partners = PartnerSharingSerializer(many=True)
    emergency_sharing_by = serializers.CharField()
    requests_handled_by = serializers.CharField()
    contact = ContactSerializer()


class TransparencyViewSet(OrgViewSet):
    permissions = {"read": "organisation.view"}
    pagination_class = None
    filter_backends: list[Any] = []

    @extend_schema(
        summary="What the organisation tells people about their data",
        description="What is kept about young people and for how long, who sees it, which "
        "partners may receive what, and whom to ask: the facts of the public transparency page "
        "and the consent form, in the caller's language.",
        responses=TransparencySerializer,
    )
    def facts(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        facts = transparency_facts(organisation=self.organisation)
        page = request.build_absolute_uri(
            reverse("transparency", kwargs={"org_slug": self.organisation.slug})
        )
        return Response(TransparencySerializer({**asdict(facts), "page_url": page}).data)


urlpatterns = [
    action_url("transparency/", TransparencyViewSet, {"get": "facts"}, name="transparency"),
]
