"""Rules of the code base that a reviewer should not have to remember."""

import ast
from pathlib import Path

from django.apps import apps

from cocora.organisations.models import OrgScopedModel

DOMAIN_APPS = {
    "programmes",
    "partners",
    "ambassadors",
    "evaluation",
    "impact",
    "training",
    "families",
}
ROOT = Path(__file__).resolve().parent.parent
# Concrete models of domain apps that are deliberately not tenant tables, with the reason.
NOT_TENANT_ALLOW_LIST: dict[str, str] = {}


def test_every_domain_model_is_org_scoped() -> None:
    offenders = [
        model._meta.label
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in DOMAIN_APPS
        and not issubclass(model, OrgScopedModel)
        and model._meta.label not in NOT_TENANT_ALLOW_LIST
    ]
    # Auto-created many-to-many tables have no organisation_id: use an explicit through model.
    assert offenders == []


def test_unique_constraints_of_tenant_tables_start_with_the_organisation() -> None:
    for model in apps.get_models():
        if not issubclass(model, OrgScopedModel):
            continue
        for constraint in model._meta.constraints:
            fields = getattr(constraint, "fields", ())
            if fields:
                assert fields[0] == "organisation", (model._meta.label, constraint.name)


def _imports(package: str) -> set[str]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
    return found


def test_dependencies_point_one_way() -> None:
    assert _imports("cocora") & DOMAIN_APPS == set()
    assert "ambassadors" not in _imports("programmes") | _imports("partners")
    assert "partners" not in _imports("programmes") | _imports("ambassadors")
    built_on = _imports("programmes") | _imports("partners") | _imports("ambassadors")
    assert "evaluation" not in built_on
    # impact reads the other apps' records to count outputs and outcomes; none reads impact.
    assert "impact" not in built_on | _imports("evaluation")
    # training reads cohorts and ambassadors; the others meet it only through registries (the
    # cohort pages' panels, the home page).
    assert "training" not in built_on | _imports("evaluation") | _imports("impact")
    # families is built on programmes and the core only; no other app reads it.
    assert _imports("families") & DOMAIN_APPS <= {"programmes", "families"}
    assert "families" not in built_on | _imports("evaluation") | _imports("impact")


def test_make_test_collects_the_tests_of_every_app() -> None:
    """Regression: the questionnaire app's tests lived outside pytest's testpaths, so `make test`
    and CI never ran them."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    testpaths = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["pytest"][
        "ini_options"
    ]["testpaths"]
    with_tests = {
        path.relative_to(root).parts[0]
        for path in root.glob("*/**/tests/__init__.py")
        if ".venv" not in path.parts
    }
    assert sorted(with_tests - set(testpaths)) == []


def test_no_page_shows_when_someone_last_signed_in() -> None:
    """A sign-in's `last_login` write moves no kept part's version
    (cocora/organisations/page_cache.py), which is right only while no page reads it: the
    operators' admin site alone shows it."""
    allowed = {
        ROOT / "cocora" / "accounts" / "admin.py",
        ROOT / "cocora" / "organisations" / "page_cache.py",
    }
    readers = [
        path.relative_to(ROOT)
        for pattern in ("*.py", "*.html", "*.txt")
        for path in ROOT.rglob(pattern)
        if not {".venv", "node_modules", "migrations", "tests", "var", ".git"} & set(path.parts)
        and path not in allowed
        and "last_login" in path.read_text(errors="ignore")
    ]
    assert readers == []
