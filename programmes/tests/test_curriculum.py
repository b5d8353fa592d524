"""Programmes and their curriculum: the built-in curricula, copying them, Markdown cleaning,
ordering, the pages with their permissions, tenant isolation and query counts."""

import json

import pytest
from django.urls import reverse

from cocora.core.errors import ApplicationError
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries, tenant_settings_queries
from programmes.curricula import (
    CURRICULA_DIR,
    builtin_curricula,
    builtin_curriculum,
    builtin_languages,
)
from programmes.markdown import render_markdown
from programmes.models import Activity, Module, Programme, ProgrammeKind, SessionLogActivity
from programmes.selectors.curriculum import programme_curriculum, programme_list
from programmes.services import curriculum as services
from programmes.tests.factories import (
    ActivityFactory,
    ModuleFactory,
    ProgrammeFactory,
    SessionFactory,
    SessionLogFactory,
)

pytestmark = pytest.mark.django_db

KINDS = [kind.value for kind in ProgrammeKind]


def _url(name, org, **kwargs):
    return reverse(name, kwargs={"org_slug": org.slug, **kwargs})


def _positions(org, **filters):
    with org_context(org.pk):
        model = Activity if "module" in filters else Module
        return list(
            model.objects.for_org(org)
            .filter(**filters)
            .order_by("position", "pk")
            .values_list("title", "position")
        )


def _json(kind):
    return json.loads((CURRICULA_DIR / "en" / f"{kind}.json").read_text(encoding="utf-8"))


# The built-in curricula


def test_the_three_builtin_curricula_load_in_the_order_of_the_kinds():
    curricula = builtin_curricula()

    assert [c.kind for c in curricula] == KINDS
    for curriculum in curricula:
        data = _json(curriculum.kind)
        assert curriculum.title == data["title"]
        assert curriculum.module_count == len(data["modules"])
        assert curriculum.activity_count == sum(len(m["activities"]) for m in data["modules"])


def test_a_language_without_a_file_falls_back_to_english_and_is_cached():
    polish = builtin_curriculum("prevention", "pl")

    assert polish.language == "en"
    assert polish.source == "builtin:prevention:en"
    # Cached: the same frozen object every time, the file is read once.
    assert builtin_curriculum("prevention", "en") is polish
    assert "pl" not in builtin_languages("prevention")


@pytest.mark.parametrize("kind", KINDS)
def test_every_translation_of_a_curriculum_has_the_english_shape(kind):
    # A translation is the same curriculum: the same modules and activities in the same order,
    # the same durations and methods, every text translated (a handbook in one language is
    # the handbook in another).
    english = builtin_curriculum(kind)
    translations = [lang for lang in builtin_languages(kind) if lang != "en"]
    assert set(translations) >= {"da", "de", "fr", "it"}
    for language in translations:
        translated = builtin_curriculum(kind, language)
        assert translated.language == language
        assert translated.title != english.title and translated.summary != english.summary
        assert len(translated.modules) == len(english.modules), language
        for ours, theirs in zip(translated.modules, english.modules, strict=True):
            assert ours.duration_minutes == theirs.duration_minutes
            assert ours.title != theirs.title and ours.content_md != theirs.content_md
            assert len(ours.objectives.splitlines()) == len(theirs.objectives.splitlines())
            assert [(a.method, a.duration_minutes) for a in ours.activities] == [
                (a.method, a.duration_minutes) for a in theirs.activities
            ], f"{language}: {theirs.title}"
            for activity, source in zip(ours.activities, theirs.activities, strict=True):
                assert activity.instructions_md != source.instructions_md, activity.title


def test_a_language_code_cannot_reach_outside_the_curricula_folder():
    # Regression: the language becomes part of a file path.
    assert builtin_curriculum("prevention", "../../../etc/passwd").language == "en"


def test_an_unknown_kind_has_no_builtin_curriculum():
    with pytest.raises(LookupError):
        builtin_curriculum("surveillance")


# Copying a built-in curriculum


@pytest.mark.parametrize("kind", KINDS)
def test_copying_a_builtin_curriculum_copies_every_module_and_activity_in_order(org, kind):
    curriculum = builtin_curriculum(kind)

    with org_context(org.pk):
        programme = services.programme_create_from_builtin(organisation=org, kind=kind)
        modules = programme_curriculum(organisation=org, programme=programme)

        assert programme.title == curriculum.title
        assert programme.source == f"builtin:{kind}:en"
        assert [m.title for m in modules] == [m.title for m in curriculum.modules]
        assert [m.position for m in modules] == list(range(curriculum.module_count))
        for module, builtin in zip(modules, curriculum.modules, strict=True):
            activities = list(module.activities.all())
            assert [a.title for a in activities] == [a.title for a in builtin.activities]
            assert [a.position for a in activities] == list(range(len(builtin.activities)))
            assert {a.organisation_id for a in activities} == {org.pk}
        assert Activity.objects.for_org(org).count() == curriculum.activity_count


def test_copying_takes_the_same_number_of_queries_for_every_curriculum_size(org):
    sizes, counts = set(), set()
    for kind in KINDS:
        with org_context(org.pk):
            count, programme = count_queries(
                lambda kind=kind: services.programme_create_from_builtin(
                    organisation=org, kind=kind, title=f"Our {kind}"
                )
            )
            sizes.add(Activity.objects.for_org(org).filter(module__programme=programme).count())
        counts.add(count)

    assert len(sizes) == 3, "the three curricula should differ in size for this test to mean much"
    # Insert the programme, insert all modules, insert all activities: 3, whatever the size.
    assert counts == {3}


@pytest.mark.parametrize("language", ["da", "de", "fr", "it"])
def test_copying_in_another_language_copies_that_languages_text(org, language):
    # Regression: every organisation got the English curriculum, whatever its language.
    with org_context(org.pk):
        programme = services.programme_create_from_builtin(
            organisation=org, kind="ambassador", language=language, title="  "
        )
        first = programme_curriculum(organisation=org, programme=programme)[0]

    translated = builtin_curriculum("ambassador", language)
    assert programme.language == language
    assert programme.source == f"builtin:ambassador:{language}"
    assert programme.title == translated.title != builtin_curriculum("ambassador").title
    assert first.content_md == translated.modules[0].content_md


def test_copying_refuses_an_unknown_kind_or_language(org):
    with org_context(org.pk):
        with pytest.raises(ApplicationError) as error:
            services.programme_create_from_builtin(organisation=org, kind="risk")
        assert error.value.field == "kind"
        with pytest.raises(ApplicationError) as error:
            services.programme_create_from_builtin(
                organisation=org, kind="prevention", language="xx"
            )
        assert error.value.field == "language"
        assert not Programme.objects.for_org(org).exists()


# Markdown


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("Hello <script>alert('x')</script> world", "<script"),
        ("Hello <script>alert('x')</script> world", "alert("),
        ('<p onerror="alert(1)" onclick="alert(2)">text</p>', "onerror"),
        ('<p onerror="alert(1)" onclick="alert(2)">text</p>', "onclick"),
        ("[click me](javascript:alert(1))", "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">click</a>', "alert"),
        ("![tracker](http://tracker.example/pixel.png)", "<img"),
        ('<img src="http://tracker.example/pixel.png" onerror="alert(1)">', "tracker.example"),
        ('<iframe src="https://evil.example"></iframe>', "iframe"),
        ("<style>body { display: none }</style>", "display"),
        ("[relative](/o/alpha/members/)", "href"),
    ],
)
def test_markdown_cleaning_strips_what_could_run_track_or_mislead(source, forbidden):
    html = render_markdown(source)
    assert forbidden.lower() not in html.lower()


def test_markdown_keeps_structure_and_safe_links():
    html = render_markdown(
        "## Background\n\nSome **bold** and *em*.\n\n- one\n- two\n\n"
        "[rights](https://example.org/rights) and [mail](mailto:team@example.org)"
    )

    assert "<h2>Background</h2>" in html
    assert "<strong>bold</strong>" in html
    assert "<li>one</li>" in html
    assert 'href="https://example.org/rights"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert 'href="mailto:team@example.org"' in html


def test_markdown_headings_fit_under_the_page_outline():
    assert "<h3>A</h3>" in render_markdown("# A", top_heading=3)
    assert "<h4>B</h4>" in render_markdown("###### B", top_heading=2)


# Ordering


def test_moving_modules_swaps_neighbours_and_keeps_positions_contiguous(org):
    programme = ProgrammeFactory(organisation=org)
    # Gaps and a tie, as an older import might have left them.
    first = ModuleFactory(organisation=org, programme=programme, position=0, title="First")
    second = ModuleFactory(organisation=org, programme=programme, position=5, title="Second")
    third = ModuleFactory(organisation=org, programme=programme, position=5, title="Third")

    with org_context(org.pk):
        services.module_move(organisation=org, module=third, direction="up")
    assert _positions(org, programme=programme) == [("First", 0), ("Third", 1), ("Second", 2)]

    with org_context(org.pk):
        services.module_move(organisation=org, module=first, direction="down")
    assert _positions(org, programme=programme) == [("Third", 0), ("First", 1), ("Second", 2)]

    with org_context(org.pk), pytest.raises(ApplicationError):
        services.module_move(organisation=org, module=third, direction="up")
    with org_context(org.pk), pytest.raises(ApplicationError):
        services.module_move(organisation=org, module=second, direction="down")
    assert _positions(org, programme=programme) == [("Third", 0), ("First", 1), ("Second", 2)]


def test_moving_activities_stays_within_their_module(org):
    module = ModuleFactory(organisation=org)
    other_module = ModuleFactory(organisation=org, programme=module.programme)
    a = ActivityFactory(organisation=org, module=module, position=0, title="A")
    ActivityFactory(organisation=org, module=module, position=1, title="B")
    ActivityFactory(organisation=org, module=other_module, position=0, title="Elsewhere")

    with org_context(org.pk):
        services.activity_move(organisation=org, activity=a, direction="down")

    assert _positions(org, module=module) == [("B", 0), ("A", 1)]
    assert _positions(org, module=other_module) == [("Elsewhere", 0)]


def test_deleting_closes_the_gap_and_adding_goes_to_the_end(org):
    programme = ProgrammeFactory(organisation=org)
    modules = [
        ModuleFactory(organisation=org, programme=programme, position=i, title=f"M{i}")
        for i in range(3)
    ]

    with org_context(org.pk):
        services.module_delete(organisation=org, module=modules[1])
        services.module_create(organisation=org, programme=programme, title="New")

    assert _positions(org, programme=programme) == [("M0", 0), ("M2", 1), ("New", 2)]


def test_services_refuse_rows_of_another_organisation(org, other_org):
    programme = ProgrammeFactory(organisation=org)
    foreign_module = ModuleFactory(organisation=other_org)

    with org_context(org.pk):
        with pytest.raises(ApplicationError):
            services.module_move(organisation=org, module=foreign_module, direction="down")
        with pytest.raises(ApplicationError):
            services.activity_create(organisation=org, module=foreign_module, title="Sneaky")
    own_module = ModuleFactory(organisation=org, programme=programme)
    with org_context(other_org.pk), pytest.raises(ApplicationError):
        services.module_update(organisation=other_org, module=own_module, title="Taken over")
    assert _positions(org, programme=programme) == [(own_module.title, own_module.position)]


def test_an_activity_covered_in_a_session_log_cannot_be_deleted(org):
    # Regression guard: deleting it would cascade into the logs and rewrite their history.
    activity = ActivityFactory(organisation=org)
    log = SessionLogFactory(organisation=org, session=SessionFactory(organisation=org))
    with org_context(org.pk):
        SessionLogActivity.objects.create(organisation=org, log=log, activity=activity)

        with pytest.raises(ApplicationError):
            services.activity_delete(organisation=org, activity=activity)
        with pytest.raises(ApplicationError):
            services.module_delete(organisation=org, module=activity.module)

        assert Activity.objects.for_org(org).filter(pk=activity.pk).exists()


# Pages: reading


def test_the_programme_list_groups_by_kind_with_module_counts(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    programme = ProgrammeFactory(organisation=org, kind="ambassador", title="Peer ambassadors")
    ModuleFactory.create_batch(3, organisation=org, programme=programme)

    response = client.get(_url("programme_list", org))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Peer ambassadors" in content
    assert "3 modules" in content
    assert "Ambassador Programme" in content
    assert "New programme" in content


def test_the_programme_list_explains_how_to_start_when_it_is_empty(org, member_client):
    response = member_client(org, Role.ADMIN).get(_url("programme_list", org))

    assert response.status_code == 200
    assert b"No programmes yet" in response.content
    assert _url("programme_create", org).encode() in response.content


def test_programme_list_selector_counts_modules_in_one_query(org):
    for size in (1, 4):
        programme = ProgrammeFactory(organisation=org)
        ModuleFactory.create_batch(size, organisation=org, programme=programme)

    with org_context(org.pk):
        count, programmes = count_queries(lambda: list(programme_list(organisation=org)))

    assert count == 1
    assert sorted(p.module_count for p in programmes) == [1, 4]


def test_the_curriculum_page_renders_modules_activities_and_cleaned_markdown(org, member_client):
    client = member_client(org, Role.TRAINER)
    module = ModuleFactory(
        organisation=org,
        title="Democracy and rights",
        objectives="Name three rights\nPractise a debate",
        content_md="## Background\nWe talk **openly**.<script>alert(1)</script>",
        duration_minutes=120,
    )
    ActivityFactory(
        organisation=org,
        module=module,
        title="Rights walk",
        method="walk",
        materials="cards",
        duration_minutes=25,
        instructions_md="1. Walk\n2. Talk",
    )

    response = client.get(_url("programme_detail", org, programme_id=module.programme_id))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Democracy and rights" in content
    assert "<li>Name three rights</li>" in content
    assert "<h3>Background</h3>" in content
    assert "<strong>openly</strong>" in content
    assert "<script>alert" not in content
    assert "Rights walk" in content and "Walk" in content and "cards" in content
    assert "25 minutes" in content and "120 minutes" in content
    # A trainer reads; the manager actions are not offered.
    assert "Move up" not in content and "Add module" not in content


def test_the_curriculum_page_offers_move_buttons_named_for_screen_readers(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    programme = ProgrammeFactory(organisation=org)
    ModuleFactory(organisation=org, programme=programme, position=0, title="Opening")
    ModuleFactory(organisation=org, programme=programme, position=1, title="Closing")

    content = client.get(_url("programme_detail", org, programme_id=programme.pk)).content

    assert b'Move down<span class="visually-hidden"> \xe2\x80\x9cOpening\xe2\x80\x9d</span>' in (
        content
    )
    assert (
        b'Move up<span class="visually-hidden"> \xe2\x80\x9cClosing\xe2\x80\x9d</span>' in content
    )
    # The first cannot go up, the last cannot go down.
    assert b'Move up<span class="visually-hidden"> \xe2\x80\x9cOpening' not in content
    assert b'Move down<span class="visually-hidden"> \xe2\x80\x9cClosing' not in content


def test_the_curriculum_page_query_count_is_the_same_for_2_and_9_modules(org, member_client):
    client = member_client(org, Role.COORDINATOR)

    def count_for(total_modules):
        programme = ProgrammeFactory(organisation=org)
        for position in range(total_modules):
            module = ModuleFactory(organisation=org, programme=programme, position=position)
            ActivityFactory.create_batch(2, organisation=org, module=module)
        url = _url("programme_detail", org, programme_id=programme.pk)
        count, response = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        assert response.content.count(b'id="module-') >= total_modules
        return count

    # session, user, the member's memberships with their organisations (the switcher too),
    # programme, modules, activities, and the translations of each = 8; on PostgreSQL also the user
    # (middleware) and the organisation (view) set for the transaction. None of them depends on the
    # number of rows.
    expected = 8 + 2 * tenant_settings_queries()
    assert count_for(2) == expected
    assert count_for(9) == expected


# Pages: writing


def test_a_manager_creates_edits_and_deletes_a_module_through_the_pages(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    programme = ProgrammeFactory(organisation=org)

    # Given the add-module page
    assert client.get(_url("module_create", org, programme_id=programme.pk)).status_code == 200
    # When the form is sent
    response = client.post(
        _url("module_create", org, programme_id=programme.pk),
        {"title": "Safe spaces", "duration_minutes": "90", "objectives": "", "content_md": "Hi"},
    )
    # Then it redirects to the curriculum, with a message
    assert response.status_code == 302
    with org_context(org.pk):
        module = Module.objects.for_org(org).get(programme=programme)
    assert response["Location"].endswith(f"#module-{module.pk}")
    page = client.get(response["Location"])
    assert "Module “Safe spaces” added." in page.content.decode()

    edit_url = _url("module_edit", org, module_id=module.pk)
    assert b"Safe spaces" in client.get(edit_url).content
    response = client.post(
        edit_url,
        {"title": "Safe spaces together", "duration_minutes": "100", "content_md": "Hi"},
    )
    assert response.status_code == 302
    with org_context(org.pk):
        module.refresh_from_db()
    assert (module.title, module.duration_minutes) == ("Safe spaces together", 100)

    delete_url = _url("module_delete", org, module_id=module.pk)
    assert b"Delete the module" in client.get(delete_url).content
    assert client.post(delete_url).status_code == 302
    with org_context(org.pk):
        assert not Module.objects.for_org(org).exists()


def test_a_manager_adds_edits_moves_and_deletes_activities(org, member_client):
    client = member_client(org, Role.ADMIN)
    module = ModuleFactory(organisation=org)

    for title in ("Warm-up", "Debate"):
        response = client.post(
            _url("activity_create", org, module_id=module.pk),
            {"title": title, "method": "discussion", "duration_minutes": "20", "materials": ""},
        )
        assert response.status_code == 302
    with org_context(org.pk):
        debate = Activity.objects.for_org(org).get(title="Debate")

    response = client.post(_url("activity_move", org, activity_id=debate.pk), {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#activity-{debate.pk}")
    assert _positions(org, module=module) == [("Debate", 0), ("Warm-up", 1)]

    response = client.post(
        _url("activity_edit", org, activity_id=debate.pk),
        {"title": "Debate", "method": "role play", "duration_minutes": "35", "materials": "cards"},
    )
    assert response.status_code == 302
    with org_context(org.pk):
        debate.refresh_from_db()
    assert (debate.method, debate.materials) == ("role play", "cards")

    assert client.post(_url("activity_delete", org, activity_id=debate.pk)).status_code == 302
    assert _positions(org, module=module) == [("Warm-up", 0)]


def test_moving_a_module_through_the_page(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    programme = ProgrammeFactory(organisation=org)
    ModuleFactory(organisation=org, programme=programme, position=0, title="A")
    b = ModuleFactory(organisation=org, programme=programme, position=1, title="B")
    url = _url("module_move", org, module_id=b.pk)

    response = client.post(url, {"direction": "up"})

    assert response.status_code == 302
    assert _positions(org, programme=programme) == [("B", 0), ("A", 1)]
    # Already at the top, or a direction that does not exist: 400, order unchanged.
    assert client.post(url, {"direction": "up"}).status_code == 400
    assert client.post(url, {"direction": "sideways"}).status_code == 400
    assert _positions(org, programme=programme) == [("B", 0), ("A", 1)]
    # Moving is a POST: a link cannot do it.
    assert client.get(url).status_code == 405


def test_the_preview_button_renders_the_markdown_without_saving(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    module = ModuleFactory(organisation=org, title="Before", content_md="old")

    response = client.post(
        _url("module_edit", org, module_id=module.pk),
        {
            "title": "After",
            "duration_minutes": "90",
            "content_md": "## Plan\n**bold** <img src=http://tracker.example/x.png>",
            "preview": "1",
        },
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h3>Plan</h3>" in content and "<strong>bold</strong>" in content
    assert "<img" not in content
    with org_context(org.pk):
        module.refresh_from_db()
    assert (module.title, module.content_md) == ("Before", "old")


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"title": "   ", "duration_minutes": "90"}, b"This field is required"),
        ({"title": "Fine", "duration_minutes": "-5"}, b"greater than or equal to 1"),
        ({"title": "Fine", "duration_minutes": "601"}, b"less than or equal to 600"),
    ],
)
def test_bad_module_input_is_a_400_form_error_and_changes_nothing(
    org, member_client, data, field_error
):
    client = member_client(org, Role.COORDINATOR)
    module = ModuleFactory(organisation=org, title="Unchanged", duration_minutes=90)

    edit = client.post(_url("module_edit", org, module_id=module.pk), data)
    create = client.post(_url("module_create", org, programme_id=module.programme_id), data)

    for response in (edit, create):
        assert response.status_code == 400
        assert field_error in response.content
        assert b'aria-invalid="true"' in response.content
    with org_context(org.pk):
        module.refresh_from_db()
        assert Module.objects.for_org(org).count() == 1
    assert (module.title, module.duration_minutes) == ("Unchanged", 90)


def test_bad_activity_and_programme_input_is_a_400_form_error(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    activity = ActivityFactory(organisation=org, title="Unchanged")

    response = client.post(
        _url("activity_edit", org, activity_id=activity.pk),
        {"title": "Fine", "method": "interrogation", "duration_minutes": "-1"},
    )
    assert response.status_code == 400
    assert b"is not one of the available choices" in response.content

    response = client.post(
        _url("programme_edit", org, programme_id=activity.module.programme_id),
        {"title": "", "language": "en"},
    )
    assert response.status_code == 400
    with org_context(org.pk):
        activity.refresh_from_db()
        assert activity.title == "Unchanged"
        assert Programme.objects.for_org(org).get().title != ""


def test_a_manager_creates_a_programme_from_the_builtin_curriculum(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    url = _url("programme_create", org)

    choose = client.get(url)
    assert choose.status_code == 200
    for curriculum in builtin_curricula():
        assert curriculum.title.encode() in choose.content
    form = client.get(url + "?kind=prevention")
    assert b"Start from the built-in curriculum" in form.content

    response = client.post(
        url, {"kind": "prevention", "start": "builtin", "title": "", "language": "en"}
    )

    assert response.status_code == 302
    with org_context(org.pk):
        programme = Programme.objects.for_org(org).get()
        assert programme.modules.count() == builtin_curriculum("prevention").module_count
    assert response["Location"] == _url("programme_detail", org, programme_id=programme.pk)


def test_a_manager_starts_an_empty_programme_which_needs_a_title(org, member_client):
    client = member_client(org, Role.ADMIN)
    url = _url("programme_create", org)

    response = client.post(url, {"kind": "collaborative", "start": "empty", "language": "da"})
    assert response.status_code == 400
    with org_context(org.pk):
        assert not Programme.objects.for_org(org).exists()

    response = client.post(
        url,
        {"kind": "collaborative", "start": "empty", "title": "Our partnership", "language": "da"},
    )
    assert response.status_code == 302
    with org_context(org.pk):
        programme = Programme.objects.for_org(org).get()
        assert (programme.title, programme.language, programme.source) == (
            "Our partnership",
            "da",
            "",
        )
        assert not programme.modules.exists()


# Permissions and isolation


def _write_requests(org, programme, module, activity):
    return [
        ("get", _url("programme_create", org), {}),
        ("post", _url("programme_create", org), {"kind": "prevention", "start": "builtin"}),
        ("get", _url("programme_edit", org, programme_id=programme.pk), {}),
        ("post", _url("programme_edit", org, programme_id=programme.pk), {"title": "x"}),
        ("get", _url("module_create", org, programme_id=programme.pk), {}),
        ("post", _url("module_create", org, programme_id=programme.pk), {"title": "x"}),
        ("get", _url("module_edit", org, module_id=module.pk), {}),
        ("post", _url("module_edit", org, module_id=module.pk), {"title": "x"}),
        ("post", _url("module_move", org, module_id=module.pk), {"direction": "down"}),
        ("get", _url("module_delete", org, module_id=module.pk), {}),
        ("post", _url("module_delete", org, module_id=module.pk), {}),
        ("get", _url("activity_create", org, module_id=module.pk), {}),
        ("post", _url("activity_create", org, module_id=module.pk), {"title": "x"}),
        ("get", _url("activity_edit", org, activity_id=activity.pk), {}),
        ("post", _url("activity_edit", org, activity_id=activity.pk), {"title": "x"}),
        ("post", _url("activity_move", org, activity_id=activity.pk), {"direction": "up"}),
        ("get", _url("activity_delete", org, activity_id=activity.pk), {}),
        ("post", _url("activity_delete", org, activity_id=activity.pk), {}),
    ]


def _curriculum_state(org):
    with org_context(org.pk):
        return [
            list(model.objects.for_org(org).order_by("pk").values())
            for model in (Programme, Module, Activity)
        ]


def test_a_trainer_reads_the_curriculum_but_every_write_is_403(org, member_client):
    client = member_client(org, Role.TRAINER)
    activity = ActivityFactory(organisation=org)
    ActivityFactory(organisation=org, module=activity.module)
    module, programme = activity.module, activity.module.programme
    before = _curriculum_state(org)

    assert client.get(_url("programme_list", org)).status_code == 200
    assert client.get(_url("programme_detail", org, programme_id=programme.pk)).status_code == 200
    answers = {
        (method, url): getattr(client, method)(url, data).status_code
        for method, url, data in _write_requests(org, programme, module, activity)
    }

    assert set(answers.values()) == {403}
    assert _curriculum_state(org) == before


@pytest.mark.parametrize("role", [Role.AMBASSADOR, Role.PARTNER])
def test_ambassadors_and_partner_contacts_get_403_on_every_curriculum_page(
    org, member_client, role
):
    client = member_client(org, role)
    activity = ActivityFactory(organisation=org)
    module, programme = activity.module, activity.module.programme
    reads = [
        ("get", _url("programme_list", org), {}),
        ("get", _url("programme_detail", org, programme_id=programme.pk), {}),
    ]

    answers = {
        (method, url): getattr(client, method)(url, data).status_code
        for method, url, data in reads + _write_requests(org, programme, module, activity)
    }

    assert set(answers.values()) == {403}


def test_another_organisations_ids_are_404_in_our_pages_and_change_nothing(
    org, other_org, member_client
):
    client = member_client(org, Role.ADMIN)
    ActivityFactory(organisation=org)
    foreign_activity = ActivityFactory(organisation=other_org)
    foreign_module = foreign_activity.module
    foreign_programme = foreign_module.programme
    before = (_curriculum_state(org), _curriculum_state(other_org))

    requests = [
        ("get", _url("programme_detail", org, programme_id=foreign_programme.pk), {}),
        *_write_requests(org, foreign_programme, foreign_module, foreign_activity),
        ("get", _url("module_move", org, module_id=foreign_module.pk), {}),
        ("get", _url("activity_move", org, activity_id=foreign_activity.pk), {}),
    ]
    # programme_create has no id in it: it is the one write that is not about a foreign row.
    requests = [r for r in requests if "/programmes/new/" not in r[1]]
    answers = {
        (method, url): getattr(client, method)(url, data).status_code
        for method, url, data in requests
    }

    assert set(answers.values()) == {404}
    assert (_curriculum_state(org), _curriculum_state(other_org)) == before


def test_other_http_methods_are_405_and_change_nothing(org, other_org, member_client):
    # Regression: a handler named `delete` would let an HTTP DELETE skip the confirmation page,
    # and a move page answering PUT through its GET must not loop.
    client = member_client(org, Role.ADMIN)
    module = ModuleFactory(organisation=org)
    foreign_module = ModuleFactory(organisation=other_org)
    before = _curriculum_state(org)

    assert client.delete(_url("module_delete", org, module_id=module.pk)).status_code == 405
    assert client.put(_url("module_move", org, module_id=module.pk)).status_code == 405
    assert client.put(_url("module_edit", org, module_id=module.pk)).status_code == 405
    assert client.put(_url("module_move", org, module_id=foreign_module.pk)).status_code == 404
    assert _curriculum_state(org) == before
