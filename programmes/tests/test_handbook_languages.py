"""Handbooks per language: a Danish handbook of an English programme with one translated and one
untranslated module, checked in the PDF itself (pikepdf, pdftotext); the cache key per language;
the export page's account of what each language shows, out-of-date translations included."""

import pikepdf
import pytest
from django.urls import reverse

from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from programmes.handbooks import services
from programmes.handbooks.selectors import handbook_curriculum
from programmes.handbooks.tasks import handbook_render
from programmes.models import HandbookExport
from programmes.services.translations import module_translation_save
from programmes.tests.factories import ActivityFactory, ModuleFactory, ProgrammeFactory

# `_files` is the handbook tests' autouse fixture: PDFs go to a temporary folder here too.
from programmes.tests.test_handbooks import _files, pdf_text  # noqa: F401
from programmes.tests.test_translations import _edit_module

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(org):
    """An English programme: "Belonging" is translated into Danish, "Rights" is not."""
    programme = ProgrammeFactory(organisation=org, language="en", title="Voices")
    translated = ModuleFactory(
        organisation=org,
        programme=programme,
        position=0,
        title="Belonging",
        objectives="Name a place where you belong",
        content_md="Where do you feel at home?",
    )
    activity = ActivityFactory(
        organisation=org, module=translated, title="Map of places", instructions_md="Draw it."
    )
    untranslated = ModuleFactory(
        organisation=org,
        programme=programme,
        position=1,
        title="Rights",
        objectives="Know three rights",
        content_md="Rights belong to everyone here.",
    )
    ActivityFactory(organisation=org, module=untranslated, title="Rights quiz")
    with org_context(org.pk):
        module_translation_save(
            organisation=org,
            module=translated,
            language="da",
            actor=None,
            title="Tilhørsforhold",
            objectives="Nævn et sted, hvor du hører til",
            content_md="Hvor føler du dig hjemme?",
            activities={activity.pk: {"title": "Kort over steder", "instructions_md": "Tegn det."}},
        )
    return programme


def _export(org, programme, language):
    with org_context(org.pk):
        export = services.handbook_export_request(
            organisation=org, programme=programme, language=language, actor=None
        )
    handbook_render.apply(args=(org.pk, export.pk)).get()
    with org_context(org.pk):
        return HandbookExport.objects.for_org(org).get(pk=export.pk)


def _structure_langs(pdf: pikepdf.Pdf) -> list[tuple[str, str]]:
    """(structure type, /Lang) of every structure element that has a /Lang."""
    found = []
    pending = [pdf.Root.StructTreeRoot]
    while pending:
        node = pending.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if "/Lang" in node:
            found.append((str(node.get("/S")), str(node.Lang)))
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            pending.extend(kids)
        elif isinstance(kids, pikepdf.Dictionary):
            pending.append(kids)
    return found


@pytest.mark.translations
def test_a_danish_handbook_uses_the_translation_and_marks_the_english_fallback(org, programme):
    # When the handbook is made in Danish, by the task a worker runs
    export = _export(org, programme, "da")
    assert export.status == "done", export.error
    path = export.file.path

    # Then the document's language is Danish
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "da"
        langs = _structure_langs(pdf)
    # and the untranslated module's passages are structure elements marked English: its title
    # (in the contents, the overview and its chapter heading), objectives and content, and its
    # activity's title. Nothing else is marked: the translated module reads as Danish.
    assert langs, "no structure element carries /Lang"
    assert {lang for _kind, lang in langs} == {"en"}
    kinds = {kind for kind, _lang in langs}
    assert {"/Span", "/L", "/Div", "/H4"} <= kinds

    text = pdf_text(path)
    # Interface text in Danish: contents, the appendix headings, the module headings
    for heading in ("Indhold", "Bilag A: Plan for mødegangen", "Mål", "Aktiviteter"):
        assert heading in text, heading
    assert "Appendix A" not in text and "Contents" not in text
    # The translated module in Danish, the untranslated one as written
    assert "Tilhørsforhold" in text and "Kort over steder" in text
    assert "Belonging" not in text
    assert "Rights belong to everyone here." in text


def test_the_html_marks_exactly_the_fallback_passages(org, programme):
    with org_context(org.pk):
        modules = handbook_curriculum(organisation=org, programme=programme, language="da")
    translated, untranslated = modules
    assert translated.title.lang == "" and translated.content_md.lang == ""
    assert untranslated.title.lang == "en" and untranslated.content_md.lang == "en"
    assert untranslated.activities[0].title.lang == "en"
    html = services.handbook_html(
        organisation=org,
        programme=programme,
        modules=modules,
        branding=services.organisation_branding(org),
        language="da",
    )
    assert '<html lang="da">' in html
    assert '<span lang="en">Rights</span>' in html
    assert '<span lang="en">Belonging</span>' not in html


def test_the_cache_key_holds_the_language_and_the_same_language_reuses_the_file(
    org, programme, monkeypatch
):
    renders = []
    original = services.render_book
    monkeypatch.setattr(
        services, "render_book", lambda *a, **k: renders.append(1) or original(*a, **k)
    )

    danish = _export(org, programme, "da")
    english = _export(org, programme, "en")
    # Two languages, two files
    assert danish.content_hash != english.content_hash
    assert danish.file.name != english.file.name
    assert len(renders) == 2

    # The same language again: the finished export, no render
    with org_context(org.pk):
        again = services.handbook_export_request(
            organisation=org, programme=programme, language="da", actor=None
        )
    assert again.pk == danish.pk and len(renders) == 2


def test_a_changed_translation_gives_a_new_danish_hash_but_not_a_new_english_one(org, programme):
    with org_context(org.pk):
        first_da, *_ = services._current_hash(org, programme, "da")
        first_en, *_ = services._current_hash(org, programme, "en")
        module = programme.modules.get(position=0)
        module_translation_save(
            organisation=org,
            module=module,
            language="da",
            actor=None,
            title="At høre til",
        )
        assert services._current_hash(org, programme, "da")[0] != first_da
        assert services._current_hash(org, programme, "en")[0] == first_en


def test_the_export_page_says_what_falls_back_and_flags_out_of_date_translations(
    org, programme, member_client
):
    client = member_client(org, Role.COORDINATOR)
    url = reverse("handbook_exports", kwargs={"org_slug": org.slug, "programme_id": programme.pk})

    page = client.get(url).content.decode()
    assert "1 of 2 modules translated; the others in English" in page
    assert "translation out of date" not in page

    # When the original of the translated module changes
    with org_context(org.pk):
        module = programme.modules.get(position=0)
    _edit_module(org, module, content_md="Where, and with whom, do you feel at home?")
    page = client.get(url).content.decode()
    assert "translation out of date" in page
    assert "“Belonging”: content" in page
