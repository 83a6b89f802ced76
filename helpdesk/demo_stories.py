"""Two past chats for the demo's history with everything a timeline can hold: a wrong-network walkthrough that ends
in a recovery case credited, and a P&L breakdown shared with a Russian customer. Made through the services, as in
production; the one pretence is the lookup: these chats are history, so the chains' answers are recorded
(recovery.services.lookup_record) instead of asked. supervisor.demo lays them out in time with the others.

They span recovery and pnl, which lean on nothing of each other nor of supervisor: so the stories are the wiring's,
handed to supervisor.demo by `manage.py seed_demo` (helpdesk/management/commands/seed_demo.py).
"""

import uuid

from django.db.models import Q

from accounts.models import User
from chat import services as chat_services
from chat.models import Conversation
from pnl import services as pnl_services
from pnl.models import Position
from recovery import chains as chain_registry
from recovery import services as recovery_services
from recovery import walkthrough
from recovery.models import RecoveryCase, Walkthrough
from recovery.verdicts import ChainAnswer
from tickets import services as tickets_services

DEMO_TXID = "0x5c2f8e3a9d41b07e66c1f02d8a9b34e17c05a6d2e9f81b3c4d7e60a12f9b8c3d"
DEMO_DEPOSIT = "0x8ba1f109551bd432803012645ac136ddd64dba72"
S = RecoveryCase.Status


def seed(agents: list[User]) -> list[int]:
    """The conversations made, for supervisor.demo to backdate."""
    return [_wrong_network_story(agents[0]), *_pnl_story(agents[-1])]


def _wrong_network_story(agent: User) -> int:
    customer = tickets_services.customer_upsert(
        external_id="hist-ar-recovery", name="سارة منصور", locale="ar", email="hist-ar-recovery@example.com"
    )
    conversation_id, case = wrong_network_walkthrough(
        customer, agent, greeting="مرحبا، أنا معك. لنجب عن الأسئلة معا، وسنجد تحويلك."
    )
    recovery_services.case_transition(
        case_id=case.pk,
        to_status=S.AWAITING_CUSTOMER,
        actor=agent,
        fee_quote="5 USDT",
        timeline_text="3 أيام عمل تقريبا",
    )
    started = walkthrough_of(conversation_id)
    walkthrough.walkthrough_answer(walkthrough_id=started.pk, step="quote", value="accept")
    recovery_services.case_transition(case_id=case.pk, to_status=S.PROCESSING, actor=agent)
    recovery_services.case_transition(case_id=case.pk, to_status=S.COMPLETED_CREDITED, actor=agent)
    chat_services.conversation_end(conversation_id=conversation_id, agent=agent)
    chat_services.satisfaction_record(
        customer=customer, conversation_id=conversation_id, answer="yes", comment="شكرا، عادت أموالي"
    )
    return conversation_id


def wrong_network_walkthrough(customer, agent: User, *, greeting: str) -> tuple[int, RecoveryCase]:
    """A customer's walkthrough from "I sent to the wrong network" to a recovery case under review, with `agent`
    holding the chat: (conversation id, case). Also what the console's phone test reads."""
    tickets_services.deposit_address_upsert(customer=customer, chain="ethereum", address=DEMO_DEPOSIT)
    started = walkthrough.walkthrough_start(customer=customer)
    conversation_id = started.conversation_id
    chat_services.conversation_accept(agent=agent, conversation_id=conversation_id)
    chat_services.agent_message_post(
        agent=agent, conversation_id=conversation_id, client_msg_id=uuid.uuid4(), body=greeting
    )
    for step, value in (("asset", "USDT"), ("used_chain", "bsc"), ("meant_chain", "ethereum")):
        walkthrough.walkthrough_answer(walkthrough_id=started.pk, step=step, value=value)
    walkthrough.walkthrough_answer(walkthrough_id=started.pk, step="txid", value=DEMO_TXID, enqueue=False)
    started.refresh_from_db()
    recovery_services.lookup_record(lookup_id=started.lookup_id, answers=_answers())
    walkthrough.lookup_finished(lookup_id=started.lookup_id)
    walkthrough.walkthrough_answer(walkthrough_id=started.pk, step="case", value="open")
    case = RecoveryCase.objects.get(lookup_id=started.lookup_id)
    recovery_services.case_transition(case_id=case.pk, to_status=S.UNDER_REVIEW, actor=agent)
    return conversation_id, case


def walkthrough_of(conversation_id: int) -> Walkthrough:
    return Walkthrough.objects.filter(conversation_id=conversation_id).order_by("-pk").first()


def _answers() -> list[ChainAnswer]:
    """What the chains would have said: 250 USDT found on BNB Smart Chain, at an address that is the customer's
    on Ethereum; nothing anywhere else."""
    answers = []
    for chain in chain_registry.registry().chains:
        if chain.key != "bsc":
            answers.append(ChainAnswer(chain=chain.key, chain_id=chain.chain_id, status="not_found"))
            continue
        token = next((t for t in chain.tokens if t.symbol == "USDT"), None)
        answers.append(
            ChainAnswer(
                chain="bsc",
                chain_id=chain.chain_id,
                status="found",
                block_number=41_000_000,
                confirmations=42,
                from_address="0x3f5ce5fbfe3e9af3971dd833d26ba9b5c936f0be",
                to_address=DEMO_DEPOSIT,
                asset_kind="erc20",
                asset_symbol="USDT",
                asset_contract=token.address if token else "",
                asset_known=True,
                amount="250",
                tx_success=True,
                to_is_contract=False,
                to_customer_chain="ethereum",
            )
        )
    return answers


def _pnl_story(agent: User) -> list[int]:
    """Ivan asks why his BTC result differs; the agent shares the breakdown. Needs pnl.demo's positions."""
    position = Position.objects.filter(customer__external_id="demo-ivan", market="BTCUSDT").first()
    if position is None or Conversation.objects.filter(Q(customer=position.customer), ~Q(status="ended")).exists():
        return []
    conversation_id = pnl_shared(position, agent)
    chat_services.agent_message_post(
        agent=agent,
        conversation_id=conversation_id,
        client_msg_id=uuid.uuid4(),
        body="Разница — это комиссии и фандинг, всё по шагам в карточке выше.",
    )
    chat_services.conversation_end(conversation_id=conversation_id, customer=position.customer)
    return [conversation_id]


def pnl_shared(position: Position, agent: User) -> int:
    """The position's customer asks about their result, `agent` accepts and shares the breakdown card."""
    posted = chat_services.customer_message_post(
        customer=position.customer,
        conversation_id=None,
        client_msg_id=uuid.uuid4(),
        body="Почему прибыль по BTC меньше, чем я ожидал?",
        locale="ru",
    )
    conversation_id = posted.message.conversation_id
    chat_services.conversation_accept(agent=agent, conversation_id=conversation_id)
    pnl_services.breakdown_share(agent=agent, position_id=position.pk)
    return conversation_id
