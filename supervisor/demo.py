# ruff: noqa: RUF001  (demo conversations in Russian and Chinese mix scripts and full-width punctuation on purpose)
"""Demo history for the supervision pages: about sixty days of ended chats in six languages, with notes,
hand-offs, a supervisor's reassign, "did you feel heard?" answers, and two chats going on right now.

Everything is created through chat.services and tickets.services, exactly as in production. Those stamp
"now", so afterwards the rows are moved back in time with queryset .update() - the one direct write, and
only in demo data. Safe to run again: it does nothing once the history exists.
"""

import random
import uuid
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from chat import services as chat_services
from chat.models import Conversation, Message, Satisfaction
from tickets import services as tickets_services
from tickets.models import Ticket, TimelineEvent

PREFIX = "hist-"
DAYS = 60

CUSTOMERS = {
    "ru": [("Ольга Смирнова", ""), ("Дмитрий Козлов", "gold"), ("Анна Волкова", "")],
    "ar": [("عمر خالد", ""), ("فاطمة علي", "silver"), ("يوسف أحمد", "")],
    "zh-hans": [("李娜", ""), ("张伟", "gold"), ("刘洋", "")],
    "fil": [("Jose Reyes", ""), ("Ana Cruz", ""), ("Mark Bautista", "silver")],
    "bn": [("তানভীর হাসান", ""), ("নুসরাত জাহান", ""), ("সাকিব রহমান", "")],
    "en": [("Emma Clarke", ""), ("Liam Turner", "gold"), ("Noah Patel", "")],
}

# (customer lines, agent lines, tags) per language; the agent's lines are in the customer's language.
SCRIPTS = {
    "ru": [
        (
            ["Здравствуйте, мой перевод USDT не пришёл на кошелёк", "Я отправил через сеть BSC, а адрес для Ethereum"],
            ["Здравствуйте! Я с вами, давайте разберёмся вместе.", "Пришлите, пожалуйста, TXID — я проверю обе сети."],
            ["wrong-chain"],
        ),
        (
            ["Не могу вывести деньги, пишет «ошибка верификации»", "Я уже загрузил паспорт два раза"],
            [
                "Понимаю, как это неприятно. Сейчас посмотрю статус проверки.",
                "Документы приняты, вывод откроется в течение часа.",
            ],
            ["kyc", "withdrawal"],
        ),
    ],
    "ar": [
        (
            ["مرحبا، لم تصل الأموال إلى محفظتي", "أرسلت USDT قبل ثلاث ساعات"],
            ["مرحبا، أنا معك. دعنا نتحقق معا.", "هل يمكنك إرسال معرف المعاملة TXID؟"],
            ["deposit"],
        ),
        (
            ["حسابي مقفل ولا أعرف السبب", "أنا خائف على أموالي"],
            ["أفهم قلقك تماما، أموالك بأمان.", "تم القفل لحمايتك بعد محاولة دخول غريبة؛ سأساعدك في فتحه الآن."],
            ["security"],
        ),
    ],
    "zh-hans": [
        (
            ["你好，我的钱包没有收到USDT", "我是用BSC网络转的"],
            ["你好，我在这里，我们一起看看。", "请发给我交易哈希，我来查一下。"],
            ["wrong-chain"],
        ),
        (
            ["提现一直显示处理中", "已经两天了"],
            ["抱歉让您久等了，我马上查看。", "提现已经完成，请查看您的银行账户。"],
            ["withdrawal"],
        ),
    ],
    "fil": [
        (
            ["Hello po, hindi pa dumarating ang pera ko sa wallet", "Nagpadala ako ng USDT kahapon"],
            ["Hello po, nandito ako para tumulong.", "Pakisend po ang TXID para ma-check ko."],
            ["deposit"],
        ),
        (
            ["Paano po mag-withdraw sa GCash?", "Hindi ko makita ang option"],
            [
                "Walang problema, gagabayan kita hakbang-hakbang.",
                "Pumunta po sa Wallet, tapos Withdraw, at piliin ang GCash.",
            ],
            ["withdrawal"],
        ),
    ],
    "bn": [
        (
            ["আমার টাকা ওয়ালেটে আসেনি", "আমি গতকাল USDT পাঠিয়েছি"],
            ["আমি আপনার সাথে আছি, চলুন একসাথে দেখি।", "অনুগ্রহ করে লেনদেনের TXID পাঠান।"],
            ["deposit"],
        ),
        (
            ["পাসওয়ার্ড ভুলে গেছি, লগইন করতে পারছি না"],
            ["চিন্তা করবেন না, আমি সাহায্য করছি।", "আপনার ইমেইলে একটি রিসেট লিংক পাঠানো হয়েছে।"],
            ["account"],
        ),
    ],
    "en": [
        (
            ["Hi, I sent USDT on BSC to my Ethereum deposit address", "Is my money lost?"],
            [
                "Hi, I'm here with you. Your funds are very likely not lost.",
                "Could you paste the TXID so I can check every chain?",
            ],
            ["wrong-chain"],
        ),
        (
            ["My withdrawal has been pending for hours", "I need it for rent today"],
            [
                "I understand, that's stressful. Let me look right now.",
                "It has just been sent; it should arrive within 30 minutes.",
            ],
            ["withdrawal"],
        ),
    ],
}

NOTES = [
    "Customer is anxious; keep it slow and reassuring.",
    "Checked the deposit address: it is ours on both chains.",
    "Escalated the withdrawal to finance, ticket reference in the sidebar.",
]
COMMENTS = {
    "yes": {
        "ru": "Спасибо, что выслушали!",
        "ar": "شكرا لصبركم",
        "zh-hans": "谢谢你的耐心",
        "en": "Thank you for staying with me",
    },
    "partly": {"ru": "Долго ждал ответа", "fil": "Medyo natagalan po", "en": "Took a while but got there"},
    "no": {"bn": "কেউ আমার কথা বুঝল না", "en": "I felt rushed"},
}


def seed(stdout, *, stories=lambda agents: []) -> None:
    """The demo's history; `stories(agents)` makes more past chats (their ids) to lay out among them: the wiring
    passes the ones that span apps supervisor may not import (pnl; helpdesk/demo_stories.py)."""
    if Conversation.objects.filter(customer__external_id__startswith=PREFIX).exists():
        stdout.write("Supervision demo: history already there.")
        return
    staff = {u.email: u for u in User.objects.filter(email__endswith="@demo.test")}
    agents = [staff[e] for e in ("amir@demo.test", "mei@demo.test") if e in staff]
    supervisor = staff.get("supervisor@demo.test")
    if not agents or supervisor is None:
        stdout.write("Supervision demo: demo staff missing; skipped.")
        return
    rng = random.Random(6)  # the same history on every machine
    now = timezone.now()
    count = 0
    for n in range(84):
        language = list(CUSTOMERS)[n % len(CUSTOMERS)]
        customer = _customer(language, n)
        script = SCRIPTS[language][(n // len(CUSTOMERS)) % len(SCRIPTS[language])]
        started = now - timedelta(days=rng.uniform(0.3, DAYS), hours=rng.uniform(-3, 3))
        started = started.replace(hour=rng.choice([7, 9, 10, 11, 13, 14, 15, 16, 18, 20, 21, 23]))
        conversation_id = _ended_chat(customer, language, script, agents, supervisor, rng, n)
        _backdate(conversation_id, min(started, now - timedelta(hours=2)), rng)
        count += 1
    for days_ago, conversation_id in enumerate(stories(agents), start=1):
        _backdate(conversation_id, now - timedelta(days=days_ago, hours=3), rng)
        count += 1
    _live_chats(agents[0])
    stdout.write(f"Supervision demo: {count} past conversations in six languages and 2 live chats.")


def _customer(language: str, n: int):
    name, vip = CUSTOMERS[language][(n // len(CUSTOMERS)) % len(CUSTOMERS[language])]
    index = (n // len(CUSTOMERS)) % len(CUSTOMERS[language])
    return tickets_services.customer_upsert(
        external_id=f"{PREFIX}{language}-{index}",
        name=name,
        locale=language,
        vip=vip,
        email=f"{PREFIX}{language}-{index}@example.com",
    )


def _ended_chat(customer, language, script, agents, supervisor, rng, n) -> int:
    said, replies, tags = script
    posted = chat_services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body=said[0], locale=language
    )
    conversation_id = posted.message.conversation_id
    agent = agents[n % len(agents)]
    chat_services.conversation_accept(agent=agent, conversation_id=conversation_id)
    _reply(agent, conversation_id, replies[0])
    for line in said[1:]:
        _say(customer, conversation_id, line)
    if n % 3 == 0:
        _reply(agent, conversation_id, rng.choice(NOTES), kind=Message.Kind.NOTE)
    if n % 5 == 0 and len(agents) > 1:
        other = agents[(n + 1) % len(agents)]
        chat_services.conversation_transfer(
            agent=agent,
            conversation_id=conversation_id,
            to_agent_id=other.pk,
            note="Customer shared the TXID; the deposit address checks out. Needs the chain lookup.",
        )
        agent = other
    if n % 11 == 0 and len(agents) > 1:
        other = agents[(agents.index(agent) + 1) % len(agents)]
        chat_services.conversation_reassign(
            supervisor=supervisor,
            conversation_id=conversation_id,
            to_agent_id=other.pk,
            reason="Shift change: handing over so the customer is not left waiting.",
        )
        agent = other
    for line in replies[1:]:
        _reply(agent, conversation_id, line)
    ticket = Conversation.objects.get(pk=conversation_id).ticket
    tickets_services.ticket_tags_set(ticket=ticket, tags=tags, actor=agent)
    ended_by_customer = n % 4 == 0
    chat_services.conversation_end(
        conversation_id=conversation_id,
        agent=None if ended_by_customer else agent,
        customer=customer if ended_by_customer else None,
    )
    answer = rng.choices(["yes", "partly", "no", None], weights=[62, 22, 8, 8])[0]
    if answer:
        comment = COMMENTS[answer].get(language, "") if rng.random() < 0.5 else ""
        chat_services.satisfaction_record(
            customer=customer, conversation_id=conversation_id, answer=answer, comment=comment
        )
    return conversation_id


def _say(customer, conversation_id: int, body: str) -> None:
    chat_services.customer_message_post(
        customer=customer, conversation_id=conversation_id, client_msg_id=uuid.uuid4(), body=body
    )


def _reply(agent, conversation_id: int, body: str, kind: str = Message.Kind.TEXT) -> None:
    chat_services.agent_message_post(
        agent=agent, conversation_id=conversation_id, client_msg_id=uuid.uuid4(), body=body, kind=kind
    )


def _backdate(conversation_id: int, start: datetime, rng: random.Random) -> None:
    """Lay the conversation's messages and events out over a believable half hour or so, from `start`."""
    conversation = Conversation.objects.get(pk=conversation_id)
    messages = list(Message.objects.filter(conversation_id=conversation_id))
    events = list(
        TimelineEvent.objects.filter(Q(conversation_id=conversation_id) | Q(ticket_id=conversation.ticket_id))
    )
    rows = sorted([*messages, *events], key=lambda row: (row.created_at, isinstance(row, TimelineEvent), row.pk))
    at, stamps = start, {}
    for row in rows:
        if isinstance(row, Message) and row.author_role != Message.AuthorRole.SYSTEM:
            at += timedelta(seconds=rng.uniform(25, 200) if row.author_role == "customer" else rng.uniform(40, 420))
        else:
            at += timedelta(seconds=rng.uniform(1, 4))
        stamps[(type(row), row.pk)] = at
    for (model, pk), moment in stamps.items():
        model.objects.filter(pk=pk).update(created_at=moment)
    _conversation_times(conversation, messages, events, stamps)


def _conversation_times(conversation, messages, events, stamps) -> None:
    def first(rows, test):
        found = [stamps[(type(r), r.pk)] for r in rows if test(r)]
        return min(found) if found else None

    def last(rows, test):
        found = [stamps[(type(r), r.pk)] for r in rows if test(r)]
        return max(found) if found else None

    started = first(events, lambda e: e.kind in ("chat.started", "ticket.created"))
    Conversation.objects.filter(pk=conversation.pk).update(
        created_at=started,
        accepted_at=first(events, lambda e: e.kind == "chat.accepted"),
        first_response_at=first(messages, lambda m: m.author_role == "agent" and m.kind == "text"),
        last_message_at=last(messages, lambda m: True),
        ended_at=first(events, lambda e: e.kind == "chat.ended"),
    )
    Ticket.objects.filter(pk=conversation.ticket_id).update(created_at=started, updated_at=last(events, lambda e: True))
    answered = first(events, lambda e: e.kind == "chat.satisfaction")
    if answered:
        Satisfaction.objects.filter(conversation_id=conversation.pk).update(created_at=answered)


def _live_chats(agent) -> None:
    """Two chats going on now, for the live monitor: one with an agent, one waiting in the queue."""
    with_agent = tickets_services.customer_upsert(
        external_id=f"{PREFIX}live-1", name="Sergei Ivanov", locale="ru", vip="gold"
    )
    posted = chat_services.customer_message_post(
        customer=with_agent,
        conversation_id=None,
        client_msg_id=uuid.uuid4(),
        body="Добрый день, я отправил ETH не в ту сеть, помогите пожалуйста",
        locale="ru",
    )
    chat_services.conversation_accept(agent=agent, conversation_id=posted.message.conversation_id)
    _reply(agent, posted.message.conversation_id, "Добрый день! Я здесь, не волнуйтесь, сейчас всё проверим.")
    waiting = tickets_services.customer_upsert(external_id=f"{PREFIX}live-2", name="Grace Lee", locale="en")
    chat_services.customer_message_post(
        customer=waiting,
        conversation_id=None,
        client_msg_id=uuid.uuid4(),
        body="Hello? My deposit from yesterday is still not showing",
        locale="en",
    )
    # Let the monitor's clocks show a believable wait and duration.
    earlier = timezone.now() - timedelta(minutes=14)
    Conversation.objects.filter(pk=posted.message.conversation_id).update(
        created_at=earlier, accepted_at=earlier + timedelta(minutes=2)
    )
