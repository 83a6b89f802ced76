"""How the chat's events read on a timeline, in the reader's language (tickets/timeline_words.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from tickets.timeline_words import describes, quoted

ANSWERS = {"yes": gettext_noop("Yes"), "partly": gettext_noop("Partly"), "no": gettext_noop("No")}


@describes("chat.started")
def _started(event, data, who):
    return _("%(customer)s started a chat.") % {"customer": who.customer}


@describes("chat.accepted")
def _accepted(event, data, who):
    return _("%(agent)s accepted the chat.") % {"agent": data.get("agent") or who.actor}


@describes("chat.transferred")
def _transferred(event, data, who):
    return _("%(actor)s handed the chat to %(to)s. Note: %(note)s") % {
        "actor": who.actor,
        "to": data.get("to_agent") or _("another agent"),
        "note": data.get("note") or "—",
    }


@describes("chat.reassigned")
def _reassigned(event, data, who):
    words = {
        "actor": who.actor,
        "from": data.get("from_agent") or _("nobody"),
        "to": data.get("to_agent") or _("another agent"),
    }
    if data.get("note"):
        return _("%(actor)s reassigned the chat from %(from)s to %(to)s. Reason: %(reason)s") % {
            **words,
            "reason": data["note"],
        }
    return _("%(actor)s reassigned the chat from %(from)s to %(to)s. No reason was given.") % words


@describes("chat.ended")
def _ended(event, data, who):
    by = who.customer if event.actor_role == "customer" else who.actor
    return _("%(who)s ended the chat.") % {"who": by}


@describes("chat.satisfaction")
def _satisfaction(event, data, who):
    answer = _(ANSWERS[data["answer"]]) if data.get("answer") in ANSWERS else "—"
    words = {"customer": who.customer, "answer": answer}
    if data.get("comment"):
        return _("%(customer)s answered “Did you feel heard?”: %(answer)s, and wrote: %(comment)s") % {
            **words,
            "comment": quoted(data["comment"]),
        }
    return _("%(customer)s answered “Did you feel heard?”: %(answer)s.") % words


@describes("chat.reply_waiting")
def _reply_waiting(event, data, who):
    count = data.get("unread") or 0
    return ngettext(
        "%(customer)s was away when %(count)s reply came; the exchange was told, so it can reach them.",
        "%(customer)s was away when %(count)s replies came; the exchange was told, so it can reach them.",
        count,
    ) % {"customer": who.customer, "count": count}
