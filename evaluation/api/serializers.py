"""What the evaluation API answers and accepts. Results are aggregates only, every figure
already through small-cell suppression: a suppressed one reads "<5", never a number."""

from typing import Any

from rest_framework import serializers

from cocora.api.serializers import InputSerializer, OrgObjectField
from programmes.models import Cohort, Programme

from ..models import Instrument, Item, Wave, WaveKind


class ItemSerializer(serializers.ModelSerializer):
    # Declared, not derived: the derived bounds differ between database engines.
    position = serializers.IntegerField(read_only=True)
    texts = serializers.DictField(
        child=serializers.CharField(), help_text="The wording per language code."
    )

    class Meta:
        model = Item
        fields = ["id", "key", "position", "kind", "scale", "reverse", "texts"]


class InstrumentSerializer(serializers.ModelSerializer):
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = Instrument
        fields = ["id", "kind", "items"]


class WaveSerializer(serializers.ModelSerializer):
    invited = serializers.IntegerField(read_only=True, help_text="People with a link.")
    answered = serializers.IntegerField(read_only=True, help_text="Links used.")
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Wave
        fields = [
            "id",
            "cohort",
            "instrument",
            "kind",
            "opened_at",
            "closed_at",
            "is_open",
            "invited",
            "answered",
        ]


class WaveOpenInput(InputSerializer):
    cohort = OrgObjectField(Cohort)
    kind = serializers.ChoiceField(choices=WaveKind.choices)


class ResultsQuery(InputSerializer):
    cohort = OrgObjectField(Cohort, required=False)
    programme = OrgObjectField(Programme, required=False)
    start = serializers.DateField(
        required=False, help_text="Cohorts whose end round opened on or after this day."
    )
    end = serializers.DateField(required=False, help_text="... and on or before this day.")


FIGURES = (
    "n_paired",
    "mean_pre",
    "mean_post",
    "mean_change",
    "sd_change",
    "effect_size",
    "n_unpaired_pre",
    "n_unpaired_post",
)


class FiguresSerializer(serializers.Serializer):
    """Each figure as text: digits, "<N" when suppressed (N the threshold), "" when there is
    nothing to show (e.g. an effect size without variation)."""

    n_paired = serializers.CharField()
    mean_pre = serializers.CharField()
    mean_post = serializers.CharField()
    mean_change = serializers.CharField()
    sd_change = serializers.CharField()
    effect_size = serializers.CharField(help_text="d_z: mean change / SD of the changes.")
    n_unpaired_pre = serializers.CharField(help_text="People with a baseline answer only.")
    n_unpaired_post = serializers.CharField(help_text="People with an end answer only.")

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = {name: getattr(instance, name).export for name in FIGURES}
        data.update(self.identity(instance))
        return data

    def identity(self, instance: Any) -> dict[str, Any]:
        return {}


class ItemChangeSerializer(FiguresSerializer):
    key = serializers.CharField()
    label = serializers.CharField()
    reverse = serializers.BooleanField()

    def identity(self, instance: Any) -> dict[str, Any]:
        return {"key": instance.key, "label": instance.label, "reverse": instance.reverse}


class ScaleChangeSerializer(FiguresSerializer):
    key = serializers.CharField()
    label = serializers.CharField()
    items = ItemChangeSerializer(many=True)

    def identity(self, instance: Any) -> dict[str, Any]:
        return {
            "key": instance.key,
            "label": instance.label,
            "items": [ItemChangeSerializer(item).data for item in instance.items],
        }


class ResultsSerializer(serializers.Serializer):
    threshold = serializers.IntegerField(help_text="The organisation's small-cell threshold.")
    scales = ScaleChangeSerializer(many=True)
