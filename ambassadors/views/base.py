"""What the ambassadors pages share: who the signed-in ambassador is, and how a service's
refusal becomes a message."""

from django.http import Http404

from cocora.organisations.permissions import can

from ..models import Ambassador
from ..selectors.ambassadors import ambassador_for_user
from ..services.ambassadors import ambassador_link_account


class OwnAmbassadorMixin:
    """The signed-in member's own ambassador record: the only one an ambassador ever sees."""

    def own_ambassador(self) -> Ambassador | None:
        if not hasattr(self, "_own_ambassador"):
            ambassador = None
            if can(self.membership, "ambassador_home.view"):  # type: ignore[attr-defined]
                ambassador = ambassador_for_user(
                    organisation=self.organisation,  # type: ignore[attr-defined]
                    user=self.request.user,  # type: ignore[attr-defined]
                )
            if ambassador is not None and ambassador.user_id is None:
                # First visit after accepting the invitation: from now on only this account
                # acts as this ambassador.
                ambassador = ambassador_link_account(
                    organisation=self.organisation,  # type: ignore[attr-defined]
                    ambassador=ambassador,
                    user=self.request.user,  # type: ignore[attr-defined]
                )
            self._own_ambassador = ambassador
        return self._own_ambassador

    def own_ambassador_or_404(self) -> Ambassador:
        ambassador = self.own_ambassador()
        if ambassador is None:
            raise Http404
        return ambassador
