// "Reveal contact details" in a customer panel (the console's sidebar, the ticket page). The e-mail and phone are
// masked until asked for; the server decides who may see them and records each reveal (docs/SECURITY.md).
// One listener on the document: panels are re-rendered often, and each new one works without wiring.
import { language, t as _, useLanguage } from "./i18n.js";

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (field) return field.value;
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function say(box, text) {
  const status = box.querySelector(".tk-reveal-status");
  status.textContent = text;
  status.hidden = !text;
}

async function reveal(button) {
  const panel = button.closest(".tk-context");
  const box = button.closest(".tk-reveal");
  const body = new FormData();
  const conversation = button.closest("[data-conversation-id]")?.dataset.conversationId;
  if (conversation) body.append("conversation", conversation);
  if (button.dataset.ticket) body.append("ticket", button.dataset.ticket);
  button.disabled = true;
  say(box, _("Revealing…"));
  try {
    const response = await fetch(button.dataset.revealUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" },
      body,
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.detail || _("error {status}", { status: response.status }));
    for (const field of panel.querySelectorAll("[data-reveal-field]")) {
      field.textContent = data[field.dataset.revealField] || "";
      field.classList.remove("tk-masked");
      field.classList.add("tk-revealed");
    }
    button.hidden = true;
    say(box, _("Revealed. This was recorded."));
  } catch (error) {
    button.disabled = false;
    say(box, _("Not revealed: {reason}", { reason: error.message }));
  }
}

document.addEventListener("click", (event) => {
  const button = event.target.closest?.("[data-reveal-url]");
  if (!button) return;
  event.preventDefault();
  reveal(button);
});

// On a page of its own (the ticket page) the words load here; the console loads them for itself.
const pageLanguage = document.documentElement.lang || "en";
if (!document.getElementById("console") && language() !== pageLanguage) useLanguage(pageLanguage);
