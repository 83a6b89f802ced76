"""A browser's User-Agent in a few words ("Chrome on Windows") for the sessions page. Only for recognising one's
own devices: never used to decide anything."""

import re

BROWSERS = [
    ("Edge", r"Edg(e|A|iOS)?/"),
    ("Opera", r"OPR/"),
    ("Samsung Internet", r"SamsungBrowser/"),
    ("Firefox", r"(Firefox|FxiOS)/"),
    ("Chrome", r"(Chrome|CriOS|Chromium)/"),
    ("Safari", r"Version/.*Safari/"),
]
SYSTEMS = [
    ("iPhone", r"iPhone"),
    ("iPad", r"iPad"),
    ("Android", r"Android"),
    ("Windows", r"Windows"),
    ("macOS", r"Mac OS X|Macintosh"),
    ("ChromeOS", r"CrOS"),
    ("Linux", r"Linux"),
]


def describe(user_agent: str) -> tuple[str, str]:
    """(browser, system); either may be "" when unknown."""
    browser = next((name for name, pattern in BROWSERS if re.search(pattern, user_agent or "")), "")
    system = next((name for name, pattern in SYSTEMS if re.search(pattern, user_agent or "")), "")
    return browser, system
