// Recovery's part of the agent console: a recovery case's card in a chat links to the case's page, where the agent
// moves it. The console announces each card it draws (`helpdesk:card-rendered`); chat knows nothing of recovery.
import { t as _ } from "../js/i18n.js";

document.addEventListener("helpdesk:card-rendered", (event) => {
  const { card, payload } = event.detail || {};
  const caseId = Number(payload?.case);
  if (!card || !Number.isInteger(caseId) || caseId <= 0 || !String(payload.type || "").startsWith("recovery.")) return;
  const row = document.createElement("p");
  row.className = "card-staff-link";
  const link = document.createElement("a");
  link.href = `/recovery/cases/${caseId}/`;
  link.textContent = _("Open recovery case #{n}", { n: caseId });
  row.appendChild(link);
  card.appendChild(row);
});
