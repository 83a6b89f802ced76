// What the console's modules share: the page's root, the agent's id, the open chats, the socket, and small helpers.
// Everything from the server is rendered with textContent.
import { language } from "../i18n.js";

export const $ = (id) => document.getElementById(id);
export const root = $("console");
export const me = Number(root.dataset.me);
export const panes = new Map(); // conversation id -> pane
// `socket` is set once by console.js before it connects; `activeId` is the chat in front.
export const shared = { socket: null, activeId: null };

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function clock(iso) {
  return (iso ? new Date(iso) : new Date()).toLocaleTimeString(language(), { hour: "2-digit", minute: "2-digit" });
}

// "ar" -> "Arabic" in the agent's own language: each chat shows whom the agent is writing to.
export function languageName(code) {
  try {
    return new Intl.DisplayNames([language()], { type: "language" }).of(code) || code;
  } catch {
    return code;
  }
}

export function toast(text) {
  const box = $("toast");
  delete box.dataset.offer;
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (box.hidden = true), 7000);
}

export function csrfToken() {
  const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export function postAnswer(url, body) {
  return fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
  });
}
