from django.urls import include, path

from chat import views

urlpatterns = [
    path("console/", views.console, name="console"),
    path("console/agents/", views.console_agents, name="console_agents"),
    path(
        "console/conversations/<int:conversation_id>/lookalike-warning/",
        views.lookalike_warning,
        name="lookalike_warning",
    ),
    path("widget/frame/", views.widget_frame, name="widget_frame"),
    path("demo/exchange/", views.demo_exchange, name="demo_exchange"),
    path("demo/token", views.demo_token, name="demo_token"),
    path("chat/survey/<int:conversation_id>/", views.survey_answer, name="chat_survey"),
    path("chat/attachments/", include("chat.attachments.urls")),
]
