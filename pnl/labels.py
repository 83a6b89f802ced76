# ruff: noqa: RUF001 (Russian words are meant to be Cyrillic)
"""The customer-facing words of the breakdown card, per language.

Kept here rather than in locale/*/django.po so that this app never edits the shared message catalogues that
other apps are changing at the same time. English and Russian are complete; any other language falls back to
English (add a language by adding a dict with the same keys; tests check every key is present).
"""

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Your {market} result, step by step",
        "intro": "How the realized result of this position adds up ({asset}):",
        "col_step": "Step",
        "col_amount": "Amount",
        "col_total": "Running total",
        "gross": "Profit or loss from price moves",
        "fees": "Trading fees",
        "funding_paid": "Funding paid",
        "funding_received": "Funding received",
        "rebates": "Rebates and rewards",
        "result": "Result",
        "match": "This matches the figure in your P&L tab: {reported}.",
        "mismatch": (
            "Your P&L tab shows {reported}; our step-by-step count gives {final}. "
            "We are checking the difference of {difference} and will come back to you."
        ),
        "no_report": "The result counted step by step is {final}.",
        "still_open": "Part of the position is still open; its result is not counted until it closes.",
        "decimal": ".",
    },
    "ru": {
        "title": "Ваш результат по {market}, по шагам",
        "intro": "Из чего складывается реализованный результат по этой позиции ({asset}):",
        "col_step": "Шаг",
        "col_amount": "Сумма",
        "col_total": "Итого",
        "gross": "Прибыль или убыток от движения цены",
        "fees": "Торговые комиссии",
        "funding_paid": "Уплаченное финансирование",
        "funding_received": "Полученное финансирование",
        "rebates": "Скидки и вознаграждения",
        "result": "Результат",
        "match": "Это совпадает с суммой во вкладке P&L: {reported}.",
        "mismatch": (
            "Во вкладке P&L указано {reported}, а пошаговый расчёт даёт {final}. "
            "Мы проверяем разницу в {difference} и вернёмся к вам с ответом."
        ),
        "no_report": "Пошаговый расчёт даёт {final}.",
        "still_open": "Часть позиции ещё открыта; её результат будет учтён после закрытия.",
        "decimal": ",",
    },
}

FALLBACK = "en"


def labels_for(language: str | None) -> tuple[str, dict[str, str]]:
    """The language actually used (after fallback) and its labels. "ru-RU" and "ru_RU" mean "ru"."""
    code = (language or "").lower().replace("_", "-").split("-")[0]
    if code in LABELS:
        return code, LABELS[code]
    return FALLBACK, LABELS[FALLBACK]
