from django.apps import AppConfig


class SupervisorConfig(AppConfig):
    name = "supervisor"
    verbose_name = "Supervision"

    def ready(self) -> None:
        # A chat opened from another page (the ticket page's "Chats") opens on its transcript here.
        from chat.links import conversation_page_register
        from supervisor.views import transcript_url

        conversation_page_register(transcript_url)
