import pytest
from django.urls import NoReverseMatch, reverse

from cocora.core.urls_many import address_for_each


def test_the_address_of_each_id_is_what_reverse_gives():
    address = address_for_each("participant_detail", vary="participant_id", org_slug="nordby")

    for pk in (1, 42, 918273):
        assert address(pk) == reverse("participant_detail", args=["nordby", pk])


def test_a_path_without_the_varying_part_is_refused():
    with pytest.raises(NoReverseMatch):
        address_for_each("org_home", vary="participant_id", org_slug="nordby")
