// The ticket sidebar of the agent console. The console fires `helpdesk:chat-opened` on document with
// {conversationId, ticketId, customerId, element}; we render /tickets/<id>/sidebar/ into `element`.
// Changes POST the form and the server answers with the re-rendered fragment. Canned replies are only
// ever inserted into the composer (via `helpdesk:insert-text`); nothing is sent from here.

import { t as _ } from "./i18n.js";
import "./reveal.js"; // the panel's "Reveal contact details" button

const STYLESHEET = new URL("../css/tickets.css", import.meta.url).href;

function ensureStylesheet() {
  if (document.querySelector(`link[href="${STYLESHEET}"]`)) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = STYLESHEET;
  document.head.append(link);
}

function csrfToken(root) {
  const field = root.querySelector("input[name=csrfmiddlewaretoken]");
  if (field) return field.value;
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function showError(element, text) {
  const p = document.createElement("p");
  p.className = "alert";
  p.setAttribute("role", "alert");
  p.textContent = text;
  element.replaceChildren(p);
}

// The fragment is our own server-rendered HTML (autoescaped by Django), parsed without running scripts.
function render(element, html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  element.replaceChildren(...doc.body.childNodes);
}

// The chat the panel was opened for goes with each request: the access log records it (docs/SECURITY.md).
function sidebarUrl(state) {
  const about = state.conversationId ? `?conversation=${encodeURIComponent(state.conversationId)}` : "";
  return `/tickets/${state.ticketId}/sidebar/${about}`;
}

async function load(state) {
  const response = await fetch(sidebarUrl(state), {
    credentials: "same-origin",
    headers: { "X-Requested-With": "fetch" },
  });
  if (!response.ok) throw new Error(`the ticket could not be loaded (${response.status})`);
  render(state.element, await response.text());
  wire(state);
}

async function save(state, form) {
  const button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  try {
    const response = await fetch(sidebarUrl(state), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(form), "X-Requested-With": "fetch" },
      body: new FormData(form),
    });
    // 400 carries the re-rendered fragment with the reason shown in it.
    if (!response.ok && response.status !== 400) throw new Error(`saving failed (${response.status})`);
    render(state.element, await response.text());
    wire(state);
    if (response.ok) markSaved(state.element);
    document.dispatchEvent(
      new CustomEvent("helpdesk:ticket-changed", { detail: { ticketId: state.ticketId, conversationId: state.conversationId } }),
    );
  } catch (error) {
    if (button) button.disabled = false;
    showError(state.element, String(error.message || error));
  }
}

function markSaved(element) {
  const form = element.querySelector("[data-ticket-form]");
  if (!form) return;
  const note = document.createElement("span");
  note.className = "tk-saved";
  note.setAttribute("role", "status");
  note.textContent = _("Saved");
  form.append(note);
}

function replyItem(state, reply) {
  const li = document.createElement("li");
  const title = document.createElement("strong");
  title.textContent = reply.shared ? _("{title} · shared", { title: reply.title }) : reply.title;
  const body = document.createElement("p");
  body.textContent = reply.body.length > 160 ? `${reply.body.slice(0, 160)}…` : reply.body;
  const insert = document.createElement("button");
  insert.type = "button";
  insert.textContent = _("Insert");
  insert.className = "tk-insert";
  insert.addEventListener("click", () => {
    document.dispatchEvent(
      new CustomEvent("helpdesk:insert-text", { detail: { conversationId: state.conversationId, text: reply.body } }),
    );
  });
  li.append(title, body, insert);
  return li;
}

async function search(state, input, list) {
  const base = state.element.querySelector("[data-search-url]")?.dataset.searchUrl || "/tickets/replies/search/";
  const response = await fetch(`${base}?q=${encodeURIComponent(input.value)}`, { credentials: "same-origin" });
  if (!response.ok) return;
  const { replies } = await response.json();
  if (!replies.length) {
    const empty = document.createElement("li");
    empty.className = "muted";
    empty.textContent = _("No reply matches.");
    list.replaceChildren(empty);
    return;
  }
  list.replaceChildren(...replies.map((reply) => replyItem(state, reply)));
}

function wire(state) {
  const form = state.element.querySelector("[data-ticket-form]");
  form?.addEventListener("submit", (event) => {
    event.preventDefault();
    save(state, form);
  });
  const input = state.element.querySelector(".tk-canned-q");
  const list = state.element.querySelector(".tk-canned-results");
  if (!input || !list) return;
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(state, input, list), 200);
  });
  search(state, input, list);
}

export function open(detail) {
  const { conversationId, ticketId, element } = detail || {};
  if (!ticketId || !(element instanceof Element)) return null;
  ensureStylesheet();
  const state = { conversationId, ticketId, element };
  load(state).catch((error) => showError(element, String(error.message || error)));
  return state;
}

document.addEventListener("helpdesk:chat-opened", (event) => open(event.detail));

// On a page that carries its own sidebar slot (data-ticket-sidebar), open it right away.
for (const slot of document.querySelectorAll("[data-ticket-sidebar]")) {
  open({ ticketId: slot.dataset.ticketSidebar, conversationId: slot.dataset.conversationId || null, element: slot });
}
