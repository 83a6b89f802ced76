"""Refuse an agent's message that asks the customer for a wallet or account secret.

Real support never asks for a seed phrase, a private key, a password or a 2FA code; anyone who does is an impostor
or a colleague about to make a terrible mistake, and customers in a panic comply. A message is refused when one of
its sentences names such a secret AND asks for it (send me, tell me, what is your, I need your, ...) AND does not
negate it: "Support will never ask for your seed phrase" and "Enter your 2FA code in the app" stay allowed.

The patterns cover the six languages of the product (en, ru, ar, zh, fil, bn). They are deliberately narrow: a
false refusal of a warning would stop exactly the agent who is protecting the customer. Tests hold both sides:
tests/chat/test_safety_asks.py.
"""

import re

_FLAGS = re.IGNORECASE

SECRET = re.compile(
    r"\bseeds?\b|seed\s*phrase|mnemonic|recovery\s+phrase|secret\s+phrase|backup\s+phrase|(?:12|24)[\s-]*words?"
    r"|private\s*key|pass\s*word|passcode|\b2\s*-?\s*fa\b|authenticator\s+code|\botp\b|one[\s-]*time\s+code"
    r"|sms\s+code|verification\s+code|google\s+auth"
    r"|\bсид\b|сид[\s-]*фраз|мнемони|секретн\w*\s+фраз|фраз\w*\s+восстановлени|(?:12|24)\s+слов|приватн\w*\s+ключ|закрыт\w*\s+ключ"
    r"|парол|код\w*\s+(?:из\s+)?(?:смс|sms|2fa|подтвержден|аутентификатор|google)|одноразов\w*\s+код"
    r"|عبارة\s+(?:الاسترداد|البذرة|الاسترجاع)|العبارة\s+السرية|الكلمات\s+(?:الاثني|الاثنتي)\s+عشر|المفتاح\s+الخاص"
    r"|مفتاح\w*\s+الخاص|كلمة\s+(?:المرور|السر)|رمز\s+(?:التحقق|المصادقة|التأكيد)|الرمز\s+(?:الثنائي|السري)"
    r"|助记词|私钥|私鑰|密码|密碼|验证码|驗證碼|谷歌验证|二次验证|恢复短语|种子短语"
    r"|pribadong\s+susi|verification\s+code|code\s+sa\s+sms"
    r"|সিড\s*ফ্রেজ|রিকভারি\s*ফ্রেজ|প্রাইভেট\s*কী|গোপন\s*কী|পাসওয়ার্ড|ওটিপি|ভেরিফিকেশন\s*কোড|যাচাই\w*\s*কোড|২এফএ",
    _FLAGS,
)

ASK = re.compile(
    r"\b(?:send|give|tell|share|provide|paste|forward|type|write|read\s+out|dm)\b[^.?!]{0,40}?"
    r"\b(?:me|us|here|(?:in|into)\s+(?:this|the)\s+chat|to\s+(?:me|us))\b"
    r"|\bwhat(?:'s|\s+is|\s+are)\s+your\b|\b(?:i|we)\s+(?:need|require)\s+your\b"
    r"|\b(?:can|could|would)\s+you\s+(?:please\s+)?(?:send|give|tell|share|provide|paste|type)\b"
    r"|\bplease\s+(?:send|give|tell|share|provide|paste)\b"
    r"|пришлите|пришли|отправьте|скиньте|скинь|сообщите|продиктуйте|назовите|скажите|дайте|напишите\s+(?:мне|нам|сюда|в\s+чат)"
    r"|какой\s+у\s+вас|нам\s+нужен|мне\s+нужен|нужна\s+ваша|нужен\s+ваш"
    r"|أرسل|ارسل|أرسلي|ارسلي|أعطني|اعطني|أخبرني|اخبرني|زودني|شارك\w*\s+معي|اكتب\w*\s+(?:لي|هنا)|ما\s+هي|ما\s+هو"
    r"|发给我|发送给我|告诉我|提供|发一下|发过来|发我|给我|在这里输入|输入到这里|是多少|是什么"
    r"|ipadala|padalhan|ibigay|sabihin|i-send|send\s+mo|pakibigay|pakisend|pakipadala|i-type\s+(?:mo\s+)?dito|ano\s+ang"
    r"|পাঠান|পাঠাও|পাঠিয়ে\s+দিন|দিয়ে\s+দিন|আমাকে|বলুন|জানান|লিখুন|শেয়ার\s+করুন",
    _FLAGS,
)

NEGATION = re.compile(
    r"\b(?:never|don'?t|do\s+not|does\s+not|doesn'?t|won'?t|will\s+not|not|no\s+one|nobody|nor|avoid)\b"
    r"|никогда|\bне\b|\bни\b|нельзя"
    r"|\bلا\b|\bلن\b|أبدا|أبداً|ابدا|إياك|لا\s+تشارك"
    r"|不要|绝不|決不|永远不|永遠不|不会|不會|切勿|别|別|请勿|請勿|从不|從不"
    r"|\bhuwag\b|\bhindi\b|kailanman|\bwag\b"
    r"|কখনো|কখনোই|\bনা\b|নয়|করবেন\s+না",
    _FLAGS,
)

_SENTENCE = re.compile(r"[^.!?。！？؟\n]+")


def asks_for_secret(text: str) -> bool:
    if not SECRET.search(text):
        return False  # most messages name no secret at all: one scan, no sentence splitting
    return any(_asks(sentence) for sentence in _SENTENCE.findall(text))


def _asks(sentence: str) -> bool:
    return bool(SECRET.search(sentence) and ASK.search(sentence) and not NEGATION.search(sentence))
