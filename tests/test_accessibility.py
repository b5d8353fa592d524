"""What a screen reader is told by the sign-in page and by a form that came back with errors."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def _described_by(html: str) -> list[str]:
    return [i for value in re.findall(r'aria-describedby="([^"]+)"', html) for i in value.split()]


@pytest.mark.parametrize(
    "data",
    [None, {"login": "", "password": ""}, {"login": "nobody@example.org", "password": "wrong"}],
    ids=["blank page", "empty fields", "wrong password"],
)
def test_every_aria_describedby_on_the_sign_in_page_names_an_element(client, data):
    # Regression: the password field pointed to "id_password_helptext", which did not exist.
    response = (
        client.get("/accounts/login/") if data is None else client.post("/accounts/login/", data)
    )
    html = response.content.decode()
    referenced = _described_by(html)
    assert referenced, "the password hint should be tied to its field"
    assert set(referenced) <= _ids(html), f"missing: {set(referenced) - _ids(html)}"


def test_a_form_with_errors_opens_with_a_summary_that_links_each_field(client):
    html = client.post("/accounts/login/", {"login": "", "password": ""}).content.decode()
    summary = re.search(r"<div[^>]*data-error-summary[^>]*>(.*?)</div>", html, re.S)
    assert summary, "no error summary above the form"
    assert "autofocus" in summary.group(0) and 'tabindex="-1"' in summary.group(0)
    assert 'href="#id_login"' in summary.group(1)
    assert 'href="#id_password"' in summary.group(1)
    # The script that moves the focus where autofocus is ignored comes from our own files.
    assert re.search(r'<script src="[^"]*js/error-summary[^"]*\.js" defer>', html)


@pytest.mark.translations
def test_the_screen_reader_marker_for_required_fields_is_translated(client):
    # Regression: "(required)" was English in every language.
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert '<span class="visually-hidden">(påkrævet)</span>' in html
    assert "(required)" not in html
