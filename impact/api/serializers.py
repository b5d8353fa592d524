"""What the impact API answers and takes."""

from typing import Any

from rest_framework import serializers

from cocora.api.serializers import InputSerializer, OrgObjectField, PlausibleDateField
from programmes.models import Programme

from ..documents import cell_json
from ..metrics import metric_choices
from ..models import Direction, FunderReport, Indicator, IndicatorKind, Objective


class ObjectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objective
        fields = ["id", "programme", "title", "description", "created_at"]
        read_only_fields = fields


class ObjectiveInput(InputSerializer):
    programme = OrgObjectField(Programme, help_text="Only when creating.")
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)


class ObjectiveChangeInput(InputSerializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)


class IndicatorSerializer(serializers.ModelSerializer):
    """An indicator and where it stands today: `value` is hidden below the organisation's
    small-cell threshold; `state` is on_track, behind or unknown (hidden, no data, not
    started)."""

    value = serializers.SerializerMethodField()
    n = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "id",
            "objective",
            "kind",
            "metric",
            "scale",
            "baseline",
            "target",
            "direction",
            "period_start",
            "period_end",
            "value",
            "n",
            "state",
        ]
        read_only_fields = fields

    def _progress(self, indicator: Indicator) -> Any:
        return self.context.get("progress", {}).get(indicator.pk)

    def get_value(self, indicator: Indicator) -> dict[str, Any] | None:
        progress = self._progress(indicator)
        return cell_json(progress.value) if progress else None

    def get_n(self, indicator: Indicator) -> dict[str, Any] | None:
        progress = self._progress(indicator)
        return cell_json(progress.n) if progress else None

    def get_state(self, indicator: Indicator) -> str:
        progress = self._progress(indicator)
        return progress.status if progress else "unknown"


class IndicatorInput(InputSerializer):
    objective = OrgObjectField(Objective, help_text="Only when creating.")
    kind = serializers.ChoiceField(choices=IndicatorKind.choices)
    metric = serializers.ChoiceField(
        choices=metric_choices(), required=False, allow_blank=True, help_text="For outputs."
    )
    scale = serializers.CharField(
        max_length=60, required=False, allow_blank=True, help_text="For outcomes: a scale key."
    )
    baseline = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True
    )
    target = serializers.DecimalField(max_digits=10, decimal_places=2)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    period_start = PlausibleDateField()
    period_end = PlausibleDateField()


class IndicatorChangeInput(IndicatorInput):
    objective = None  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class FunderReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = FunderReport
        fields = [
            "id",
            "programme",
            "title",
            "period_start",
            "period_end",
            "narrative_md",
            "pdf_status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FunderReportInput(InputSerializer):
    programme = OrgObjectField(Programme, help_text="Only when creating.")
    title = serializers.CharField(max_length=200)
    period_start = PlausibleDateField()
    period_end = PlausibleDateField()
    narrative_md = serializers.CharField(required=False, allow_blank=True)


class FunderReportChangeInput(FunderReportInput):
    programme = None  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)
