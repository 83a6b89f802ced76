"""Celery tasks of the chat app: thin, they take ids and call chat.replies. None of them moves or ends a chat.

The usual Celery circle, kept on purpose: chat.replies enqueues the task, which calls back into chat.replies,
imported inside its body (the import-linter contract names this import).
"""

from celery import shared_task


@shared_task(acks_late=True, name="chat.reply_waiting_check")
def reply_waiting_check(conversation_id: int) -> str:
    """Announce an agent's reply waiting for a customer who is away (chat.reply_waiting), or look again later."""
    from chat import replies

    outcome, again_in = replies.reply_waiting_check(conversation_id)
    if again_in is not None:
        replies.check_soon(conversation_id, again_in)
    return outcome
