"""Included at /api/ (helpdesk/urls.py), beside the tickets API: chat's part of the exchange API."""

from django.urls import path

from chat import api

urlpatterns = [
    path("v1/conversations/<int:conversation_id>/transcript/", api.Transcript.as_view(), name="api_transcript"),
]
