"""The HTTP doors (docs/protocol.md, "Attachments"): upload, fresh links, the file behind a signed link."""

import datetime as dt
import io
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core.cache import cache
from PIL import Image

from chat.attachments import links, services
from chat.models import Attachment
from tests.chat.attachments import samples
from tests.chat.attachments.helpers import (
    as_customer,
    as_staff,
    bearer,
    content,
    customer_sends,
    open_chat,
    staff_client,
    upload,
)

pytestmark = pytest.mark.django_db

WIRE_KEYS = {"id", "name", "size", "content_type", "url", "thumbnail_url"}


def fetch(client, url, **headers):
    response = client.get(url, **headers)
    return response, content(response)


def test_a_customer_uploads_with_the_widget_token_and_gets_201_with_links(client, customer):
    response = as_customer(client, samples.png((800, 600)), name="wallet send screen.png")
    assert response.status_code == 201
    answer = response.json()
    assert set(answer) == WIRE_KEYS
    assert answer["name"] == "wallet send screen.png" and answer["content_type"] == "image/png"
    stored = Attachment.objects.get(pk=answer["id"])
    assert stored.uploaded_by_customer == customer and stored.message is None and stored.conversation is None
    assert answer["size"] == stored.size
    picture, body = fetch(client, answer["url"])
    assert picture.status_code == 200 and len(body) == stored.size and Image.open(io.BytesIO(body)).size == (800, 600)
    thumbnail, body = fetch(client, answer["thumbnail_url"])
    assert thumbnail.status_code == 200 and max(Image.open(io.BytesIO(body)).size) == 320


def test_an_image_with_gps_exif_comes_back_without_it(client, customer):
    answer = as_customer(client, samples.jpeg_with_gps(), name="IMG_0042.jpg").json()
    _response, body = fetch(client, answer["url"])
    served = Image.open(io.BytesIO(body))
    assert dict(served.getexif()) == {} and served.getexif().get_ifd(samples.GPS_IFD) == {}
    assert b"PhoneMaker" not in body and b"Exif" not in body


def test_pictures_are_served_inline_sandboxed_and_pdfs_only_as_downloads(client, customer):
    picture = as_customer(client, samples.png()).json()
    response, _ = fetch(client, picture["url"])
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'; img-src 'self'"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Cache-Control"].startswith("private")

    document = as_customer(client, samples.pdf(), name="statement.pdf").json()
    assert document["content_type"] == "application/pdf" and document["thumbnail_url"] is None
    response, body = fetch(client, document["url"])
    assert body == samples.pdf()
    assert response["Content-Disposition"] == 'attachment; filename="statement.pdf"'
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (samples.HTML, "wallet.png"),  # HTML renamed .png
        (samples.SVG, "logo.svg"),  # an SVG with a script
        (samples.png_zip_polyglot(), "screenshot.png"),  # a PNG that is also a ZIP
    ],
    ids=["html-renamed-png", "svg-with-script", "png-zip-polyglot"],
)
def test_hostile_files_are_refused_with_415_and_nothing_is_stored(client, customer, attachment_storage, data, name):
    response = as_customer(client, data, name=name)
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_type" and response.json()["detail"]
    assert not Attachment.objects.exists() and not any(attachment_storage.rglob("*.*"))


def test_a_decompression_bomb_is_refused(client, customer, attachment_storage):
    response = as_customer(client, samples.png_bomb(), name="bomb.png")
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert not Attachment.objects.exists()


def test_a_refusal_is_in_the_customers_language(client, other_customer):
    response = as_customer(client, samples.HTML, sub="cust-2", locale="ru")
    assert response.status_code == 415
    assert response.json()["detail"] == "можно отправлять только изображения (PNG, JPEG, WebP, GIF, HEIC) и PDF-файлы"


def test_a_file_over_the_limit_gets_413(client, customer, settings):
    settings.ATTACHMENT_MAX_BYTES = 2048
    response = as_customer(client, samples.png((800, 600)))
    assert response.status_code == 413
    assert response.json() == {"code": "too_large", "detail": "this file is larger than the limit of 2 KB"}


def test_uploads_are_rate_limited_per_customer(client, customer, settings):
    settings.ATTACHMENT_UPLOADS_PER_MINUTE = 3
    cache.delete(services.upload_counter_key(customer, None))
    statuses = [as_customer(client, samples.png((40, 30))).status_code for _ in range(5)]
    assert statuses[:3] == [201, 201, 201] and statuses[3:] == [429, 429]
    assert as_customer(client, samples.png((40, 30))).json()["code"] == "rate_limited"


def test_unsent_uploads_are_capped(client, customer, monkeypatch):
    monkeypatch.setattr(services, "MAX_WAITING", 2)
    assert [as_customer(client, samples.png((40, 30))).status_code for _ in range(3)] == [201, 201, 429]


def test_without_credentials_an_upload_is_refused(client, db):
    response = client.post("/chat/attachments/", {"file": io.BytesIO(samples.png())})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    response = client.post("/chat/attachments/", {"file": io.BytesIO(samples.png())}, HTTP_AUTHORIZATION="Bearer x.y.z")
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"


def test_a_customer_cannot_upload_into_someone_elses_conversation(client, customer, other_customer):
    theirs = open_chat(other_customer)
    response = as_customer(client, samples.png(), conversation=theirs)
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_staff_upload_needs_the_csrf_token_and_a_conversation_they_may_view(customer, alice, bob):
    conversation_id = open_chat(customer, alice)
    assert as_staff(staff_client(alice), samples.png(), conversation_id).status_code == 201
    refused = as_staff(staff_client(alice), samples.png(), conversation_id, csrf=None)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    outsider = as_staff(staff_client(bob), samples.png(), conversation_id)  # Alice holds it; Bob never wrote there
    assert outsider.status_code == 404 and outsider.json()["code"] == "not_found"
    assert as_staff(staff_client(alice), samples.png(), "").status_code == 404  # staff name the conversation


def test_an_expired_link_gets_403(client, customer, settings):
    answer = as_customer(client, samples.png()).json()
    lifetime = settings.ATTACHMENT_URL_SECONDS
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=lifetime * 1.1 + 2)
    with time_machine.travel(later):
        response = client.get(answer["url"])
        assert response.status_code == 403 and response.json()["code"] == "expired"
        fresh = client.get(f"/chat/attachments/{answer['id']}/", **bearer()).json()
        assert fresh["url"] != answer["url"] and fetch(client, fresh["url"])[0].status_code == 200


def test_a_link_lives_at_least_its_lifetime(client, customer, settings):
    answer = as_customer(client, samples.png()).json()
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=settings.ATTACHMENT_URL_SECONDS - 2)
    with time_machine.travel(soon):
        assert client.get(answer["url"]).status_code == 200


def tampered(url: str) -> list[str]:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    signature, expires = query["s"], query["e"]
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    return [
        f"{parts.path}?e={expires}&s={flipped}",  # signature altered
        f"{parts.path}?e={int(expires) + 3600}&s={signature}",  # expiry pushed back
        f"{parts.path.replace('/file/', '/thumb/')}?e={expires}&s={signature}",  # another variant
        f"{parts.path}?e={expires}",  # no signature
        parts.path,  # no query at all
        f"{parts.path}?e=1e9&s={signature}",
    ]


def test_an_altered_link_gets_403(client, customer):
    answer = as_customer(client, samples.png()).json()
    for url in tampered(answer["url"]):
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.json()["code"] == "forbidden"


def test_a_signature_does_not_open_another_attachment(client, customer):
    first = as_customer(client, samples.png()).json()
    second = as_customer(client, samples.png((50, 50))).json()
    query = urlsplit(first["url"]).query
    assert client.get(f"/chat/attachments/{second['id']}/file/?{query}").status_code == 403


def test_a_second_customer_and_an_anonymous_client_get_no_link_to_the_first_customers_files(
    client, customer, other_customer
):
    conversation_id = open_chat(customer)
    attachment = upload(customer=customer)
    customer_sends(customer, [attachment], conversation_id=conversation_id)
    path = f"/chat/attachments/{attachment.pk}/"
    assert client.get(path, **bearer("cust-1")).status_code == 200  # its owner
    assert client.get(path, **bearer("cust-2")).status_code == 404  # another customer: as if it did not exist
    assert client.get(path).status_code == 403  # nobody
    for variant in ("file", "thumb", "open"):
        for headers in (bearer("cust-2"), {}):
            assert client.get(f"{path}{variant}/", **headers).status_code in (403, 404)


def test_staff_get_a_lasting_link_for_exports_behind_their_session(client, customer, alice, bob):
    conversation_id = open_chat(customer, alice)
    attachment = upload(customer=customer)
    customer_sends(customer, [attachment], conversation_id=conversation_id)
    client.force_login(alice)
    response = client.get(f"/chat/attachments/{attachment.pk}/open/")
    assert (
        response.status_code == 302
        and links.check(str(attachment.pk), "file", *[parse_qs(urlsplit(response.url).query)[k][0] for k in ("e", "s")])
        is None
    )
    client.force_login(bob)
    assert client.get(f"/chat/attachments/{attachment.pk}/open/").status_code == 404
    client.logout()
    assert client.get(f"/chat/attachments/{attachment.pk}/open/").status_code == 403


def test_an_unsent_upload_is_its_uploaders_alone(client, customer, other_customer, alice):
    attachment = upload(customer=customer)
    assert client.get(f"/chat/attachments/{attachment.pk}/", **bearer("cust-2")).status_code == 404
    client.force_login(alice)
    assert client.get(f"/chat/attachments/{attachment.pk}/").status_code == 404


def test_the_purge_command_deletes_only_old_unsent_uploads(customer, attachment_storage):
    import io as _io

    from django.core.management import call_command

    conversation_id = open_chat(customer)
    sent = upload(customer=customer)
    customer_sends(customer, [sent], conversation_id=conversation_id)
    forgotten = upload(customer=customer)
    Attachment.objects.filter(pk=forgotten.pk).update(created_at=forgotten.created_at - dt.timedelta(days=2))
    fresh = upload(customer=customer)
    out = _io.StringIO()
    call_command("purge_unsent_attachments", stdout=out)
    assert out.getvalue().strip() == "1 unsent attachment(s) deleted"
    assert set(Attachment.objects.values_list("pk", flat=True)) == {sent.pk, fresh.pk}
    assert not (attachment_storage / forgotten.file_name).exists() and (attachment_storage / sent.file_name).exists()


def test_note_files_stay_out_of_the_api_transcript_and_webhooks(client, customer, alice, settings):
    import uuid as _uuid

    from chat.attachments import services as attachment_services
    from tickets import services as tickets_services
    from tickets.models import WebhookDelivery

    settings.CELERY_TASK_ALWAYS_EAGER = False  # deliveries are only written here, never sent
    tickets_services.webhook_endpoint_create(url="https://exchange.example/hooks", events=[])
    conversation_id = open_chat(customer, alice)
    public = upload(customer=customer, name="deposit.png")
    customer_sends(customer, [public], body="my deposit", conversation_id=conversation_id)
    secret = upload(staff=alice, conversation_id=conversation_id, name="kyc-internal.png")
    attachment_services.agent_message_post(
        agent=alice,
        conversation_id=conversation_id,
        client_msg_id=_uuid.uuid4(),
        body="",
        attachments=[str(secret.pk)],
        kind="note",
    )
    key = tickets_services.api_key_create(name="t", scopes=["transcripts:read"])[1]
    transcript = client.get(
        f"/api/v1/conversations/{conversation_id}/transcript/", HTTP_AUTHORIZATION=f"Bearer {key}"
    ).json()
    files = [item for message in transcript["messages"] for item in message["attachments"]]
    assert [item["id"] for item in files] == [str(public.pk)]
    assert files[0]["url"].startswith("http://testserver/chat/attachments/")
    assert client.get(files[0]["url"]).status_code == 200  # a signed link: no key, no cookie
    text = str(transcript) + str(list(WebhookDelivery.objects.values_list("payload", flat=True)))
    assert str(secret.pk) not in text and "kyc-internal" not in text
