"""Where staff open a chat from another page (the ticket page's "Chats").

The page that shows a whole chat to staff belongs to an app above chat (supervisor's transcript), which registers
it at start-up (SupervisorConfig.ready); chat imports no app above it. Until one does, the console opens the chat."""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

_page: Callable[[int], str] | None = None


def conversation_page_register(url_for: Callable[[int], str]) -> None:
    global _page
    if _page is not None and _page is not url_for:
        raise ImproperlyConfigured("two apps registered the page that shows a chat to staff")
    _page = url_for


def conversation_page_url(conversation_id: int) -> str:
    if _page is not None:
        return _page(conversation_id)
    return f"{reverse('console')}?conversation={conversation_id}"
