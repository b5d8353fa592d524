"""Stub: filled in below."""

urlpatterns: list = []
