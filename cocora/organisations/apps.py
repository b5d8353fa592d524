from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "cocora.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from . import rls

        # Row-level security is installed after every migrate, for every OrgScopedModel table,
        # so that a new tenant table is protected without anyone remembering to add a policy.
        post_migrate.connect(rls.install_after_migrate, dispatch_uid="cocora-rls")

        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("home_panels")
        # Each app's search_groups.py registers what the one search box finds (see search).
        autodiscover_modules("search_groups")
