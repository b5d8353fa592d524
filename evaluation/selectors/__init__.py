"""Reads of the evaluation app. `scale_changes` and `scale_choices` are what other apps (impact,
dashboards) use; the rest serve this app's pages and API."""

from .analysis import ItemChange, ScaleChange, scale_changes, scale_choices

__all__ = ["ItemChange", "ScaleChange", "scale_changes", "scale_choices"]
