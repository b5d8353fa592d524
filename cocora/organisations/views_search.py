"""The results page of the one search box in the header."""

from typing import Any

from django.utils.translation import gettext as _

from cocora.core.paging import page_of

from .search import clean_query, groups_for, search_hits, search_matches, search_run
from .views_base import OrgTemplateView


class SearchView(OrgTemplateView):
    """Participants (by name or code), cohorts, partners and ambassadors matching the query,
    each group only for roles that may see it, the first few of each with a link to all of
    them (`?in=<group>`, a paged list of that group). Works with a plain GET form."""

    permission = "search.use"
    template_name = "organisations/search.html"
    page_size = 25

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        raw = self.request.GET.get("q", "")
        query = clean_query(raw)
        available = {g.key: g for g in groups_for(self.membership)}
        group = available.get(self.request.GET.get("in", ""))
        context.update(
            search_query=raw.strip()[:100],
            query=query,
            too_short=bool(raw.strip()) and not query,
            group=group,
            groups=list(available.values()),
        )
        if not query:
            return context
        if group is not None:
            paged = page_of(
                self.request,
                search_matches(
                    organisation=self.organisation,
                    membership=self.membership,
                    group=group,
                    query=query,
                ),
                per_page=self.page_size,
            )
            paged.page.object_list = search_hits(
                organisation=self.organisation,
                membership=self.membership,
                group=group,
                objects=paged.items,
                actor=self.request.user,
            )
            context["paged"] = paged
        else:
            results = search_run(
                organisation=self.organisation,
                membership=self.membership,
                query=query,
                actor=self.request.user,
            )
            context["results"] = results
            context["found_nothing"] = not any(r.hits for r in results)
        context["title"] = _("Search")
        return context
