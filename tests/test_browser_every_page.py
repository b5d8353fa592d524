"""Every page each demo role can reach, on a 360 px phone: nothing scrolls sideways and axe-core
finds nothing serious or critical.

The pages are found by following links from the role's home, so a page added later is checked
without anyone remembering to list it.
"""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import Resolver404, resolve

from tests.browser import PHONE, chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORG = "nordby"
ROLES = ["admin", "coordinator", "trainer", "ambassador", "partner"]
# Links that end the session, answer with a file or only differ by filters: following them would
# sign the crawler out or download instead of render.
SKIP = re.compile(r"logout|download|export|/file|\.pdf$|\.csv$|\.xlsx$|\.ics$|/feed|/calendar\.ics")
# One page per URL pattern is enough to see its layout (fifty participants share one template);
# the bound keeps the run to a few minutes on two cores.
PAGES_PER_PATTERN = 1
MAX_PAGES_PER_ROLE = 80
BLOCKING_IMPACTS = {"serious", "critical"}

OVERFLOW_JS = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  // Name the widest elements that stick out, so that the failure says what to mend.
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > root.clientWidth + 1 && out.length < 3) {
      const classes = typeof el.className === 'string' ? el.className.trim() : '';
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                   (classes ? '.' + classes.split(/\\s+/).join('.') : '');
      out.push(name + ' (' + Math.round(r.right) + ' px)');
    }
  }
  return {width: root.scrollWidth, culprits: out};
}"""


def _pattern(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        url = urljoin(page.url, href)
        parts = urlsplit(url)
        # Same origin, inside the organisation, GET pages only (links are GETs); no fragments
        # or filter variations.
        if f"{parts.scheme}://{parts.netloc}" != base:
            continue
        if not parts.path.startswith(f"/o/{ORG}/") or SKIP.search(parts.path):
            continue
        found.append(parts.path)
    return found


def _check(page, axe: Axe, label: str, problems: list[str]) -> None:
    overflow = page.evaluate(OVERFLOW_JS)
    if overflow:
        problems.append(
            f"{label}: scrolls sideways at 360 px ({overflow['width']} px wide; "
            f"sticking out: {', '.join(overflow['culprits'])})"
        )
    results = axe.run(page)
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        problems.append(
            f"{label}: axe {violation['impact']} {violation['id']}: {violation['help']} [{targets}]"
        )


def _crawl(context, base: str, role: str, axe: Axe, problems: list[str]) -> list[str]:
    page = context.new_page()
    sign_in(page, base, f"{role}@{ORG}.example", organisation=ORG)
    seen_paths: set[str] = set()
    per_pattern: dict[str, int] = {}
    queue = deque([f"/o/{ORG}/"])
    visited: list[str] = []
    while queue and len(visited) < MAX_PAGES_PER_ROLE:
        path = queue.popleft()
        if path in seen_paths:
            continue
        seen_paths.add(path)
        pattern = _pattern(path)
        if pattern is None or per_pattern.get(pattern, 0) >= PAGES_PER_PATTERN:
            continue
        per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
        response = page.goto(base + path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        label = f"{role} {path}"
        if response.status >= 400:
            problems.append(f"{label}: answered {response.status} to a link on its own pages")
            continue
        visited.append(path)
        _check(page, axe, label, problems)
        queue.extend(p for p in _links(page, base) if p not in seen_paths)
    page.close()
    return visited


def test_every_page_of_every_role_fits_a_phone_and_passes_axe(live_server, demo):
    base = live_server.url
    axe = Axe()
    problems: list[str] = []
    with chromium() as browser:
        anonymous = browser.new_context(viewport=PHONE)
        page = anonymous.new_page()
        page.goto(f"{base}/accounts/login/")
        _check(page, axe, "anonymous /accounts/login/", problems)
        # The sweep proves something only if axe-core runs under our Content-Security-Policy:
        # a picture without a text alternative, added on purpose, must be found.
        page.evaluate("document.querySelector('main').append(document.createElement('img'))")
        assert "image-alt" in [v["id"] for v in axe.run(page).response["violations"]]
        anonymous.close()

        for role in ROLES:
            context = browser.new_context(viewport=PHONE)
            visited = _crawl(context, base, role, axe, problems)
            context.close()
            # The crawl must have found the role's pages, or it proves nothing.
            assert len(visited) >= 3, f"{role} reached only {visited}"

    assert not problems, "\n".join(["Pages that fail on a phone or in axe-core:", *problems])
