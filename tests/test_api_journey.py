"""The journey of docs/api.md: a script with one token runs a cohort end to end through the API
alone — a programme from the built-in curriculum, a cohort, participants with their consent,
enrolment, a schedule, attendance (twice: idempotent), and the handbook as a PDF."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from cocora.organisations.models import Role
from programmes.handbooks.tasks import handbook_render

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COCORA_PRIVATE_MEDIA_ROOT = tmp_path / "media" / "private"


def test_a_token_runs_a_cohort_end_to_end(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    base = f"/api/v1/o/{org.slug}"

    def call(method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        response = getattr(client, method)(base + path, body, format="json")
        assert response.status_code == expect, (method, path, response.content[:500])
        return response.json()

    today = timezone.localdate()
    programme = call(
        "post", "/programmes/", {"kind": "prevention", "from_builtin": True, "language": "en"}, 201
    )
    assert programme["module_count"] >= 5
    cohort = call(
        "post",
        "/cohorts/",
        {
            "programme": programme["id"],
            "name": "Spring group",
            "starts_on": str(today - timedelta(days=14)),
            "capacity": 12,
        },
        201,
    )
    people = [
        call("post", "/participants/", {"display_name": name, "birth_year": 2004}, 201)
        for name in ("Sami", "Lina", "Noor")
    ]
    for person in people:
        call(
            "post",
            f"/participants/{person['id']}/consents/",
            {"scope": "participation", "given_by": "self", "given_on": str(today)},
            201,
        )
    enrolled = call(
        "post",
        f"/cohorts/{cohort['id']}/enrolments/",
        {"participants": [p["id"] for p in people], "joined_on": cohort["starts_on"]},
        201,
    )
    assert [r["outcome"] for r in enrolled["results"]] == ["enrolled"] * 3

    first = today - timedelta(days=7)
    sessions = call(
        "post",
        f"/cohorts/{cohort['id']}/sessions/generate/",
        {"first_date": str(first), "weekdays": [first.weekday()], "start_time": "16:00",
         "count": 4, "link_modules": True},
        201,
    )  # fmt: skip
    assert len(sessions) == 4 and sessions[0]["module"] is not None
    held = sessions[0]["id"]

    sheet = call("get", f"/sessions/{held}/attendance/")
    marks = [
        {"enrolment": row["enrolment"], "status": status}
        for row, status in zip(sheet["marks"], ["present", "present", "absent"], strict=True)
    ]
    saved = call("put", f"/sessions/{held}/attendance/", {"marks": marks})
    assert sorted(m["status"] for m in saved["marks"]) == ["absent", "present", "present"]
    assert call("put", f"/sessions/{held}/attendance/", {"marks": marks}) == saved
    # A later session cannot be marked yet: a conflict, nothing saved.
    later = call("put", f"/sessions/{sessions[-1]['id']}/attendance/", {"marks": marks}, 409)
    assert later["code"] == "conflict"

    export = call("post", f"/programmes/{programme['id']}/handbooks/", {"language": "en"}, 202)
    assert export["status"] == "queued"
    handbook_render.apply(args=(org.pk, export["id"])).get()  # what a worker does
    done = call("get", f"/handbooks/{export['id']}/")
    assert done["status"] == "done" and done["download_url"]
    pdf = client.get(f"{base}/handbooks/{export['id']}/download/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
