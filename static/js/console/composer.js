// A chat's composer and its actions: reply or internal note, drafts kept per conversation, typing, end, the
// transfer dialog (transfer.js), and the wrong-network walkthrough. Typed text is never lost: drafts live in
// localStorage.
import { t as _ } from "../i18n.js";
import { me, postAnswer, shared, toast } from "./kit.js";
import { renderPending } from "./messages.js";
import { wireTransfer } from "./transfer.js";

function draftKey(id) {
  return `helpdesk.draft.${me}.${id}`;
}

export function restoreDraft(pane) {
  pane.input.value = localStorage.getItem(draftKey(pane.id)) || "";
}

export function saveDraft(pane) {
  try {
    if (pane.input.value) localStorage.setItem(draftKey(pane.id), pane.input.value);
    else localStorage.removeItem(draftKey(pane.id));
  } catch {
    /* storage blocked: the text stays in the box */
  }
}

// At the cursor, as a canned reply is inserted; the agent edits and sends it.
export function insertText(pane, text) {
  const { selectionStart: start, selectionEnd: end, value } = pane.input;
  pane.input.value = value.slice(0, start) + text + value.slice(end);
  pane.input.selectionStart = pane.input.selectionEnd = start + text.length;
  saveDraft(pane);
}

export function wireComposer(pane) {
  const form = pane.node.querySelector(".composer");
  const label = form.querySelector(".composer-label");
  pane.input.id = `composer-${pane.id}`;
  label.htmlFor = pane.input.id;
  for (const radio of form.querySelectorAll("input[name=mode]")) radio.name = `mode-${pane.id}`;
  form.addEventListener("change", () => setMode(pane));
  setMode(pane);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendFrom(pane);
  });
  pane.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendFrom(pane);
    }
  });
  pane.input.addEventListener("input", () => {
    saveDraft(pane);
    typing(pane, true);
  });
  pane.node.querySelector(".end-chat").addEventListener("click", (event) => endChat(pane, event.currentTarget));
  const recovery = pane.node.querySelector(".recovery-start");
  recovery.addEventListener("click", () => startRecovery(pane, recovery));
  wireTransfer(pane);
}

function mode(pane) {
  return pane.node.querySelector(`input[name="mode-${pane.id}"]:checked`).value;
}

// The mode is said in words beside Send, not only by the radio above: after a note the box goes back to Reply.
export function setMode(pane, wanted) {
  if (wanted) pane.node.querySelector(`input[name="mode-${pane.id}"][value="${wanted}"]`).checked = true;
  const note = mode(pane) === "note";
  const form = pane.node.querySelector(".composer");
  form.classList.toggle("note-mode", note);
  form.dataset.mode = note ? "note" : "text";
  pane.input.placeholder = note
    ? _("Internal note: only staff see this. Never sent to the customer.")
    : _("Reply to the customer… (Enter sends, Shift+Enter for a new line)");
  pane.node.querySelector(".composer-send").textContent = note ? _("Add note") : _("Send");
  pane.node.querySelector(".composer-hint").textContent = note
    ? _("Writing an internal note: only staff see it")
    : _("Replying to {name}", { name: pane.customer?.name || _("Customer") });
  if (note) typing(pane, false);
}

function sendFrom(pane) {
  const body = pane.input.value.trim();
  if (pane.files?.chosen()) return sendWithFiles(pane, body); // ./files.js
  if (!body) return;
  const kind = mode(pane);
  const item = shared.socket.send({ conversation: pane.id, body, kind });
  renderPending(pane, item);
  pane.input.value = "";
  saveDraft(pane);
  if (kind === "text") typing(pane, false);
  else setMode(pane, "text"); // a note is a one-off: the next words go to the customer, as the hint says
}

function sendWithFiles(pane, body) {
  pane.files.send(body, mode(pane)); // a reply or a note; uploaded first, then sent
  pane.input.value = "";
  saveDraft(pane);
}

function typing(pane, active) {
  if (mode(pane) !== "text" || pane.assignee?.id !== me) return;
  const now = Date.now();
  if (active && pane.typingSentAt && now - pane.typingSentAt < 3000) return;
  pane.typingSentAt = active ? now : 0;
  shared.socket.sendNow({ type: "typing", conversation: pane.id, active, kind: "text" });
  clearTimeout(pane.idleTimer);
  if (active) pane.idleTimer = setTimeout(() => typing(pane, false), 4000);
}

function endChat(pane, button) {
  if (!button.classList.contains("confirm")) {
    button.classList.add("confirm");
    button.textContent = _("Yes, end it");
    setTimeout(() => {
      button.classList.remove("confirm");
      button.textContent = _("End chat");
    }, 5000);
    return;
  }
  if (!shared.socket.sendNow({ type: "end", conversation: pane.id })) {
    toast(_("You're offline; end the chat once reconnected."));
  }
}

// The wrong-network walkthrough: its cards appear in the chat for both sides (recovery/walkthrough.py).
async function startRecovery(pane, button) {
  button.disabled = true;
  try {
    const response = await postAnswer("/recovery/walkthrough/start/", { conversation: pane.id });
    if (!response.ok) throw new Error(String(response.status));
  } catch {
    toast(_("The walkthrough could not start. Try again in a moment."));
  } finally {
    button.disabled = false;
  }
}
