"""The questionnaire a young person opens through their one-time link: no login, under the
organisation's address, in their own language, usable once.

The page finds the organisation by its slug and the link by the hash of its code, inside the
organisation's transaction (row-level security sees nothing else). A code that does not exist,
or that belongs to another organisation, is a 404; a used or closed link gets a kind sentence,
not an error.
"""

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from cocora.core.errors import ApplicationError
from cocora.core.forms import add_application_error
from cocora.organisations.models import Organisation
from cocora.organisations.views_base import PublicOrgView

from ..forms import QuestionnaireForm
from ..models import Item, SurveyLink
from ..selectors.waves import link_by_code
from ..services.responses import link_problem, response_submit


def participant_language(request: HttpRequest, link: SurveyLink, organisation: Organisation) -> str:
    """The language chosen on the page, else the participant's, else the organisation's."""
    available = {code for code, _name in settings.LANGUAGES}
    chosen = request.GET.get("lang") or request.POST.get("lang") or ""
    for language in (chosen, link.enrolment.participant.preferred_language, organisation.language):
        if language in available:
            return language
    return settings.LANGUAGE_CODE


def questionnaire_items(link: SurveyLink) -> list[Item]:
    return list(
        Item.objects.for_org(link.organisation_id)
        .filter(instrument_id=link.wave.instrument_id)
        .order_by("position", "pk")
    )


def render_questionnaire(
    request: HttpRequest,
    *,
    organisation: Organisation,
    link: SurveyLink,
    language: str,
    template: str,
    extra: dict[str, Any],
) -> HttpResponse:
    """Shows the questionnaire of `link` (GET) or stores its answers (POST) and redirects to
    `extra["success_url"]`."""
    problem = link_problem(organisation=organisation, link=link)
    items = questionnaire_items(link)
    kind = link.wave.instrument.kind
    form = QuestionnaireForm(
        request.POST if request.method == "POST" and not problem else None,
        items=items,
        kind=kind,
        language=language,
    )
    status = 200
    if request.method == "POST" and not problem:
        if form.is_valid():
            try:
                response_submit(
                    organisation=organisation,
                    link=link,
                    answers=form.answers(),
                )
            except ApplicationError as error:
                if error.code == "conflict":
                    problem = error.message
                else:
                    add_application_error(form, error)
                    status = 400
            else:
                return redirect(extra["success_url"])
        else:
            status = 400
    context = {
        "organisation": organisation,
        "current_organisation": organisation,
        "form": form,
        "problem": problem,
        "link": link,
        "language": language,
        "languages": settings.LANGUAGES,
        **extra,
    }
    answer = render(request, template, context, status=status)
    add_never_cache_headers(answer)
    return answer


class SurveyAnswerView(PublicOrgView):
    """The questionnaire itself, found by the code in the link."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._answer(request, kwargs["code"])

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._answer(request, kwargs["code"])

    def _answer(self, request: HttpRequest, code: str) -> HttpResponse:
        link = link_by_code(organisation=self.organisation, code=code)
        if link is None:
            raise Http404
        language = participant_language(request, link, self.organisation)
        with translation.override(language):
            return render_questionnaire(
                request,
                organisation=self.organisation,
                link=link,
                language=language,
                template="evaluation/public/answer.html",
                extra={
                    # Back to the same address, which now thanks them (the link is used).
                    "success_url": f"{request.path}?lang={language}",
                    "action": request.path,
                },
            )
