"""The guided wrong-chain walkthrough in the chat (docs/recovery.md). Filled in step by step."""


def lookup_finished(*, lookup_id: int) -> None:
    """Called after a lookup's verdict is stored; a walkthrough waiting on it posts its result step."""
    return None
