from django.urls import path

from supervisor import access_views, dashboard_views, monitor_views, views

urlpatterns = [
    path("history/", views.history, name="history"),
    path("history/<int:conversation_id>/", views.transcript, name="transcript"),
    path("history/<int:conversation_id>/export.json", views.transcript_json, name="transcript_json"),
    path("history/<int:conversation_id>/export.csv", views.transcript_csv, name="transcript_csv"),
    path("monitor/", monitor_views.monitor, name="monitor"),
    path("monitor/rows/", monitor_views.monitor_rows, name="monitor_rows"),
    path("monitor/<int:conversation_id>/reassign/", monitor_views.reassign, name="monitor_reassign"),
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("access-log/", access_views.access_log_page, name="access_log"),
]
