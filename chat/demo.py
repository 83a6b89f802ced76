"""Demo data for the chat's safety checks (called by `manage.py seed_demo`): Sam Okafor, held by Mei, was sent to a
look-alike of the demo exchange's site by an impostor and then pasted his recovery phrase into the chat. The phrase
is removed before it is stored (he reads the warning card); with HELPDESK_OFFICIAL_DOMAINS set (as `make run` does)
Mei's console flags the link with its one-click warning. Safe to run again: nothing is added twice."""

import uuid

from mnemonic import Mnemonic

from accounts.models import User
from chat import services
from chat.models import Conversation
from tickets import services as tickets_services

CUSTOMER = "demo-sam"
# A phrase from fixed entropy, with a valid checksum: exactly what a frightened customer pastes.
PHRASE = Mnemonic("english").to_mnemonic(bytes.fromhex("5a1f3e9c0d7b26e48a93c1f05be27d64"))
WORDS = [
    "Hi, someone from your support wrote to me on Telegram and sent me to https://demo-exchange-support.test/verify "
    "to verify my wallet. Is that you?",
    f"They said you need my recovery words to unlock my withdrawal, so here they are: {PHRASE}",
]
REPLY = (
    "Thank you for telling us, Sam. That was not us: we never write first on Telegram. "
    "I am here and will help you secure your funds right now."
)


def seed(stdout) -> None:
    if Conversation.objects.filter(customer__external_id=CUSTOMER).exists():
        stdout.write("Safety demo: already there.")
        return
    mei = User.objects.filter(email="mei@demo.test").first()
    if mei is None:
        stdout.write("Safety demo: demo staff missing; skipped.")
        return
    customer = tickets_services.customer_upsert(external_id=CUSTOMER)  # made with the others by seed_demo
    first = services.customer_message_post(
        customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body=WORDS[0], locale="en"
    )
    conversation_id = first.message.conversation_id
    services.conversation_accept(agent=mei, conversation_id=conversation_id)
    services.customer_message_post(
        customer=customer, conversation_id=conversation_id, client_msg_id=uuid.uuid4(), body=WORDS[1]
    )
    services.agent_message_post(agent=mei, conversation_id=conversation_id, client_msg_id=uuid.uuid4(), body=REPLY)
    stdout.write("Safety demo: Sam Okafor's chat (a look-alike link, a recovery phrase removed), held by Mei.")
