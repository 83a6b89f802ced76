from django.urls import path

from recovery import pages, views

urlpatterns = [
    path("recovery/cases/", pages.case_list, name="recovery_cases"),
    path("recovery/cases/<int:case_id>/", pages.case_detail, name="recovery_case"),
    path("recovery/walkthrough/start/", views.walkthrough_start, name="recovery_walkthrough_start"),
    path("recovery/walkthrough/<int:walkthrough_id>/answer/", views.walkthrough_answer, name="recovery_answer"),
    path("recovery/lookups/<int:lookup_id>/blocks/", views.lookup_blocks, name="recovery_lookup_blocks"),
    path("recovery/cases/<int:case_id>/status/", views.case_status, name="recovery_case_status"),
]
