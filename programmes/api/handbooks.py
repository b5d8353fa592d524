"""The handbook API: a programme's handbook as a PDF, made by a worker, then downloaded.

The same rules as the handbook pages: everything needs `handbooks.export` (staff). Asking for
a handbook whose content (curriculum, branding, language, template) has not changed returns the
finished export at once, without rendering it again; downloads are written to the audit trail.
"""

from typing import Any

import django_filters
from django.conf import settings
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.api.base import OrgViewSet, action_url, resource
from cocora.api.serializers import InputSerializer
from programmes.handbooks.selectors import (
    handbook_export_list,
    handbook_export_live_progress,
)
from programmes.handbooks.services import (
    handbook_export_download,
    handbook_export_request,
    handbook_export_retry,
)
from programmes.models import HandbookExport, HandbookExportStatus, Programme
from programmes.selectors.curriculum import programme_get


class HandbookExportSerializer(serializers.ModelSerializer):
    programme_title = serializers.CharField(source="programme.title", read_only=True)
    download_url = serializers.SerializerMethodField(
        help_text="Where to download the PDF once the status is done; null before."
    )

    class Meta:
        model = HandbookExport
        fields = [
            "id",
            "programme",
            "programme_title",
            "language",
            "status",
            "progress",
            "pages",
            "size",
            "content_hash",
            "error",
            "requested_at",
            "started_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "status": {"help_text": "queued, rendering, done or failed: live while it renders."},
            "progress": {"help_text": "Per cent done, 0 to 100: live while it renders."},
            "size": {"help_text": "Bytes of the PDF, once done."},
            "content_hash": {"help_text": "sha256 of everything that goes into the PDF."},
            "error": {"help_text": "Why rendering failed, for people; empty otherwise."},
        }

    def to_representation(self, instance: HandbookExport) -> dict[str, Any]:
        data = super().to_representation(instance)
        # A worker renders inside one transaction: while it works, its progress is read from
        # the cache (no query), as the page's progress bar does.
        data["status"], data["progress"] = handbook_export_live_progress(instance)
        return data

    def get_download_url(self, export: HandbookExport) -> str | None:
        if export.status != HandbookExportStatus.DONE or not export.file:
            return None
        path = reverse(
            "api-handbook-download",
            kwargs={"org_slug": self.context["organisation"].slug, "export_id": export.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class HandbookRequestInput(InputSerializer):
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, help_text="The language of the handbook's own text."
    )


class HandbookExportFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=HandbookExportStatus.choices)
    language = django_filters.ChoiceFilter(choices=settings.LANGUAGES)

    class Meta:
        model = HandbookExport
        fields = ["status", "language"]


@extend_schema(tags=["handbooks"])
class ProgrammeHandbookViewSet(OrgViewSet):
    """A programme's handbook exports: listed and asked for, as on the programme's handbook
    page."""

    permissions = {"read": "handbooks.export", "write": "handbooks.export"}
    serializer_class = HandbookExportSerializer
    filterset_class = HandbookExportFilter
    programme: Programme

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # The programme in the path first, whatever the method and body: another
        # organisation's id is a 404, not a complaint about the input.
        try:
            self.programme = programme_get(
                organisation=self.organisation, programme_id=kwargs["programme_id"]
            )
        except Programme.DoesNotExist:
            raise exceptions.NotFound() from None

    def org_queryset(self) -> Any:
        return handbook_export_list(organisation=self.organisation, programme=self.programme)

    @extend_schema(
        summary="List a programme's handbook exports",
        description="Newest first, in every language, with their status and progress.",
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="Ask for a programme's handbook",
        description="Same content, same file: when nothing that goes into the handbook has "
        "changed since a handbook in this language was made, that export is returned at once "
        "(200, status done, with its `download_url`). Otherwise the export is made by a worker "
        "(202, status queued): follow it at `handbooks/{export_id}/` (the `Location` header) "
        "until it is done or failed. Asking again while it is made returns the same export.",
        request=HandbookRequestInput,
        responses={
            200: OpenApiResponse(HandbookExportSerializer, description="Ready: nothing changed."),
            202: OpenApiResponse(HandbookExportSerializer, description="Being made."),
        },
        examples=[OpenApiExample("In Danish", value={"language": "da"}, request_only=True)],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = HandbookRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        export = handbook_export_request(
            organisation=self.organisation,
            programme=self.programme,
            language=data.validated_data["language"],
            actor=request.user,
        )
        return _export_response(self, export)


def _export_response(view: OrgViewSet, export: HandbookExport) -> Response:
    """200 for a finished export; 202 and where to follow it for one still to be made."""
    body = view.get_serializer(export).data
    if export.status == HandbookExportStatus.DONE:
        return Response(body)
    response = Response(body, status=status.HTTP_202_ACCEPTED)
    response["Location"] = view.request.build_absolute_uri(
        reverse(
            "api-handbook-detail",
            kwargs={"org_slug": view.organisation.slug, "export_id": export.pk},
        )
    )
    return response


@extend_schema(tags=["handbooks"])
class HandbookExportViewSet(OrgViewSet):
    """One handbook export: its status, its PDF, and another try after a failure."""

    permissions = {"read": "handbooks.export", "write": "handbooks.export"}
    serializer_class = HandbookExportSerializer
    lookup_url_kwarg = "export_id"
    filter_backends: list[Any] = []

    def org_queryset(self) -> Any:
        return handbook_export_list(organisation=self.organisation)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The download answers a PDF (a FileResponse, never rendered) and its refusals in JSON:
        # a client asking for `Accept: application/pdf` must get the error body, not a 406.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="One handbook export",
        description="Its status and progress (poll every few seconds while it is queued or "
        "rendering), its pages and size, and a `download_url` once it is done.",
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Download a handbook's PDF",
        description="The PDF of a finished export, as an attachment; each download is written "
        "to the audit trail (`handbook.downloaded`). While the export is queued, rendering or "
        "failed: 409 with code `not_ready`.",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            409: OpenApiResponse(
                {"$ref": "#/components/schemas/Error"},
                description="Not ready yet (code `not_ready`), or its file is missing "
                "(code `gone`).",
            ),
        },
    )
    def download(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        export = self.get_object()
        download = handbook_export_download(
            organisation=self.organisation, export=export, actor=request.user
        )
        return FileResponse(
            download.handle,
            as_attachment=True,
            filename=download.filename,
            content_type="application/pdf",
        )

    @extend_schema(
        summary="Try a failed handbook again",
        description="Queues a failed export again (202). Where the same content was finished "
        "meanwhile, that export is returned instead (200). An export that has not failed: 409 "
        "with code `conflict`.",
        request=None,
        responses={
            200: OpenApiResponse(HandbookExportSerializer, description="Ready: made meanwhile."),
            202: OpenApiResponse(HandbookExportSerializer, description="Being made again."),
        },
    )
    def retry(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        export = handbook_export_retry(
            organisation=self.organisation, export=self.get_object(), actor=request.user
        )
        return _export_response(self, export)


urlpatterns = [
    action_url(
        "programmes/<int:programme_id>/handbooks/",
        ProgrammeHandbookViewSet,
        {"get": "list", "post": "create"},
        name="programme-handbook-list",
    ),
    *resource("handbooks/", HandbookExportViewSet, id_name="export_id", name="handbook"),
    action_url(
        "handbooks/<int:export_id>/download/",
        HandbookExportViewSet,
        {"get": "download"},
        name="handbook-download",
    ),
    action_url(
        "handbooks/<int:export_id>/retry/",
        HandbookExportViewSet,
        {"post": "retry"},
        name="handbook-retry",
    ),
]
