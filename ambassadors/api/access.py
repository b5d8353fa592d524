"""What the ambassadors API views share: a resource that coordinators read whole and an
ambassador reads only their own rows of, as the task page does."""

from typing import Any, ClassVar

from django.db.models import QuerySet
from rest_framework import exceptions, serializers

from cocora.api.base import OrgViewSet
from cocora.organisations.permissions import can

from ..models import Ambassador
from ..services.own import ambassador_for_member

STAFF_VIEW = "ambassadors.view"
OWN_VIEW = "ambassador_home.view"


class AmbassadorsViewSet(OrgViewSet):
    """Reads the input of a write, and answers with the object as the caller's listing shows
    it (re-read through org_queryset, so an answer never carries more than a GET would)."""

    def answer(self, obj: Any) -> Any:
        return self.get_serializer(self.get_queryset().get(pk=obj.pk)).data


class StaffOrOwnViewSet(AmbassadorsViewSet):
    """Lists and single objects serve two readers: coordinators and admins (ambassadors.view)
    every row of the organisation in the staff shape, and an ambassador (ambassador_home.view)
    only their own rows in the own shape. Anyone else is refused by the role map; a row that
    is not the ambassador's own is a 404, like an id that does not exist."""

    shared_actions: ClassVar[frozenset[str]] = frozenset({"list", "retrieve"})
    staff_serializer_class: ClassVar[type[serializers.Serializer]]
    own_serializer_class: ClassVar[type[serializers.Serializer]]

    def required_permission(self) -> str | None:
        action = getattr(self, "action", None)
        # A method the path does not offer (action None) needs only reading: a 404 or a 405.
        if action is None or action in self.shared_actions:
            return STAFF_VIEW if can(self.membership, STAFF_VIEW) else OWN_VIEW
        return super().required_permission()

    @property
    def as_staff(self) -> bool:
        return can(getattr(self, "membership", None), STAFF_VIEW)

    def own_ambassador(self) -> Ambassador | None:
        if not hasattr(self, "_own_ambassador"):
            self._own_ambassador = ambassador_for_member(
                organisation=self.organisation,
                membership=self.membership,
                user=self.request.user,
                # Reads change nothing: the account is linked on the first write (or page).
                link=self.request.method not in ("GET", "HEAD", "OPTIONS"),
            )
        return self._own_ambassador

    def own_ambassador_or_404(self) -> Ambassador:
        ambassador = self.own_ambassador()
        if ambassador is None:
            raise exceptions.NotFound()
        return ambassador

    def get_serializer_class(self) -> Any:
        if getattr(self, "swagger_fake_view", False) or self.as_staff:
            return self.staff_serializer_class
        return self.own_serializer_class

    def org_queryset(self) -> QuerySet[Any]:
        if self.as_staff:
            return self.staff_queryset()
        ambassador = self.own_ambassador()
        if ambassador is None:
            # An ambassador-role member whose record is not set up yet: nothing to see.
            model = self.own_serializer_class.Meta.model  # type: ignore[attr-defined]
            return model._default_manager.none()  # type: ignore[no-any-return]
        return self.own_queryset(ambassador)

    def staff_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def own_queryset(self, ambassador: Ambassador) -> QuerySet[Any]:
        raise NotImplementedError
