"""Charts of the programmes' data for the home pages and the cohort page, built from the
selectors' figures (suppressed cells stay suppressed: the chart draws them as gaps)."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cocora.core.charts import Chart, Series, bar_chart, line_chart

from .models import EnrolmentStage
from .selectors.dashboard import FUNNEL_STAGES, CohortAttendance, ProgrammeFunnel


def attendance_chart(series: CohortAttendance) -> Chart:
    """One cohort's attendance rate per held session, in time order."""
    return line_chart(
        title=_("Attendance in %(cohort)s") % {"cohort": series.cohort_name},
        categories=[date_format(point.day, "SHORT_DATE_FORMAT") for point in series.points],
        series=[Series(_("Present or late"), [point.rate for point in series.points])],
        unit="%",
    )


def attendance_charts(all_series: list[CohortAttendance]) -> list[Chart]:
    return [attendance_chart(series) for series in all_series]


def funnel_chart(funnels: list[ProgrammeFunnel]) -> Chart:
    """Each programme's enrolments by the furthest step they reached."""
    labels = dict(EnrolmentStage.choices)
    return bar_chart(
        title=_("Enrolment funnel by programme"),
        categories=[str(labels[stage]) for stage in FUNNEL_STAGES],
        series=[Series(funnel.title, funnel.steps) for funnel in funnels],
    )
