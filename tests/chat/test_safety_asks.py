"""An agent asking for a secret is caught in six languages; warnings, instructions and ordinary questions are not."""

import pytest

from common.safety.asks import asks_for_secret

ASKING = [
    "Please send me your seed phrase so I can check the wallet.",
    "What is your 2FA code?",
    "Can you tell me your password?",
    "I need your private key to recover the funds",
    "Type your 12 words here so we can verify",
    "To verify, share your recovery phrase with us.",
    "Пришлите, пожалуйста, вашу сид-фразу.",
    "Какой у вас пароль от аккаунта?",
    "Скиньте код из смс, я проверю.",
    "أرسل لي عبارة الاسترداد من فضلك",
    "ما هي كلمة المرور الخاصة بك؟",
    "请把助记词发给我",
    "你的密码是什么？",
    "Pakisend ang seed phrase mo dito",
    "Ibigay mo ang password mo para ma-verify",
    "আপনার পাসওয়ার্ড পাঠান",
    "আপনার সিড ফ্রেজ আমাকে বলুন",
]

NOT_ASKING = [
    "Support will never ask for your seed phrase.",
    "Never share your private key with anyone, including us.",
    "Enter your 2FA code in the app to confirm the withdrawal.",
    "Do not send your password to anyone.",
    "Please send me the TXID of the deposit.",
    "What is your deposit address on BSC?",
    "Can you send me a screenshot of the withdrawal page?",
    "Your password reset link was sent to your e-mail.",
    "If you shared your seed phrase anywhere, move your funds to a new wallet now.",
    "Мы никогда не просим сид-фразу.",
    "Не сообщайте никому пароль.",
    "لا تشارك كلمة المرور مع أي شخص",
    "我们绝不会索要您的助记词",
    "不要把私钥发给任何人",
    "Huwag ibigay ang password mo kahit kanino",
    "কখনো কাউকে আপনার পাসওয়ার্ড দেবেন না",
    "পাসওয়ার্ড পরিবর্তনের পরে ২ দিন অপেক্ষা করুন",
]


@pytest.mark.parametrize("text", ASKING)
def test_an_agent_asking_for_a_secret_is_caught(text):
    assert asks_for_secret(text)


@pytest.mark.parametrize("text", NOT_ASKING)
def test_warnings_instructions_and_ordinary_questions_pass(text):
    assert not asks_for_secret(text)
