// Handing a chat to another agent, with a note. The list is read when the dialog opens (/console/agents/), so it
// shows everyone as they are now: online, away or offline, and how many chats each holds. Nobody is chosen for
// the agent: they pick a person.
import { gettext_noop, t as _ } from "../i18n.js";
import { el, shared } from "./kit.js";

const PRESENCE = { online: gettext_noop("Online"), away: gettext_noop("Away"), offline: gettext_noop("Offline") };

async function loadAgents() {
  const response = await fetch("/console/agents/", { credentials: "same-origin" });
  if (!response.ok) throw new Error(String(response.status));
  return (await response.json()).agents || [];
}

function agentOption(pane, agent) {
  const li = el("li", "agent-option");
  const label = el("label");
  const radio = el("input");
  radio.type = "radio";
  radio.name = `to-agent-${pane.id}`;
  radio.value = agent.id;
  const state = PRESENCE[agent.presence] ? agent.presence : "offline";
  const name = el("span", "agent-name", agent.name);
  name.dir = "auto";
  const presence = el("span", `agent-state state-${state}`, _(PRESENCE[state]));
  const load = el("span", "agent-load muted", _("chats now: {n}", { n: agent.chats ?? 0 }));
  label.append(radio, name, presence, load);
  li.appendChild(label);
  return li;
}

async function fillList(pane, list, status) {
  list.replaceChildren();
  status.textContent = _("Loading who is here…");
  status.hidden = false;
  try {
    const agents = await loadAgents();
    list.replaceChildren(...agents.map((agent) => agentOption(pane, agent)));
    status.textContent = agents.length ? "" : _("There is nobody else to hand this chat to.");
    status.hidden = agents.length > 0;
  } catch {
    status.textContent = _("The list of agents could not be loaded. Close this and try again.");
  }
}

export function wireTransfer(pane) {
  const dialog = pane.node.querySelector(".transfer-dialog");
  const list = dialog.querySelector(".transfer-list");
  const status = dialog.querySelector(".transfer-status");
  const note = dialog.querySelector("textarea");
  const error = dialog.querySelector(".transfer-error");
  pane.node.querySelector(".transfer-open").addEventListener("click", () => {
    error.hidden = true;
    dialog.showModal();
    fillList(pane, list, status);
  });
  dialog.querySelector(".transfer-cancel").addEventListener("click", () => dialog.close());
  dialog.querySelector("form").addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = list.querySelector("input:checked");
    const text = note.value.trim();
    const problem = !chosen
      ? _("Choose an agent.")
      : !text
        ? _("Write a note: where things stand and what is next.")
        : "";
    const frame = { type: "transfer", conversation: pane.id, to_agent: Number(chosen?.value), note: text };
    if (problem || !shared.socket.sendNow(frame)) {
      error.textContent = problem || _("You're offline; try again once reconnected.");
      error.hidden = false;
      return;
    }
    note.value = "";
    dialog.close();
  });
}
