"""The book of open lots: what a position holds and what it cost, under either cost-basis method."""

from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal(0)


class Method(StrEnum):
    FIFO = "fifo"
    AVERAGE = "average"


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"


@dataclass
class Book:
    """Open quantity and its cost. `direction` is +1 long, -1 short, 0 flat."""

    method: Method
    direction: int = 0
    lots: deque = field(default_factory=deque)  # FIFO: [quantity, price] oldest first
    quantity: Decimal = ZERO  # total open quantity (unsigned)
    average: Decimal = ZERO  # average entry price (average-cost method)

    @property
    def signed(self) -> Decimal:
        return self.quantity * self.direction

    def apply(self, side: Side, price: Decimal, quantity: Decimal) -> tuple[Decimal, Decimal, Decimal]:
        """Book one fill. Returns (realized P&L, quantity closed, quantity opened)."""
        fill_direction = 1 if side == Side.BUY else -1
        closing = min(quantity, self.quantity) if self.direction == -fill_direction else ZERO
        realized = self._close(price, closing) if closing else ZERO
        opening = quantity - closing
        if opening:
            self._open(fill_direction, price, opening)
        return realized, closing, opening

    def _open(self, direction: int, price: Decimal, quantity: Decimal) -> None:
        if self.quantity == 0:
            self.direction, self.average = direction, price
        elif self.method == Method.AVERAGE:
            self.average = (self.average * self.quantity + price * quantity) / (self.quantity + quantity)
        self.quantity += quantity
        if self.method == Method.FIFO:
            self.lots.append([quantity, price])

    def _close(self, price: Decimal, quantity: Decimal) -> Decimal:
        realized = (
            self._close_fifo(price, quantity) if self.method == Method.FIFO else self._close_average(price, quantity)
        )
        self.quantity -= quantity
        if self.quantity == 0:
            self.direction, self.average = 0, ZERO
        return realized

    def _close_fifo(self, price: Decimal, quantity: Decimal) -> Decimal:
        realized = ZERO
        while quantity:
            lot = self.lots[0]
            taken = min(lot[0], quantity)
            realized += taken * (price - lot[1]) * self.direction
            lot[0] -= taken
            quantity -= taken
            if lot[0] == 0:
                self.lots.popleft()
        return realized

    def _close_average(self, price: Decimal, quantity: Decimal) -> Decimal:
        return quantity * (price - self.average) * self.direction

    def entry_price(self) -> Decimal:
        """Average entry of what is still open (FIFO: weighted over the remaining lots)."""
        if self.quantity == 0:
            return ZERO
        if self.method == Method.AVERAGE:
            return self.average
        return sum((q * p for q, p in self.lots), ZERO) / self.quantity
