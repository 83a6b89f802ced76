"""Uploading over HTTP as a customer (the widget's bearer token) or as staff (session + CSRF), and sending."""

import asyncio
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chat import services as chat_services
from chat.attachments import services
from tests.chat.attachments import samples
from tests.chat.helpers import widget_token

CSRF = "k" * 32  # a CSRF secret: the cookie and the header carry the same one


def bearer(sub: str = "cust-1", **claims) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {widget_token(sub, **claims)}"}


def as_customer(client: Client, data: bytes, name: str = "wallet.png", sub: str = "cust-1", locale="en", **fields):
    """The widget's upload: its declared type says PNG whatever the bytes are (the server never believes it)."""
    upload = SimpleUploadedFile(name, data, content_type="image/png")
    return client.post("/chat/attachments/", {"file": upload, **fields}, **bearer(sub, locale=locale))


def staff_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies["csrftoken"] = CSRF
    return client


def as_staff(client: Client, data: bytes, conversation_id, name: str = "receipt.png", csrf: str | None = CSRF):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    headers = {"HTTP_X_CSRFTOKEN": csrf} if csrf else {}
    return client.post("/chat/attachments/", {"file": upload, "conversation": conversation_id}, **headers)


def upload(data: bytes | None = None, *, customer=None, staff=None, conversation_id=None, name="shot.png"):
    """Straight through the service (tests about what happens after the upload)."""
    return services.attachment_upload(
        upload=SimpleUploadedFile(name, data or samples.png((80, 60))),
        customer=customer,
        staff=staff,
        conversation_id=conversation_id,
    )


def customer_sends(customer, attachments, body: str = "", conversation_id=None, client_msg_id=None):
    return services.customer_message_post(
        customer=customer,
        conversation_id=conversation_id,
        client_msg_id=client_msg_id or uuid.uuid4(),
        body=body,
        attachments=[str(a.pk) for a in attachments],
    )


def open_chat(customer, agent=None) -> int:
    posted = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="Here is my problem"
    )
    if agent is not None:
        chat_services.conversation_accept(agent=agent, conversation_id=posted.message.conversation_id)
    return posted.message.conversation_id


def content(response) -> bytes:
    """A served file's bytes: the view streams them from an async iterator (off the event loop in production)."""
    if not getattr(response, "streaming", False):
        return response.content

    async def collect():
        return b"".join([chunk async for chunk in response.streaming_content])

    return asyncio.run(collect()) if response.is_async else b"".join(response.streaming_content)
