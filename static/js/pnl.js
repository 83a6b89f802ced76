// The P&L explainer page: draw each card preview with the chat's own card renderer, and share without a reload.
import { renderCard } from "./cards.js";

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function drawPreviews() {
  for (const holder of document.querySelectorAll("[data-card-preview]")) {
    const data = document.getElementById(holder.dataset.cardPreview);
    if (!data) continue;
    const payload = JSON.parse(data.textContent);
    holder.replaceChildren(renderCard(payload, { viewer: "agent", answered: () => false, post: async () => null }));
  }
}

async function share(form) {
  const button = form.querySelector("button");
  const status = form.querySelector(".pnl-share-status");
  button.disabled = true;
  status.textContent = "Sharing…";
  try {
    const response = await fetch(form.action, {
      method: "POST",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    });
    const data = await response.json();
    if (!response.ok) throw new Error(data.detail || `error ${response.status}`);
    status.textContent = "Shared into the customer's chat.";
  } catch (error) {
    status.textContent = `Not shared: ${error.message}`;
  } finally {
    button.disabled = false;
  }
}

function wireShareForms() {
  for (const form of document.querySelectorAll(".pnl-share-form")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      share(form);
    });
  }
}

drawPreviews();
wireShareForms();
