from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "cocora.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from celery.signals import task_prerun
        from django.core.signals import request_started
        from django.db.backends.signals import connection_created

        from . import page_cache, rls

        # Every connection watches its writes, so that kept parts of pages follow the data.
        connection_created.connect(page_cache.watch_writes, dispatch_uid="cocora-watch-writes")
        request_started.connect(
            page_cache.forget_working_organisation, dispatch_uid="cocora-forget-organisation"
        )
        task_prerun.connect(
            page_cache.forget_working_organisation, dispatch_uid="cocora-forget-organisation-task"
        )

        # Row-level security is installed after every migrate, for every OrgScopedModel table,
        # so that a new tenant table is protected without anyone remembering to add a policy.
        post_migrate.connect(rls.install_after_migrate, dispatch_uid="cocora-rls")

        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("home_panels")
        # Each app's search_groups.py registers what the one search box finds (see search).
        autodiscover_modules("search_groups")
