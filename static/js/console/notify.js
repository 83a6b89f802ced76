// Telling an agent whose console is in a background tab that someone needs them: a browser notification (the
// permission is asked only when the agent clicks "Notify me", never on load), an optional chime (off until the
// agent turns it on; remembered in localStorage) and the count in the tab's title.
import { t as _ } from "../i18n.js";
import { $, panes } from "./kit.js";

const SOUND_KEY = "helpdesk.console.sound";
const seenWaiting = new Set();
let lastTotal = null;
let queueKnown = false; // the first queue frame is the state at connect, not news
let waitingUnseen = 0; // customers who started waiting while the console was out of sight
let audio = null;

const supported = () => "Notification" in window;
const away = () => document.visibilityState !== "visible";

function soundOn() {
  try {
    return localStorage.getItem(SOUND_KEY) === "on";
  } catch {
    return false;
  }
}

function chime() {
  if (!soundOn()) return;
  try {
    audio = audio || new AudioContext();
    const now = audio.currentTime;
    for (const [offset, pitch] of [[0, 660], [0.18, 880]]) {
      const tone = audio.createOscillator();
      const volume = audio.createGain();
      tone.frequency.value = pitch;
      volume.gain.setValueAtTime(0.0001, now + offset);
      volume.gain.exponentialRampToValueAtTime(0.12, now + offset + 0.02);
      volume.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.35);
      tone.connect(volume).connect(audio.destination);
      tone.start(now + offset);
      tone.stop(now + offset + 0.4);
    }
  } catch {
    /* no audio here: the notification and the title still tell */
  }
}

function show(title, body, onClick) {
  chime();
  if (!supported() || Notification.permission !== "granted") return;
  const notice = new Notification(title, { body, tag: title, lang: document.documentElement.lang });
  notice.onclick = () => {
    window.focus();
    onClick?.();
    notice.close();
  };
}

// The tab's title counts unread customer messages in the agent's chats and customers who began waiting while the
// console was out of sight: "(3) Console · Helpdesk".
export function updateTitle() {
  const unread = [...panes.values()].reduce((sum, pane) => sum + pane.unread, 0);
  const total = unread + waitingUnseen;
  document.title = `${total ? `(${total}) ` : ""}${_("Console · Helpdesk")}`;
}

// Every queue frame: a customer not seen waiting before is news (when the agent is not looking).
export function notifyQueue(frame, openQueue) {
  // The queue frame carries its first page and the total: a customer who joins behind the first page is counted
  // by the total growing, one on the page by an entry not seen before.
  const conversations = frame.conversations || [];
  const freshShown = conversations.filter((entry) => !seenWaiting.has(entry.id));
  for (const entry of conversations) seenWaiting.add(entry.id);
  const total = Number.isFinite(frame.total) ? frame.total : conversations.length;
  const grew = lastTotal === null ? 0 : Math.max(0, total - lastTotal);
  lastTotal = total;
  if (!queueKnown) {
    queueKnown = true;
    return;
  }
  const count = Math.max(freshShown.length, grew);
  if (!count || !away()) return;
  waitingUnseen += count;
  updateTitle();
  const first = freshShown[0];
  const body = count === 1 && first ? `${first.customer?.name || _("Customer")}: ${first.preview || "…"}` : "";
  show(count === 1 ? _("A customer is waiting") : _("Customers are waiting: {n}", { n: count }), body, openQueue);
}

// A customer's message in one of the agent's chats while the console is out of sight.
export function notifyMessage(pane, frame, openPane) {
  if (!away()) return;
  show(_("New message from {name}", { name: pane.customer?.name || _("Customer") }), frame.body || "", openPane);
}

function wireControls() {
  const ask = $("notify-ask");
  const sound = $("notify-sound");
  const state = () => {
    ask.hidden = !supported() || Notification.permission !== "default";
    $("notify-state").textContent = !supported()
      ? ""
      : Notification.permission === "granted"
        ? _("Notifications are on.")
        : Notification.permission === "denied"
          ? _("Notifications are blocked in this browser's settings.")
          : "";
  };
  ask.addEventListener("click", async () => {
    await Notification.requestPermission(); // only ever on this click
    state();
  });
  sound.checked = soundOn();
  sound.addEventListener("change", () => {
    try {
      localStorage.setItem(SOUND_KEY, sound.checked ? "on" : "off");
    } catch {
      /* storage blocked: the switch works until the page is closed */
    }
    chime(); // on the click itself: browsers let sound start after a gesture
  });
  state();
}

document.addEventListener("visibilitychange", () => {
  if (away()) return;
  waitingUnseen = 0;
  updateTitle();
});

wireControls();
