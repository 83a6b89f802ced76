from django.urls import path

from chat.attachments import views

urlpatterns = [
    path("", views.upload, name="attachment_upload"),
    path("<uuid:attachment_id>/", views.describe, name="attachment_describe"),
    path("<uuid:attachment_id>/open/", views.open_for_staff, name="attachment_open"),
    path("<uuid:attachment_id>/<str:variant>/", views.serve, name="attachment_file"),
]
