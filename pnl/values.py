"""The explainer's values: the market's rules, what happened (fills, funding, rewards) and what it adds up to
(steps, causes, the breakdown). Plain frozen data; the walk (pnl.explainer) and the verdict (pnl.diagnosis) both
build on it, so neither needs the other to name a type."""

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Context, Decimal

from pnl.book import ZERO, Method, Side

WORKING = Context(prec=50, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class MarketRules:
    symbol: str
    quote_asset: str
    precision: int = 2  # decimal places of the quote asset as the exchange reports it
    rounding: str = ROUND_HALF_EVEN  # one of decimal's ROUND_* names

    def round(self, amount: Decimal) -> Decimal:
        return amount.quantize(Decimal(1).scaleb(-self.precision), rounding=self.rounding)


@dataclass(frozen=True)
class TradeFill:
    ref: str
    time: datetime
    side: Side
    price: Decimal
    quantity: Decimal
    fee: Decimal = ZERO  # positive = paid; negative = a maker rebate paid back on the fill
    fee_asset: str = ""  # blank = the quote asset
    fee_rate: Decimal | None = None  # quote asset per unit of fee asset at fill time
    order_ref: str = ""
    reported_pnl: Decimal | None = None  # the exchange's realized P&L for this fill, if it sends one


@dataclass(frozen=True)
class FundingPayment:
    ref: str
    time: datetime
    amount: Decimal  # in the quote asset: positive = received, negative = paid


@dataclass(frozen=True)
class Reward:
    ref: str
    time: datetime
    kind: str
    amount: Decimal
    asset: str = ""  # blank = the quote asset
    rate: Decimal | None = None  # quote asset per unit of `asset`


@dataclass(slots=True)  # not frozen: a frozen __init__ costs twice as much, and there are 20,000 of these
class Step:
    index: int
    time: datetime | None
    kind: str  # carried_in | trade | fee | funding | rebate
    ref: str
    describe: str | tuple  # the sentence, or (function, *arguments) that writes it when first read
    amount: Decimal  # exact, in the quote asset
    running_total: Decimal  # exact
    position_after: Decimal  # signed quantity: positive long, negative short
    order_ref: str = ""
    reported: Decimal | None = None  # the exchange's own figure for this step, when it sent one
    problem: str = ""  # set when this step is where the recomputation and the exchange part ways

    @property
    def text(self) -> str:
        """One plain English sentence for the agent. Written lazily: a page shows a few hundred of 20,000."""
        if isinstance(self.describe, str):
            return self.describe
        function, *arguments = self.describe
        return function(*arguments)


@dataclass(frozen=True)
class Cause:
    key: str  # gross | fees | funding_paid | funding_received | rebates | still_open | method
    amount: Decimal | None
    text: str


@dataclass(frozen=True)
class Breakdown:
    rules: MarketRules
    method: Method
    steps: tuple[Step, ...]
    gross: Decimal
    fees: Decimal  # positive = paid
    funding_paid: Decimal  # positive = paid
    funding_received: Decimal
    rebates: Decimal
    total: Decimal  # exact sum of the steps
    final: Decimal  # `total` rounded as the market rounds
    reported: Decimal | None
    open_quantity: Decimal
    causes: tuple[Cause, ...]
    findings: tuple[str, ...] = ()  # why our figure and the exchange's differ, in plain words
    problems: tuple[str, ...] = ()  # data we could not use (e.g. a fee with no conversion rate)

    @property
    def difference(self) -> Decimal | None:
        """The exchange's figure minus ours (both rounded); None when the exchange reported nothing."""
        return None if self.reported is None else self.rules.round(self.reported) - self.final

    @property
    def status(self) -> str:
        if self.reported is None:
            return "no_report"
        return "match" if self.difference == 0 else "mismatch"
