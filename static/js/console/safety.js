// What the chat's safety checks found in a message, shown on it for the agent (docs/SECURITY.md): a wallet secret
// the customer pasted was removed before anyone saw it (frame.redacted), or a link imitates one of the exchange's
// own domains (frame.lookalikes), with a ready-made warning the agent sends in the customer's language in one click.
import { gettext_noop, t as _ } from "../i18n.js";
import { el, postAnswer } from "./kit.js";

const SECRET_WORDS = { seed_phrase: gettext_noop("a seed phrase"), private_key: gettext_noop("a private key") };

function redactedNote(kinds) {
  const what = kinds.map((kind) => _(SECRET_WORDS[kind] || kind)).join(", ");
  const note = el("p", "msg-safety msg-redacted");
  note.setAttribute("role", "note");
  note.textContent = _("The customer pasted {what}: it was removed before anyone saw it, and they were told what to do.", { what });
  return note;
}

async function sendWarning(frame, found, button, status) {
  button.disabled = true;
  status.textContent = _("Sending…");
  try {
    const url = `/console/conversations/${encodeURIComponent(frame.conversation)}/lookalike-warning/`;
    const response = await postAnswer(url, { host: found.host, client_msg_id: crypto.randomUUID() });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.detail || _("error {status}", { status: response.status }));
    button.hidden = true;
    status.textContent = _("Warning sent to the customer.");
  } catch (error) {
    button.disabled = false;
    status.textContent = _("Not sent: {reason}", { reason: error.message });
  }
}

function lookalikeWarning(frame, found) {
  const box = el("div", "msg-safety msg-lookalike");
  box.setAttribute("role", "note");
  box.dataset.host = found.host;
  const line = _("Look-alike link: {host} imitates {official}. Do not open it.", {
    host: found.host,
    official: found.imitates,
  });
  box.appendChild(el("p", "msg-lookalike-text", line));
  const button = el("button", "msg-lookalike-send", _("Warn the customer"));
  button.type = "button";
  const status = el("span", "msg-lookalike-status");
  status.setAttribute("role", "status");
  button.addEventListener("click", () => sendWarning(frame, found, button, status));
  box.append(button, status);
  return box;
}

// Called for every message the console renders (console/messages.js).
export function decorate(li, frame) {
  if (Array.isArray(frame.redacted) && frame.redacted.length) li.appendChild(redactedNote(frame.redacted));
  for (const found of Array.isArray(frame.lookalikes) ? frame.lookalikes : []) {
    li.appendChild(lookalikeWarning(frame, found));
  }
}
