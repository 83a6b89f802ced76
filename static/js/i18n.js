// Translations for the widget and the console (docs/i18n.md). One catalogue per language, Django's djangojs
// domain served as JSON from /i18n/<lang>.json. Call sites import `{ t as _ }` and pass the English text
// (and any {placeholders}) to `_`: xgettext knows that name, so `makemessages -d djangojs` finds every string.
// A count's words go through ngettext (the catalogue's own plural rule), a length of time through duration()
// (the browser's Intl, in the reader's language): never "(s)" or a plural built by hand.

export const LANGUAGES = ["en", "ru", "ar", "zh-hans", "fil", "bn"];
const RTL = new Set(["ar", "fa", "he", "ur"]);
const ALIASES = { zh: "zh-hans", "zh-cn": "zh-hans", "zh-sg": "zh-hans", tl: "fil" };

let catalog = {};
let current = "en";
const ENGLISH_PLURAL = (n) => (n === 1 ? 0 : 1);
let pluralIndex = ENGLISH_PLURAL;

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
    pluralIndex = ENGLISH_PLURAL;
  } else if (code !== current) {
    try {
      const response = await fetch(new URL(`i18n/${code}.json`, new URL(base, location.href)));
      if (!response.ok) return current;
      const loaded = await response.json();
      catalog = loaded.catalog || {};
      pluralIndex = loaded.plural ? pluralRule(loaded.plural) : ENGLISH_PLURAL;
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
  return fill(text, params);
}

// ngettext("{n} file", "{n} files", n) -> the form the language uses for n ({n} is n in the reader's digits).
// Russian has four forms, Arabic six, Chinese one: the catalogue's Plural-Forms rule picks one (pluralRule).
export function ngettext(singular, plural, n, params) {
  const forms = catalog[singular];
  const form = Array.isArray(forms) ? forms[pluralIndex(n)] : "";
  return fill(form || (n === 1 ? singular : plural), { n: formatNumber(n), ...params });
}

function fill(text, params) {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, key) => (key in params ? String(params[key]) : whole));
}

export function formatNumber(n) {
  return new Intl.NumberFormat(current).format(n);
}

// How long, in the reader's language: the two largest units that are not zero ("1 hr, 5 min", "3 мин 7 с",
// "٤٢ ث"), by Intl.DurationFormat where the browser has it, else by Intl.NumberFormat's units.
export function duration(totalSeconds, { smallest = "second", lang = current } = {}) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const all = [
    ["hours", "hour", Math.floor(s / 3600)],
    ["minutes", "minute", Math.floor((s % 3600) / 60)],
    ["seconds", "second", s % 60],
  ];
  const last = all.findIndex(([, unit]) => unit === smallest);
  const units = all.slice(0, last + 1);
  const first = Math.max(0, units.findIndex(([, , value]) => value > 0));
  const shown = units.slice(first, first + 2).filter(([, , value], i) => i === 0 || value > 0);
  if (typeof Intl.DurationFormat === "function") {
    return new Intl.DurationFormat(lang, { style: "short" }).format(Object.fromEntries(shown.map(([k, , v]) => [k, v])));
  }
  return shown
    .map(([, unit, value]) => new Intl.NumberFormat(lang, { style: "unit", unit, unitDisplay: "short" }).format(value))
    .join(" ");
}

// The catalogue's plural rule: the C expression of its Plural-Forms header (Django's JSONCatalog sends it as
// `plural`, as its JavaScriptCatalog compiles it in), read by a small parser, since the page's CSP forbids eval.
// Grammar: ternary (? :), ||, &&, == !=, < > <= >=, + -, * / %, !, parentheses, n and integers.
export function pluralRule(expression) {
  const tokens = String(expression).match(/\s*(\d+|n|&&|\|\||==|!=|<=|>=|[<>?:()!%*/+-])/g)?.map((x) => x.trim()) || [];
  let at = 0;
  const peek = () => tokens[at];
  const take = (token) => (tokens[at] === token ? (at++, true) : false);
  const binary = (next, ops) => () => {
    let left = next();
    for (let op = peek(); ops[op]; op = peek()) {
      at++;
      const l = left, r = next(), f = ops[op];
      left = (n) => f(l(n), r(n));
    }
    return left;
  };
  const primary = () => {
    const token = tokens[at++];
    if (token === "n") return (n) => n;
    if (token === "(") {
      const inner = ternary();
      take(")");
      return inner;
    }
    if (token === "!") {
      const operand = primary();
      return (n) => Number(!operand(n));
    }
    const value = Number(token);
    return () => value;
  };
  const mul = binary(primary, { "*": (a, b) => a * b, "/": (a, b) => Math.trunc(a / b), "%": (a, b) => a % b });
  const add = binary(mul, { "+": (a, b) => a + b, "-": (a, b) => a - b });
  const rel = binary(add, { "<": (a, b) => +(a < b), ">": (a, b) => +(a > b), "<=": (a, b) => +(a <= b), ">=": (a, b) => +(a >= b) });
  const eq = binary(rel, { "==": (a, b) => +(a === b), "!=": (a, b) => +(a !== b) });
  const and = binary(eq, { "&&": (a, b) => +(a && b) });
  const or = binary(and, { "||": (a, b) => +(a || b) });
  function ternary() {
    const test = or();
    if (!take("?")) return test;
    const yes = ternary();
    take(":");
    const no = ternary();
    return (n) => (test(n) ? yes(n) : no(n));
  }
  const rule = ternary();
  return (n) => Number(rule(Math.abs(Math.trunc(n))));
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
