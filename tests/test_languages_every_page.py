"""Every page each demo role can reach, in every language of the platform: nothing is left in
English on a Danish, German, French or Italian page, and <html lang> says the page's language.

The pages are found by following links from the role's home (and from the sign-in page for a
visitor), so a page added later is checked without anyone remembering to list it. Each form
found is also sent once with nothing typed in (and undone), so that its error messages and the
notices after it are read too.

A text is "left in English" when it reads the same on the English rendering of the same page (or
is an English text of the catalogue) and is not data: not a name, code, number, date, e-mail or
other text stored in the demo organisation, not what the catalogue gives in that language
(German keeps "Status"), and not one of the few loanwords below. Text inside an element marked
`translate="no"` or with a `lang` of its own (the language menu's names, a curriculum written in
another language) is that element's business, as for a browser's translator.
"""

import ast
import functools
import re
import zoneinfo
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.shortcuts import render
from django.test import Client, RequestFactory
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import trans_real
from django.views import defaults

from cocora.accounts.models import User
from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation, Role
from cocora.organisations.services import invitation_create, invitation_token
from cocora.organisations.tests.factories import MembershipFactory, OrganisationFactory
from programmes.markdown import render_markdown

pytestmark = [pytest.mark.translations, pytest.mark.django_db(transaction=True)]

ORG = "nordby"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
# Links that end the session, answer with a file or belong to no page of the organisation's own:
# following them would sign the crawler out, download instead of render, or leave for the API's
# and the admin site's own (English-only) documentation.
SKIP = re.compile(
    r"logout|download|export|/file|\.pdf$|\.csv$|\.xlsx$|\.ics$|/feed|/calendar\.ics"
    r"|^/api/|^/admin/|^/static/|^/media/|^/i18n/"
)
# One page per URL pattern is enough: fifty participants share one template.
PAGES_PER_PATTERN = 1
POST = "POST "
MAX_PAGES_PER_ROLE = 150
# What a visitor reaches without a link from a page: sign-in, the steps of a password reset, the
# 404, a broken link from an email. A valid invitation is added by the test.
PUBLIC_PAGES = [
    "/accounts/login/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/1-broken/",
    "/accounts/password/reset/key/done/",
    "/accounts/signup/",
    "/invitations/broken/",
    "/unsubscribe/broken/",
    "/no-such-page/",
]
# Words that stay as they are in every language on purpose, outside any catalogue entry. Keep
# this short: anything else is a text to translate or data to recognise. Loanwords inside a
# translated text ("PDF", "API", "OK") need no place here: the translator kept them, and the
# catalogue says so.
LOANWORDS = {
    "Cocora",  # the product's name, after every page title
}
VISIBLE_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder", "hx-confirm")
BUTTON_INPUTS = {"submit", "button", "reset"}
# Not prose: scripts, and computer code such as the column names an import file must use.
HIDDEN_ELEMENTS = {"script", "style", "template", "code", "kbd", "samp"}
VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# Data the pages show besides the stored text: e-mail addresses, web addresses, numbers, dates
# and times written with digits, codes such as P-0042.
ADDRESSES = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+")
NOT_WORDS = re.compile(r"(?<!\w)/\S*|\b[A-Z]{1,4}-?\d[\w-]*\b|\d+(?:[.,:/-]\d+)*")
WORD = re.compile(r"[^\W\d_]{2,}")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
SEPARATORS = " :.,;·()!?…–—\"'«»„“”"
DATA = "\x00"
QUOTED_WORDS = 4
MARKDOWN = re.compile(r"[*_#`>\[]|^\s*(?:[-+]|\d+\.)\s", re.MULTILINE)


@dataclass
class RenderedPage:
    """What a reader sees of one page: its language and its texts."""

    html_lang: str | None = None
    texts: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    # Its POST forms: where each sends, and what it sends untouched (hidden fields, the chosen
    # options, ticked boxes).
    forms: list[tuple[str, dict[str, str]]] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.page = RenderedPage()
        # (tag, skipped): whether the element's text is outside the check.
        self.stack: list[tuple[str, bool]] = []
        self.form: dict[str, str] | None = None
        self.select = ""

    def _skipped(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def _add(self, text: str | None) -> None:
        text = " ".join((text or "").split())
        if text and not self._skipped():
            self.page.texts.add(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.page.html_lang = attributes.get("lang")
        own_language = attributes.get("lang") if tag != "html" else None
        skipped = (
            self._skipped()
            or tag in HIDDEN_ELEMENTS
            or attributes.get("translate") == "no"
            or bool(own_language and own_language.split("-")[0] != self.language)
        )
        if tag == "a" and attributes.get("href"):
            self.page.links.append(attributes["href"] or "")
        self._read_form(tag, attributes)
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, skipped))
        if skipped:
            return
        for name in VISIBLE_ATTRIBUTES:
            self._add(attributes.get(name))
        if tag == "input" and (attributes.get("type") or "") in BUTTON_INPUTS:
            self._add(attributes.get("value"))

    def _read_form(self, tag: str, attributes: dict[str, str | None]) -> None:
        if tag == "form":
            post = (attributes.get("method") or "").lower() == "post"
            self.form = {} if post else None
            if post:
                self.page.forms.append((attributes.get("action") or "", self.form))
        if self.form is None or not attributes.get("name"):
            if tag == "option" and self.form is not None and "selected" in attributes:
                self.form[self.select] = attributes.get("value") or ""
            return
        name = attributes["name"] or ""
        kind = attributes.get("type") or ""
        if tag == "select":
            self.select = name
        elif tag == "input" and (
            kind == "hidden" or (kind in {"checkbox", "radio"} and "checked" in attributes)
        ):
            self.form[name] = attributes.get("value") or "on"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._add(data)


def read_page(html: str, language: str) -> RenderedPage:
    reader = _Reader(language)
    reader.feed(html)
    reader.close()
    return reader.page


class Data:
    """The texts stored in the organisation (and its people's names and addresses): what a page
    shows as it was entered, in whatever language it was entered. Choice fields are left out,
    since their stored values are codes whose labels the pages must translate."""

    def __init__(self, values: Iterable[str]) -> None:
        values = {" ".join(v.split()) for v in values}
        values = {v for v in values if WORD.search(v)}
        self.corpus = "\n".join(sorted(values))
        short = sorted((v for v in values if len(v) <= 120), key=len, reverse=True)
        self.pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, short)) + r")(?!\w)")
            if short
            else None
        )

    @classmethod
    def of(cls, organisation: Organisation) -> "Data":
        values: list[str] = []
        with org_context(organisation.pk):
            for model in apps.get_models():
                if model._meta.app_label in {"contenttypes", "auth", "sessions", "admin"}:
                    continue
                text_fields = [
                    f.attname
                    for f in model._meta.concrete_fields
                    if isinstance(f, models.CharField | models.TextField | models.JSONField)
                    and not f.choices
                ]
                if not text_fields:
                    continue
                rows = model._default_manager.all()
                if any(f.name == "organisation" for f in model._meta.concrete_fields):
                    rows = rows.filter(organisation=organisation)
                for row in rows.only(*text_fields):
                    for name in text_fields:
                        values.extend(_strings(getattr(row, name)))
        # Stored Markdown (a curriculum's content, a task's instructions) reaches the page as the
        # text pieces of its rendering: "**Consent:** ask first" shows "Consent:" on its own.
        values += [
            piece
            for value in values
            if MARKDOWN.search(value)
            for piece in read_page(render_markdown(value), "").texts
        ]
        values.append(organisation.name)
        # Time zones are chosen by their IANA identifiers, which are codes, not English.
        values.extend(zoneinfo.available_timezones())
        return cls(values)

    @functools.cache  # noqa: B019 - one Data per test; pages repeat texts
    def quotes(self, text: str) -> bool:
        """Whether the text is a passage of a longer stored text (a paragraph of a curriculum
        rendered from Markdown, say). Only passages of a few words count: a short text found
        inside a stored one ("Edit" in "Edit the agreement together") proves nothing."""
        if len(WORD.findall(text)) < QUOTED_WORDS:
            return False
        return re.search(r"(?<!\w)" + re.escape(text) + r"(?!\w)", self.corpus) is not None

    @functools.cache  # noqa: B019 - one Data per test; pages repeat texts
    def mark(self, text: str) -> str:
        """The text with its data (stored texts, addresses, numbers, codes) replaced by DATA."""
        # Addresses first: a stored word ("nordby") inside one would hide the address.
        text = ADDRESSES.sub(DATA, text)
        if self.pattern is not None:
            text = self.pattern.sub(DATA, text)
        return NOT_WORDS.sub(DATA, text)


def _words(text: str) -> list[str]:
    return [word for word in WORD.findall(text) if word not in LOANWORDS]


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


@functools.cache
def _translations(language: str) -> re.Pattern[str]:
    """Every text the catalogues of `language` (ours, Django's, allauth's) can produce, as one
    pattern: a placeholder stands for anything, markup splits an entry into its text pieces. A
    text that reads as in English but matches is a translation that happens to be the same word
    ("Status" in German, "minutes" in French, "Nov" in Danish), decided by a translator."""
    catalogue = trans_real.translation(language)._catalog
    pieces = set()
    for key, msgstr in catalogue.items():
        if key == "":
            continue  # the catalogue's header
        for chunk in re.split(r"<[^>]*>", msgstr):
            chunk = " ".join(chunk.split()).strip(SEPARATORS)
            if WORD.search(PLACEHOLDER.sub("", chunk)):
                pieces.add(".+?".join(re.escape(part) for part in PLACEHOLDER.split(chunk)))
    return re.compile("|".join(sorted(pieces)), re.IGNORECASE)


@functools.cache  # the same texts (names, menus) come back on every page
def left_in_english(text: str, language: str, data: Data) -> bool:
    """Whether a text that reads as on the English page is English the page should not show."""
    if data.quotes(text):
        return False
    marked = data.mark(text)
    translated = _translations(language)

    def explained(piece: str) -> bool:
        piece = piece.strip(SEPARATORS)
        return not _words(piece) or bool(translated.fullmatch(piece))

    # Whole, then in the pieces that separators and data cut it into ("Name: Hassan Jama",
    # "Programmes · Cocora", "13 Nov").
    if explained(marked):
        return False
    return not all(
        explained(piece) or all(explained(part) for part in piece.split(DATA))
        for piece in re.split(r"\s[·|–—]\s|:\s", marked)
    )


def english_texts_left(
    page: RenderedPage, english: RenderedPage, language: str, data: Data
) -> list[str]:
    """The texts of a page in `language` that read as on its English rendering, or as an
    English text of the catalogue, and are not data nor a translation that reads the same."""
    catalogue = trans_real.translation(language)._catalog
    left = []
    for text in sorted(page.texts):
        translated_elsewhere = catalogue.get(text, text) != text
        if text not in english.texts and not translated_elsewhere:
            continue
        if left_in_english(text, language, data):
            left.append(text)
    return left


def _route(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route


def _internal_links(page: RenderedPage, current: str) -> Iterator[str]:
    for href in page.links:
        parts = urlsplit(urljoin(f"http://testserver{current}", href))
        if parts.netloc != "testserver" or SKIP.search(parts.path):
            continue
        # Another organisation's pages are that organisation's business (and a 404 here).
        if parts.path.startswith("/o/") and not parts.path.startswith(f"/o/{ORG}/"):
            continue
        yield parts.path


@dataclass
class Crawl:
    """The pages a reader reaches from their start pages, one per URL pattern."""

    client: Client
    language: str
    pages: dict[str, RenderedPage] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    untouched: dict[str, dict[str, str]] = field(default_factory=dict)
    # Form patterns already sent in this language, by any role: an admin's and a coordinator's
    # cohort forms are the same form.
    submitted: set[str] = field(default_factory=set)

    def fetch(self, path: str) -> RenderedPage | None:
        if path.startswith(POST):
            return self.submit_empty(path.removeprefix(POST))
        response = self.client.get(path, follow=True)
        if "text/html" not in response.get("Content-Type", ""):
            return None
        if response.status_code >= 400 and not path.startswith(tuple(PUBLIC_PAGES)):
            self.problems.append(f"{path} answered {response.status_code} to a link on its pages")
            return None
        return read_page(response.content.decode(), self.language)

    def submit_empty(self, path: str) -> RenderedPage | None:
        """Sends a form with nothing typed in, as a hasty person would, and reads the answer
        (the form again with its errors, or the page it leads to), then undoes whatever it
        changed so that the crawl goes on with the same data."""
        with transaction.atomic():
            response = self.client.post(path, self.untouched.get(path, {}), follow=True)
            transaction.set_rollback(True)
        if "text/html" not in response.get("Content-Type", ""):
            return None
        if response.status_code >= 500:
            self.problems.append(f"{path} answered {response.status_code} to an empty form")
            return None
        return read_page(response.content.decode(), self.language)

    def run(self, start: Iterable[str]) -> "Crawl":
        queue = deque(start)
        forms: list[tuple[str, dict[str, str]]] = []
        seen: set[str] = set()
        per_route: dict[str, int] = defaultdict(int)
        while queue and len(self.pages) < MAX_PAGES_PER_ROLE:
            path = queue.popleft()
            if path in seen:
                continue
            seen.add(path)
            route = _route(path) or path
            if per_route[route] >= PAGES_PER_PATTERN:
                continue
            per_route[route] += 1
            page = self.fetch(path)
            if page is None:
                continue
            self.pages[path] = page
            queue.extend(p for p in _internal_links(page, path) if p not in seen)
            forms.extend(
                (target, fields)
                for action, fields in page.forms
                for target in _internal_links(RenderedPage(links=[action]), path)
            )
        # One empty submission per form's URL pattern, after the pages: the form pages of
        # every role are known by then.
        for path, fields in forms:
            route = _route(path) or path
            if route not in self.submitted:
                self.submitted.add(route)
                self.untouched[path] = fields
                page = self.fetch(POST + path)
                if page is not None:
                    self.pages[POST + path] = page
        return self


PARTICIPANT_PAGE = re.compile(r"/evaluation/rounds/\d+/device/\d+/$")


def _set_language(user: User | None, client: Client, language: str) -> None:
    if user is None:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    else:
        User.objects.filter(pk=user.pk).update(language=language)


def _sweep(
    user: User | None,
    start: list[str],
    data: Data,
    findings: dict[tuple[str, str], set[str]],
    submitted: dict[str, set[str]],
) -> list[str]:
    """Crawls as `user` (a visitor when None) in English, then in every other language; records
    every English text left on a page in `findings` and returns the English crawl's pages."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    who = user.email.split("@")[0] if user is not None else "visitor"
    _set_language(user, client, "en")
    english = Crawl(client, "en", submitted=submitted["en"]).run(start)
    problems = list(english.problems)
    for language in LANGUAGES:
        _set_language(user, client, language)
        crawl = Crawl(client, language, submitted=submitted[language]).run(start)
        problems += crawl.problems
        missing = [path for path in crawl.pages if path not in english.pages]
        if missing:
            _set_language(user, client, "en")
            for path in missing:
                english.pages[path] = english.fetch(path) or RenderedPage()
            _set_language(user, client, language)
        for path, page in crawl.pages.items():
            if PARTICIPANT_PAGE.search(path):
                # The questionnaire on the trainer's phone speaks the young person's language,
                # not the trainer's: it is for the young person to read.
                continue
            if page.html_lang != language:
                problems.append(f"{who} {language} {path}: <html lang={page.html_lang!r}>")
            for text in english_texts_left(page, english.pages[path], language, data):
                findings[(language, text)].add(f"{who} {path}")
    assert not problems, "\n".join(problems)
    return list(english.pages)


def test_every_page_of_every_role_speaks_the_readers_language(demo):
    organisation = Organisation.objects.get(slug=ORG)
    with org_context(organisation.pk):
        invitation = invitation_create(
            organisation=organisation, email="new@nordby.example", role="trainer", invited_by=None
        )
    data = Data.of(organisation)
    findings: dict[tuple[str, str], set[str]] = defaultdict(set)

    submitted: dict[str, set[str]] = defaultdict(set)
    visited = _sweep(
        None,
        [*PUBLIC_PAGES, f"/invitations/{invitation_token(invitation)}/"],
        data,
        findings,
        submitted,
    )
    assert "/accounts/login/" in visited
    for role in Role.values:
        user = User.objects.get(email=f"{role}@{ORG}.example")
        visited = _sweep(user, [f"/o/{ORG}/"], data, findings, submitted)
        # The crawl must have found the role's pages, or it proves nothing.
        assert len(visited) >= 3, f"{role} reached only {visited}"

    report = [
        f"{language}: {text!r} on {', '.join(sorted(where)[:3])}"
        + (f" and {len(where) - 3} more" if len(where) > 3 else "")
        for (language, text), where in sorted(findings.items())
    ]
    assert not report, "\n".join(["Texts left in English:", *report])


# The checker itself: it must see an unmarked text, a missing catalogue entry and a wrong lang.


@pytest.fixture
def danish_member(db):  # type: ignore[no-untyped-def]
    membership = MembershipFactory(organisation=OrganisationFactory(language="da"))
    User.objects.filter(pk=membership.user.pk).update(language="da")
    client = Client(raise_request_exception=False)
    client.force_login(membership.user)
    return client, f"/o/{membership.organisation.slug}/", membership.organisation


def _english_of(client: Client, path: str) -> str:
    user_pk = int(client.session["_auth_user_id"])
    User.objects.filter(pk=user_pk).update(language="en")
    html = client.get(path).content.decode()
    User.objects.filter(pk=user_pk).update(language="da")
    return html


def test_the_checker_finds_an_unmarked_text_and_attribute(danish_member):
    client, path, organisation = danish_member
    html = client.get(path).content.decode()
    english_html = _english_of(client, path)
    data = Data.of(organisation)
    assert (
        english_texts_left(read_page(html, "da"), read_page(english_html, "en"), "da", data) == []
    )

    planted = '<p>Nothing to see here</p><button aria-label="Close the panel">×</button>'
    page = read_page(html.replace("</main>", planted + "</main>"), "da")
    english = read_page(english_html.replace("</main>", planted + "</main>"), "en")
    assert english_texts_left(page, english, "da", data) == [
        "Close the panel",
        "Nothing to see here",
    ]
    # Inside a longer stored text, a few words prove nothing.
    assert english_texts_left(
        page, english, "da", Data(["Closed for the summer", "Nothing to see here today"])
    ) == ["Close the panel"]
    # The same words entered as data (a cohort's name, say) are the organisation's own.
    assert english_texts_left(
        page, english, "da", Data(["Nothing to see here", organisation.name])
    ) == ["Close the panel"]
    # Marked as not to be translated, or as written in English, they are left alone.
    marked = '<p translate="no">Nothing to see here</p><p lang="en">Close the panel</p>'
    page = read_page(html.replace("</main>", marked + "</main>"), "da")
    assert english_texts_left(page, english, "da", data) == []


@contextmanager
def _catalogue_without(language: str, msgid: str) -> Iterator[None]:
    catalogue = trans_real.translation(language)._catalog
    removed = [(cat, cat.pop(msgid)) for cat in catalogue._catalogs if msgid in cat]
    try:
        yield
    finally:
        for cat, msgstr in removed:
            cat[msgid] = msgstr


def test_the_checker_finds_a_missing_catalogue_entry_and_a_wrong_page_language(danish_member):
    client, path, organisation = danish_member
    english = read_page(_english_of(client, path), "en")
    data = Data.of(organisation)

    with _catalogue_without("da", "Change language"):
        page = read_page(client.get(path).content.decode(), "da")
    assert "Change language" in english_texts_left(page, english, "da", data)

    assert read_page(client.get(path).content.decode(), "da").html_lang == "da"
    assert read_page('<html lang="en"><body></body></html>', "da").html_lang == "en"


# Messages that reach a person without a page showing them on a plain visit (a refused write, a
# form error, a notice after a redirect) are not seen by the crawl above; this reads the code.
ERRORS = {"ApplicationError", "ValidationError"}
NOTICES = {"success", "info", "warning", "error"}
APPS = ["cocora", "programmes", "partners", "ambassadors"]


def _message_argument(call: ast.Call) -> ast.expr | None:
    func = call.func
    if isinstance(func, ast.Name) and func.id in ERRORS and call.args:
        return call.args[0]
    # messages.success(request, text): the text comes second.
    if (
        isinstance(func, ast.Attribute)
        and func.attr in NOTICES
        and isinstance(func.value, ast.Name)
        and func.value.id == "messages"
        and len(call.args) > 1
    ):
        return call.args[1]
    return None


def _english_literals(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        text = _message_argument(node) if isinstance(node, ast.Call) else None
        if isinstance(text, ast.JoinedStr) or (
            isinstance(text, ast.Constant)
            and isinstance(text.value, str)
            and WORD.search(text.value)
        ):
            yield f"{path}:{node.lineno}: {ast.unparse(text)[:70]}"


def test_messages_for_people_go_through_the_catalogue():
    """Regression: creating an account for an address that has one already answered in English."""
    base = Path(settings.BASE_DIR)
    found = [
        literal
        for app in APPS
        for path in sorted((base / app).rglob("*.py"))
        if "tests" not in path.parts and "migrations" not in path.parts
        for literal in _english_literals(path.relative_to(base))
    ]
    assert not found, "\n".join(
        ["Messages for people that are not marked for translation:", *found]
    )


def _error_pages(language: str) -> dict[str, RenderedPage]:
    """The error pages as a visitor in `language` gets them (the crawl reaches only the 404)."""
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    with translation.override(language):
        request.LANGUAGE_CODE = language
        responses = {
            "403": defaults.permission_denied(request, PermissionDenied()),
            "413": render(request, "413.html", {"message": ""}, status=413),
            "500": defaults.server_error(request),
        }
        return {name: read_page(r.content.decode(), language) for name, r in responses.items()}


def test_the_error_pages_speak_the_readers_language(db):
    """Regression: the page for an error on our side said lang="en" whatever its language."""
    english = _error_pages("en")
    data = Data([])
    problems = []
    for language in LANGUAGES:
        for name, page in _error_pages(language).items():
            if page.html_lang != language:
                problems.append(f"{language} {name}: <html lang={page.html_lang!r}>")
            problems += [
                f"{language} {name}: {text!r}"
                for text in english_texts_left(page, english[name], language, data)
            ]
    assert not problems, "\n".join(problems)
