"""The data inventory covers every model and docs/data-inventory.md is current."""

from django.core.management import call_command

from cocora.core.inventory import undescribed


def test_every_model_of_ours_is_described() -> None:
    assert undescribed() == [], "Describe these models in their app's inventory.py"


def test_the_inventory_document_is_current() -> None:
    # Fails with a CommandError telling to run `manage.py data_inventory`.
    call_command("data_inventory", "--check")
