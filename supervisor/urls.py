from django.urls import path

from supervisor import views

urlpatterns = [
    path("history/", views.history, name="history"),
    path("history/<int:conversation_id>/", views.transcript, name="transcript"),
    path("history/<int:conversation_id>/export.json", views.transcript_json, name="transcript_json"),
    path("history/<int:conversation_id>/export.csv", views.transcript_csv, name="transcript_csv"),
]
