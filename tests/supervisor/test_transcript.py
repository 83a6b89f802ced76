import csv
import io
import json
import uuid

import pytest
from django.urls import reverse

from chat import services as chat_services
from chat.models import Message
from supervisor.timeline import transcript_entries
from tests.supervisor.factories import chat
from tickets.models import TimelineEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def eventful(alice, bob, sofia, customer):
    """A chat with a reply, a note, a transfer with its note, a supervisor's reassign, an end and an answer."""
    conversation = chat(customer, ["=SUM(A1) my deposit is missing", "hello?"], agent=alice)
    chat_services.agent_message_post(
        agent=alice, conversation_id=conversation.pk, client_msg_id=uuid.uuid4(), body="checking BSC", kind="note"
    )
    chat_services.conversation_transfer(
        agent=alice, conversation_id=conversation.pk, to_agent_id=bob.pk, note="needs the BSC specialist"
    )
    chat_services.conversation_reassign(
        supervisor=sofia, conversation_id=conversation.pk, to_agent_id=alice.pk, reason="Bob's shift ended"
    )
    chat_services.conversation_end(conversation_id=conversation.pk, agent=alice)
    chat_services.satisfaction_record(
        customer=customer, conversation_id=conversation.pk, answer="partly", comment="took a while"
    )
    return conversation


def test_timeline_holds_every_message_and_event(eventful):
    entries = transcript_entries(eventful)
    messages = Message.objects.filter(conversation=eventful).count()
    events = TimelineEvent.objects.filter(conversation_id=eventful.pk).count()
    assert len(entries) == messages + events
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    kinds = {e.kind for e in entries}
    assert {"text", "note", "system", "card", "chat.started", "chat.accepted", "chat.transferred"} <= kinds
    assert {"chat.reassigned", "chat.ended", "chat.satisfaction"} <= kinds
    texts = " ".join(e.text for e in entries)
    assert "Alice handed the chat to Bob. Note: needs the BSC specialist" in texts
    assert "Sofia reassigned the chat from Bob to Alice. Reason: Bob's shift ended" in texts
    assert "Carla Customer answered “Did you feel heard?”: Partly, and wrote: “took a while”" in texts


def test_supervisor_reads_any_transcript(client, sofia, eventful):
    client.force_login(sofia)
    response = client.get(reverse("transcript", args=[eventful.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "needs the BSC specialist" in page
    assert "checking BSC" in page  # the internal note
    assert "took a while" in page
    assert 'id="print-button"' in page


def test_agent_reads_a_transcript_they_took_part_in(client, bob, eventful):
    client.force_login(bob)
    assert client.get(reverse("transcript", args=[eventful.pk])).status_code == 200


@pytest.mark.parametrize("name", ["transcript", "transcript_json", "transcript_csv"])
def test_an_agent_cannot_open_another_agents_transcript(client, alice, bob, other_customer, name):
    theirs = chat(other_customer, ["private matter"], agent=bob, end=True)
    client.force_login(alice)
    assert client.get(reverse(name, args=[theirs.pk])).status_code == 404


@pytest.mark.parametrize("name", ["transcript", "transcript_json", "transcript_csv"])
def test_anonymous_is_sent_to_login(client, eventful, name):
    response = client.get(reverse(name, args=[eventful.pk]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_unknown_conversation_is_404(client, sofia):
    client.force_login(sofia)
    assert client.get(reverse("transcript", args=[999999])).status_code == 404


def test_json_export_is_exactly_the_timeline(client, sofia, eventful):
    client.force_login(sofia)
    response = client.get(reverse("transcript_json", args=[eventful.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="conversation-{eventful.pk}.json"'
    document = json.loads(response.content)
    assert set(document) == {"conversation", "timeline"}
    assert document["conversation"] == eventful.pk
    expected = [json.loads(json.dumps(e.as_export())) for e in transcript_entries(eventful)]
    assert document["timeline"] == expected
    sources = [(row["source"], row["ref"]) for row in document["timeline"]]
    stored = {("message", m) for m in Message.objects.filter(conversation=eventful).values_list("staff_seq", flat=True)}
    stored |= {
        ("event", e) for e in TimelineEvent.objects.filter(conversation_id=eventful.pk).values_list("pk", flat=True)
    }
    assert sorted(sources) == sorted(stored)  # nothing more, nothing less, nothing twice


def test_csv_export_is_exactly_the_timeline(client, sofia, eventful):
    client.force_login(sofia)
    response = client.get(reverse("transcript_csv", args=[eventful.pk]))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    entries = transcript_entries(eventful)
    assert len(rows) == len(entries)
    for row, entry in zip(rows, entries, strict=True):
        assert (row["at"], row["source"], row["kind"], row["who"]) == (
            entry.at.isoformat(),
            entry.source,
            entry.kind,
            entry.who,
        )
        text = row["text"][1:] if row["text"].startswith("'=") else row["text"]
        assert text == entry.text
        assert int(row["ref"]) == entry.ref
    # A customer's formula is defused for spreadsheets, the words kept.
    assert any(row["text"] == "'=SUM(A1) my deposit is missing" for row in rows)


def test_transcript_query_count_does_not_grow_with_its_length(
    client, sofia, alice, customer, django_assert_max_num_queries
):
    conversation = chat(customer, [f"message {n}" for n in range(40)], agent=alice)
    for n in range(10):
        chat_services.agent_message_post(
            agent=alice, conversation_id=conversation.pk, client_msg_id=uuid.uuid4(), body=f"note {n}", kind="note"
        )
    client.force_login(sofia)
    # 2 of them: the staff session and its 2nd-factor device; 3 the access log's one INSERT under the savepoint a
    # test's transaction needs (in autocommit, as served, it is the INSERT alone).
    with django_assert_max_num_queries(13):
        response = client.get(reverse("transcript", args=[conversation.pk]))
    assert len(response.context["entries"]) > 50


def test_an_ongoing_chat_offers_to_watch_it_live(client, sofia, alice, customer):
    conversation = chat(customer, ["still here"], agent=alice)
    client.force_login(sofia)
    page = client.get(reverse("transcript", args=[conversation.pk])).content.decode()
    assert f'href="/monitor/?watch={conversation.pk}"' in page
    client.force_login(alice)
    assert "/monitor/" not in client.get(reverse("transcript", args=[conversation.pk])).content.decode()


def test_a_transcript_shows_the_files_and_its_exports_carry_lasting_staff_links(
    client, sofia, alice, customer, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chat.attachments import services as attachment_services
    from tests.chat.attachments import samples

    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    conversation = chat(customer, ["my deposit"], agent=alice)
    picture = attachment_services.attachment_upload(
        upload=SimpleUploadedFile("wallet.png", samples.png()), staff=alice, conversation_id=conversation.pk
    )
    attachment_services.agent_message_post(
        agent=alice, conversation_id=conversation.pk, client_msg_id=uuid.uuid4(), body="", attachments=[str(picture.pk)]
    )
    client.force_login(sofia)
    page = client.get(reverse("transcript", args=[conversation.pk])).content.decode()
    link = f"/chat/attachments/{picture.pk}/open/"
    assert f'href="{link}"' in page and f"/chat/attachments/{picture.pk}/thumb/?e=" in page and "wallet.png" in page
    document = json.loads(client.get(reverse("transcript_json", args=[conversation.pk])).content)
    files = [row["data"]["attachments"] for row in document["timeline"] if row["data"].get("attachments")]
    assert files == [
        [{"id": str(picture.pk), "name": "wallet.png", "size": picture.size, "content_type": "image/png", "link": link}]
    ]
    assert link in client.get(reverse("transcript_csv", args=[conversation.pk])).content.decode()
    assert client.get(link).status_code == 302
