"""How the P&L explainer's events read on a timeline, in the reader's language (tickets/timeline_words.py)."""

from django.utils.translation import gettext as _

from pnl import selectors
from pnl.models import Position
from tickets.timeline_words import amount, describes


@describes("pnl.shared")
def _shared(event, data, who):
    market, asset = data.get("market"), data.get("asset")
    if not market and data.get("position"):  # an event recorded before the market and asset were kept
        market = Position.objects.filter(external_id=data["position"]).values_list("market", flat=True).first()
    if asset is None and market:
        asset = selectors.market_rules(market)[0].quote_asset
    text = _("%(actor)s showed %(customer)s how the P&L of their %(market)s position adds up: %(final)s.") % {
        "actor": who.actor,
        "customer": who.customer,
        "market": market or "—",
        "final": amount(data.get("final") or 0, asset or ""),
    }
    if data.get("reported") is not None:
        text += " " + _("The exchange had reported %(reported)s.") % {"reported": amount(data["reported"], asset or "")}
    return text
