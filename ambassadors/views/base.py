"""What the ambassadors pages share: who the signed-in ambassador is, and how a service's
refusal becomes a message."""

from django.http import Http404

from ..models import Ambassador
from ..services.own import ambassador_for_member


class OwnAmbassadorMixin:
    """The signed-in member's own ambassador record: the only one an ambassador ever sees."""

    def own_ambassador(self) -> Ambassador | None:
        if not hasattr(self, "_own_ambassador"):
            self._own_ambassador = ambassador_for_member(
                organisation=self.organisation,  # type: ignore[attr-defined]
                membership=self.membership,  # type: ignore[attr-defined]
                user=self.request.user,  # type: ignore[attr-defined]
            )
        return self._own_ambassador

    def own_ambassador_or_404(self) -> Ambassador:
        ambassador = self.own_ambassador()
        if ambassador is None:
            raise Http404
        return ambassador
