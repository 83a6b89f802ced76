"""History search: supervisor.selectors.history with a full-text query over ~1,000,000 messages in six languages.

Runs as its own process on its own database (BENCH_SEARCH_DATABASE_URL, default helpdesk_bench_search), because
the data is large and kept between runs: only the first run on a fresh database pays for generating it.
Usage: python -m bench.search OUT.json
"""

import json
import os
import random
import statistics
import sys
import time

from bench.env import DEFAULT_DATABASE_URL

SEARCH_DATABASE_URL = os.environ.get("BENCH_SEARCH_DATABASE_URL", DEFAULT_DATABASE_URL + "_search")
ROWS = int(os.environ.get("BENCH_SEARCH_ROWS", "1000000"))
PER_CONVERSATION = 100
ROUNDS = 5
NEEDLE_EVERY = 997  # about one message in a thousand carries its language's rare word

PHRASES = {
    "en": "my deposit is late where are the funds I sent usdt on the wrong network please help withdrawal "
    "pending since yesterday account frozen verification failed how long does it take thanks",
    "ru": "мой депозит не пришёл где мои деньги отправил usdt не в ту сеть помогите пожалуйста вывод "
    "завис со вчера аккаунт заблокирован проверка не прошла сколько ждать спасибо",  # noqa: RUF001
    "ar": "لم يصل الإيداع أين أموالي أرسلت usdt على الشبكة الخطأ ساعدني من فضلك السحب معلق منذ أمس "
    "الحساب مجمد فشل التحقق كم من الوقت شكرا",
    "zh": "我的 充值 没有 到账 资金 在哪里 我 把 usdt 发到 错误 网络 请 帮助 提现 一直 待处理 账户 冻结 "
    "验证 失败 需要 多久 谢谢",
    "bn": "আমার জমা এখনো আসেনি টাকা কোথায় আমি ভুল নেটওয়ার্কে usdt পাঠিয়েছি দয়া করে সাহায্য করুন উত্তোলন "
    "আটকে আছে অ্যাকাউন্ট বন্ধ যাচাই ব্যর্থ ধন্যবাদ",
    "fil": "hindi pa dumating ang deposito ko nasaan ang pera nagpadala ako ng usdt sa maling network "
    "pakitulungan ako ang withdrawal ay nakabinbin naka-freeze ang account salamat",
}
WORDS = {language: phrase.split() for language, phrase in PHRASES.items()}
NEEDLES = {"en": "chargeback", "ru": "возвратплатежа", "ar": "استرداد", "zh": "退款", "bn": "ফেরত", "fil": "refundo"}
QUERIES = [
    "chargeback",
    "возвратплатежа",
    "استرداد",
    "退款",
    "ফেরত",
    "refundo",  # rare words
    "deposit",
    "депозит",
    "الإيداع",
    "充值",
    "জমা",
    "deposito",  # common words
    "wrong network",
    '"account frozen"',
    "вывод завис",
    "账户 冻结",  # several words and a phrase
]


def setup() -> None:
    os.environ["BENCH_DATABASE_URL"] = SEARCH_DATABASE_URL
    from bench.env import django_setup

    django_setup()


def body(rng: random.Random, language: str, index: int) -> str:
    words = rng.choices(WORDS[language], k=rng.randint(5, 14))
    if index % NEEDLE_EVERY == 0:
        words.insert(rng.randrange(len(words)), NEEDLES[language])
    return " ".join(words) if language != "zh" else "".join(words)


def generate(rows: int) -> float:
    """Customers, tickets and ended conversations in bulk, then messages by COPY, the GIN index built after."""
    from django.db import connection
    from django.utils import timezone

    from chat.models import Conversation, Message
    from tickets.models import Customer, Ticket

    started = time.monotonic()
    count = rows // PER_CONVERSATION
    languages = list(WORDS)
    customers = Customer.objects.bulk_create(
        [
            Customer(external_id=f"bench-search-{i}", name=f"Customer {i}", locale=languages[i % 6])
            for i in range(count)
        ],
        batch_size=5000,
    )
    tickets = Ticket.objects.bulk_create([Ticket(customer=c, subject="Chat") for c in customers], batch_size=5000)
    conversations = Conversation.objects.bulk_create(
        [
            Conversation(
                ticket=t,
                customer=t.customer,
                status=Conversation.Status.ENDED,
                locale=t.customer.locale,
                last_seq=PER_CONVERSATION,
                last_staff_seq=PER_CONVERSATION,
            )
            for t in tickets
        ],
        batch_size=5000,
    )
    rng, now = random.Random(7), timezone.now()
    table = Message._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute("DROP INDEX IF EXISTS chat_message_search_gin")
        columns = "conversation_id, seq, staff_seq, kind, author_role, author_name, body, created_at"
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for n, conversation in enumerate(conversations):
                language = languages[n % 6] if languages[n % 6] != "zh" else "zh"
                for seq in range(1, PER_CONVERSATION + 1):
                    role = "customer" if seq % 2 else "agent"
                    copy.write_row(
                        (conversation.pk, seq, seq, "text", role, role, body(rng, language, n * 131 + seq), now)
                    )
        cursor.execute("CREATE INDEX chat_message_search_gin ON chat_message USING gin (search_vector)")
        cursor.execute(f"ANALYZE {table}")
        cursor.execute("ANALYZE chat_conversation")
    return time.monotonic() - started


def median_ms(call) -> float:
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def split_timing(queryset, cap: int) -> dict:
    """Where a page's time goes: the 25 rows shown, the pager's capped count, and (for comparison) the count of
    every match, which the pager ran before it was capped."""
    from supervisor.paging import CappedPaginator

    return {
        "page_ms": median_ms(lambda: list(queryset[:25])),
        "count_ms": median_ms(lambda: CappedPaginator(queryset, 25, cap=cap).count),
        "uncapped_count_ms": median_ms(queryset.count),
        "uncapped_hits": queryset.count(),
    }


def measure() -> dict:
    from django.conf import settings

    from accounts.models import Role
    from accounts.services import staff_upsert
    from chat.models import Message
    from supervisor import selectors
    from supervisor.paging import capped_page

    existing = Message.objects.count()
    generated_s = generate(ROWS - existing) if existing < ROWS * 0.99 else None
    supervisor, _ = staff_upsert(email="bench-supervisor@bench.test", password=None, role=Role.SUPERVISOR)
    times, per_query, cap = [], {}, settings.HISTORY_COUNT_CAP
    for query in QUERIES:
        samples = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            page = capped_page(selectors.history(supervisor, {"q": query}), 1, per_page=25, cap=cap)
            rows = list(page.object_list)
            total = page.paginator.count
            samples.append((time.perf_counter() - started) * 1000)
        times += samples
        per_query[query] = {
            "p50": sorted(samples)[len(samples) // 2],
            "max": max(samples),
            "hits": total,
            "capped": page.paginator.is_capped,
            "shown": len(rows),
            **split_timing(selectors.history(supervisor, {"q": query}), cap),
        }
    from bench.stats import summary

    return {
        "messages": Message.objects.count(),
        "count_cap": cap,
        "generated_s": generated_s,
        "all": summary(times),
        "queries": per_query,
    }


if __name__ == "__main__":
    setup()
    result = measure()
    with open(sys.argv[1], "w") as f:
        json.dump(result, f, ensure_ascii=False)
