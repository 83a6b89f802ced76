from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = "Live chat"

    def ready(self) -> None:
        # A ticket's chats on the ticket page and in the API's ticket: tickets cannot import chat, so chat plugs in.
        from chat.ticket_part import PART
        from tickets.extensions import ticket_part_register

        ticket_part_register(PART)
        # The access log explains a view of a customer's data by the viewer's chat with them (tickets' SQL).
        from chat.models import Conversation
        from tickets.extensions import customer_chats_register

        customer_chats_register(Conversation._meta.db_table)
        # How this app's timeline events read (tickets/timeline_words.py).
        from chat import timeline_words  # noqa: F401
