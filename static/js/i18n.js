// Translations for the widget and the console (docs/i18n.md). One catalogue per language, Django's djangojs
// domain served as JSON from /i18n/<lang>.json. Call sites import `{ t as _ }` and pass the English text
// (and any {placeholders}) to `_`: xgettext knows that name, so `makemessages -d djangojs` finds every string.

export const LANGUAGES = ["en", "ru", "ar", "zh-hans", "fil", "bn"];
const RTL = new Set(["ar", "fa", "he", "ur"]);
const ALIASES = { zh: "zh-hans", "zh-cn": "zh-hans", "zh-sg": "zh-hans", tl: "fil" };

let catalog = {};
let current = "en";

// "ru-RU", "zh_Hans", "zh-CN", "tl" -> a language we have, or "" when none fits.
export function supported(tag) {
  const code = String(tag || "").toLowerCase().replace(/_/g, "-");
  if (!code) return "";
  if (LANGUAGES.includes(code)) return code;
  if (ALIASES[code]) return ALIASES[code];
  if (code.startsWith("zh-hans")) return "zh-hans";
  const base = code.split("-")[0];
  if (base === "zh") return code.includes("hant") || /-(tw|hk|mo)$/.test(code) ? "" : "zh-hans";
  return LANGUAGES.includes(base) ? base : ALIASES[base] || "";
}

// The first candidate we have a catalogue for (token locale, page language, browser languages), else English.
export function pickLanguage(...candidates) {
  for (const tag of candidates.flat()) {
    const code = supported(tag);
    if (code) return code;
  }
  return "en";
}

export function isRtl(lang) {
  return RTL.has(String(lang || "").split("-")[0]);
}

export function language() {
  return current;
}

// Load `lang`'s catalogue (English needs none). On a failed download the English text stays: better than blank.
export async function useLanguage(lang, base = "/") {
  const code = pickLanguage(lang);
  if (code === "en") {
    catalog = {};
  } else if (code !== current) {
    try {
      const response = await fetch(new URL(`i18n/${code}.json`, new URL(base, location.href)));
      if (!response.ok) return current;
      catalog = (await response.json()).catalog || {};
    } catch {
      return current;
    }
  }
  current = code;
  return current;
}

// Marks English text for makemessages where it is defined (a table of states, a data-i18n attribute) and
// translated later with t(variable): xgettext only finds strings written inside a known call.
export const gettext_noop = (msgid) => msgid;

// t("Now with {name}", { name }) -> the translation with {placeholders} filled in.
export function t(msgid, params) {
  const found = catalog[msgid];
  const text = typeof found === "string" && found ? found : Array.isArray(found) ? found[0] : msgid;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, key) => (key in params ? String(params[key]) : whole));
}

// Set lang and dir on an element (the whole page by default) for `lang`.
export function applyDirection(lang = current, node = document.documentElement) {
  node.lang = lang;
  node.dir = isRtl(lang) ? "rtl" : "ltr";
}

// Re-translate server-rendered text marked with data-i18n (text), data-i18n-placeholder, data-i18n-label
// (aria-label) and data-i18n-title; the attribute holds the English msgid.
export function translatePage(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
  for (const node of root.querySelectorAll("[data-i18n-label]")) node.setAttribute("aria-label", t(node.dataset.i18nLabel));
  for (const node of root.querySelectorAll("[data-i18n-title]")) node.title = t(node.dataset.i18nTitle);
}
