// Cards (docs/cards.md): structured messages rendered from their payload alone, always as text, never as HTML.
import { gettext_noop, t as _ } from "./i18n.js";

const PROGRESS_LABELS = {
  pending: gettext_noop("checking…"),
  ok: gettext_noop("ok"),
  found: gettext_noop("found"),
  not_found: gettext_noop("not found"),
  unknown: gettext_noop("unknown"),
  failed: gettext_noop("could not check"),
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function textBlock(block) {
  return el("p", "card-text", block.text);
}

// An amount ("+24,00", "−6.50 USDT", "250 USDT") is never broken across lines: its cell keeps it whole.
const NUMERIC = /^[+\-\u2212]?[\d\s.,\u00a0\u202f]*\d[\d.,]*(\s*[A-Z]{2,10})?$/;

function tableBlock(block) {
  const table = el("table", "card-table");
  const columns = Array.isArray(block.table?.columns) ? block.table.columns : [];
  const head = table.createTHead().insertRow();
  for (const column of columns) head.appendChild(el("th", null, column));
  const body = table.createTBody();
  for (const row of Array.isArray(block.table?.rows) ? block.table.rows : []) {
    const tr = body.insertRow();
    for (const cell of Array.isArray(row) ? row : []) {
      tr.appendChild(el("td", NUMERIC.test(String(cell)) ? "num" : null, cell));
    }
  }
  return table;
}

function linkBlock(block) {
  const href = String(block.link?.href || "");
  const label = block.link?.label || href;
  if (!href.startsWith("https://")) return el("p", "card-text muted", label); // only https links are followed
  const row = el("p", "card-link-row"); // one link per line, never run together
  const link = el("a", "card-link", label);
  link.href = href;
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  row.appendChild(link);
  return row;
}

// An address or hash people copy whole: on one line (it scrolls rather than wraps mid-address, which broke
// selecting it), selected whole by a click, and a Copy button.
function copyBlock(block) {
  const value = String(block.copy?.value || "");
  const row = el("div", "card-copy");
  if (block.copy?.label) row.appendChild(el("span", "card-copy-label", block.copy.label));
  const code = el("code", "card-copy-value", value);
  code.dir = "ltr";
  const button = el("button", "card-copy-button", _("Copy"));
  button.type = "button";
  button.addEventListener("click", () => copyText(value, code, button));
  row.append(code, button);
  return row;
}

async function copyText(value, code, button) {
  let copied = false;
  try {
    await navigator.clipboard.writeText(value);
    copied = true;
  } catch {
    // No clipboard API here (a plain-http page, a frame without the permission): select it for Ctrl+C.
    const range = document.createRange();
    range.selectNodeContents(code);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    copied = document.execCommand?.("copy") || false;
  }
  button.textContent = copied ? _("Copied") : _("Selected: press Ctrl+C");
  setTimeout(() => (button.textContent = _("Copy")), 2500);
}

function progressBlock(block) {
  const list = el("ul", "card-progress");
  for (const item of Array.isArray(block.progress) ? block.progress : []) list.appendChild(progressItem(item));
  return list;
}

function progressItem(item) {
  const state = PROGRESS_LABELS[item.state] ? item.state : "unknown";
  const li = el("li", `progress-${state}`);
  li.dataset.key = item.key || "";
  li.appendChild(el("span", "progress-label", item.label || item.key));
  li.appendChild(el("span", "progress-state", _(PROGRESS_LABELS[state])));
  return li;
}

function choicesBlock(block, ctx) {
  const row = el("div", "card-choices");
  for (const choice of Array.isArray(block.choices) ? block.choices : []) {
    const button = el("button", "card-choice", choice.label || choice.value);
    button.type = "button";
    button.disabled = !ctx.canAnswer;
    button.dataset.value = String(choice.value);
    button.addEventListener("click", () => ctx.answer(String(choice.value), row));
    row.appendChild(button);
  }
  return row;
}

function inputBlock(block, ctx) {
  const form = el("form", "card-input");
  const id = `card-${Math.random().toString(36).slice(2)}`;
  const label = el("label", null, block.input?.label || "");
  label.htmlFor = id;
  const input = el("input");
  input.id = id;
  input.name = block.input?.name || "value";
  input.placeholder = block.input?.placeholder || "";
  input.dir = "auto"; // a pasted TXID reads left to right, Arabic words right to left
  input.autocomplete = "off";
  input.disabled = !ctx.canAnswer;
  const button = el("button", "primary", _("Send"));
  button.type = "submit";
  button.disabled = !ctx.canAnswer;
  form.append(label, input, button);
  if (block.input?.with_choice) {
    // Words that go with the card's choice (the survey's comment): never an answer on their own.
    form.classList.add("card-input-extra");
    ctx.extras.push(input);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      ctx.sendExtras(form);
    });
    return form;
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.value.trim()) ctx.answer(input.value.trim(), form);
  });
  return form;
}

const BLOCKS = { text: textBlock, table: tableBlock, link: linkBlock, progress: progressBlock, copy: copyBlock };
const CONTROLS = { choices: choicesBlock, input: inputBlock };

export function renderBlocks(container, blocks, ctx) {
  container.replaceChildren();
  if (ctx?.extras) ctx.extras.length = 0; // redrawn: only the new inputs count
  for (const block of Array.isArray(blocks) ? blocks : []) {
    if (!block || typeof block !== "object") continue;
    const kind = Object.keys(block).find((key) => BLOCKS[key] || CONTROLS[key]);
    if (!kind) continue; // unknown kinds are skipped (forward compatible)
    container.appendChild(BLOCKS[kind] ? BLOCKS[kind](block) : CONTROLS[kind](block, ctx));
  }
}

// viewer: "customer" | "agent"; answered(step) -> bool; post(url, body) -> Promise<Response>;
// get(url) -> Promise<Response> re-reads a live card's state (payload.refresh_url) after a reload or reconnect.
export function renderCard(payload, { viewer, answered, post, get }) {
  const card = el("div", "card-message");
  card.dir = "auto"; // an Arabic card in an English console still reads right to left
  if (payload.ref) card.dataset.ref = payload.ref;
  if (payload.type) card.dataset.cardType = payload.type;
  if (payload.action?.step) card.dataset.step = payload.action.step;
  if (payload.title) card.appendChild(el("p", "card-title", payload.title));
  const body = el("div", "card-blocks");
  card.appendChild(body);
  const ctx = answerContext(payload, { viewer, answered, post, card });
  renderBlocks(body, payload.blocks, ctx);
  card.cardContext = ctx;
  card.cardBlocks = body;
  if (payload.refresh_url && get) refresh(card, payload.refresh_url, get);
  return card;
}

async function refresh(card, url, get) {
  try {
    const response = await get(url);
    if (!response.ok) return; // the stored blocks stay: they were true when the card was posted
    const data = await response.json();
    if (Array.isArray(data.blocks)) renderBlocks(card.cardBlocks, data.blocks, card.cardContext);
  } catch {
    // offline: live card_update frames or the next reload will bring the state
  }
}

function answerContext(payload, { viewer, answered, post, card }) {
  const action = payload.action || {};
  const audience = action.audience || "customer";
  const allowed = audience === "both" || audience === viewer;
  const done = Boolean(action.step) && answered(action.step);
  const ctx = {
    canAnswer: Boolean(action.url && action.step) && allowed && !done,
    extras: [], // inputs whose words travel with the choice (block.input.with_choice)
    chosen: null, // the choice sent last, in a card with such inputs
    async answer(value, control) {
      // With extra words the whole card is one answer that may be sent again (a comment added later).
      const scope = ctx.extras.length ? card : control;
      const controls = [...scope.querySelectorAll("button, input")];
      for (const input of controls) input.disabled = true;
      const status = card.querySelector(".card-status") || card.appendChild(el("p", "card-status muted"));
      status.textContent = _("Sending…");
      const body = { step: action.step, value };
      for (const input of ctx.extras) body[input.name] = input.value.trim();
      try {
        const response = await post(action.url, body);
        if (!response.ok) throw new Error(await errorText(response));
        // The answer card may have arrived first on the socket (foldAnswer): its words say more than "Sent.".
        if (!status.classList.contains("card-answer")) status.textContent = _("Sent.");
        if (ctx.extras.length) ctx.choose(value);
      } catch (error) {
        status.textContent = _("Not sent: {reason}. Please try again.", { reason: error.message });
        for (const input of controls) input.disabled = false;
        return;
      }
      if (ctx.extras.length && ctx.canAnswer) for (const input of controls) input.disabled = false;
    },
    choose(value) {
      ctx.chosen = value;
      for (const button of card.querySelectorAll(".card-choice")) {
        button.setAttribute("aria-pressed", String(button.dataset.value === value));
      }
    },
    sendExtras(form) {
      if (ctx.chosen !== null) return ctx.answer(ctx.chosen, form);
      // Nothing chosen yet: the words wait in their box and go with the choice.
      const status = card.querySelector(".card-status") || card.appendChild(el("p", "card-status muted"));
      status.textContent = _("Choose an answer above: your words are sent with it.");
      card.querySelector(".card-choice:not(:disabled)")?.focus();
    },
  };
  return ctx;
}

async function errorText(response) {
  try {
    const data = await response.json();
    return data.detail || data.error || _("error {status}", { status: response.status });
  } catch {
    return _("error {status}", { status: response.status });
  }
}

// An ephemeral card_update frame: redraw the blocks of the card with that ref.
export function applyCardUpdate(root, frame) {
  for (const card of root.querySelectorAll(".card-message")) {
    if (card.dataset.ref === String(frame.card) && card.cardBlocks) {
      renderBlocks(card.cardBlocks, frame.blocks, card.cardContext);
    }
  }
}

// Once a step is answered its controls go quiet: a later card for the same step means the earlier one was answered,
// and any message may list answered steps in payload.answered_steps (docs/cards.md).
export function settleSteps(root, card, payload) {
  const steps = new Set(Array.isArray(payload?.answered_steps) ? payload.answered_steps.map(String) : []);
  for (const other of root.querySelectorAll(".card-message")) {
    const step = other.dataset.step;
    if (!step) continue;
    const laterCardSameStep = card && other !== card && step === card.dataset.step;
    if (laterCardSameStep || steps.has(step)) {
      if (other.cardContext) other.cardContext.canAnswer = false; // a live update must not re-enable them
      for (const control of other.querySelectorAll(".card-choices button, .card-input input, .card-input button")) {
        control.disabled = true;
      }
    }
  }
}

// An answer card (payload.type "….answer" with action.step) records an answer. Shown on its own it says the answer a
// second time, in a bubble that looks as if support wrote it: instead its words replace the status line of the card
// it answers (the last one with that step), once. False when there is no such card here (then render it as a card).
export function foldAnswer(root, payload) {
  const step = payload?.action?.step;
  if (!step || !String(payload.type || "").endsWith(".answer")) return false;
  const answered = [...root.querySelectorAll(`.card-message[data-step="${CSS.escape(String(step))}"]`)]
    .filter((card) => !String(card.dataset.cardType || "").endsWith(".answer"))
    .pop();
  if (!answered) return false;
  // An answer is words, or a value to copy (a pasted TXID: "TXID: 0x…").
  const said = (block) => block?.text || (block?.copy ? `${block.copy.label}: ${block.copy.value}` : "");
  const words = (Array.isArray(payload.blocks) ? payload.blocks : []).map(said).filter(Boolean);
  const status = answered.querySelector(".card-status") || answered.appendChild(el("p"));
  status.className = "card-status card-answer";
  status.textContent = words.join(" ");
  if (answered.cardContext) answered.cardContext.canAnswer = false;
  for (const control of answered.querySelectorAll(".card-choices button, .card-input input, .card-input button")) {
    control.disabled = true;
  }
  return true;
}
