// One pane at a time on a narrow screen: the list (waiting customers and open chats) or one chat, whose ticket
// opens in place of its messages. console.css decides when (`--panes: single`); on a wide screen every part shows
// at once and these calls only keep the state, so the desktop console is unchanged.
import { panes, root, shared } from "./kit.js";
import { scrollDown } from "./messages.js";

export function singlePane() {
  return getComputedStyle(root).getPropertyValue("--panes").trim() === "single";
}

export function showView(view) {
  root.dataset.view = view;
}

export function showDetails(pane, open) {
  pane.node.classList.toggle("details-open", open);
  pane.node.querySelector(".details-toggle").setAttribute("aria-expanded", String(open));
  if (open) pane.context.scrollTop = 0;
}

// The messages are on screen (not the list, not the ticket, not a hidden tab): only then are they read.
export function inSight(pane) {
  return document.visibilityState === "visible" && pane.list.getClientRects().length > 0;
}

// On a phone the keyboard shrinks the page (interactive-widget=resizes-content in console.html): while the agent
// writes, keep the latest words in sight above the composer (Chromium's scroll anchoring does it alone; Safari has
// none).
window.addEventListener("resize", () => {
  const pane = panes.get(shared.activeId);
  if (pane && document.activeElement === pane.input) scrollDown(pane);
});
