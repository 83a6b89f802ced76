"""History, transcripts and the dashboard with the recovery app's lookups and cases."""

import pytest
from django.urls import reverse

from chat.models import Conversation
from recovery import services as recovery_services
from recovery.models import Lookup, RecoveryCase
from recovery.verdicts import Verdict
from supervisor import recovery_link
from supervisor.timeline import transcript_entries
from tests.supervisor.factories import chat

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(alice, sofia, customer):
    """A lookup whose (test-set) verdict is recoverable, a case opened and moved one step by a supervisor."""
    conversation = chat(customer, ["I sent USDT on BSC to my Ethereum address"], agent=alice)
    lookup = recovery_services.lookup_start(
        txid="not a transaction", customer=customer, conversation_id=conversation.pk, actor=alice, enqueue=False
    )
    # Test setup only: pretend the chains answered "recoverable" (the lookup itself is tested in tests/recovery).
    Lookup.objects.filter(pk=lookup.pk).update(verdict=Verdict.WRONG_NETWORK_RECOVERABLE)
    lookup.refresh_from_db()
    opened = recovery_services.case_open(lookup=lookup, actor=alice)
    recovery_services.case_transition(case_id=opened.pk, to_status=RecoveryCase.Status.UNDER_REVIEW, actor=sofia)
    return RecoveryCase.objects.get(pk=opened.pk)


def test_a_chat_with_a_case_is_told_from_one_without(case, other_customer):
    other = chat(other_customer, ["just a question about fees"])
    flagged = Conversation.objects.annotate(has_case=recovery_link.has_case_expression())
    assert dict(flagged.filter(pk__in=[case.conversation_id, other.pk]).values_list("pk", "has_case")) == {
        case.conversation_id: True,
        other.pk: False,
    }


def test_history_filters_by_having_a_recovery_case(client, sofia, case, other_customer):
    other = chat(other_customer, ["just a question about fees"])
    client.force_login(sofia)
    with_case = client.get(reverse("history"), {"recovery": "yes"})
    assert [c.pk for c in with_case.context["page"].object_list] == [case.conversation_id]
    without = client.get(reverse("history"), {"recovery": "no"})
    assert [c.pk for c in without.context["page"].object_list] == [other.pk]


def test_transcript_shows_lookups_and_case_transitions(case):
    entries = transcript_entries(Conversation.objects.get(pk=case.conversation_id))
    texts = [e.text for e in entries if e.kind.startswith("recovery.")]
    assert "Alice pasted something that is not a transaction ID; it was explained at once." in texts
    assert "The lookup's answer: That is not a transaction ID." in texts
    assert f"Alice opened recovery case #{case.pk}." in texts
    assert f"Sofia moved recovery case #{case.pk} from Submitted to Under review." in texts
    who = {e.kind: e.who for e in entries if e.kind == "recovery.case_status"}
    assert who == {"recovery.case_status": "Sofia"}


def test_dashboard_counts_case_outcomes(client, sofia, case):
    client.force_login(sofia)
    response = client.get(reverse("dashboard"))
    assert response.context["outcomes"] == [("Under review", 1)]
    assert "Recovery cases by outcome" in response.content.decode()
