// Attachments in the widget and the console (docs/widget.md, "Attachments"): files shown in messages, the viewer,
// the tray of files chosen before sending (button, paste, drag and drop), and the files part of a message waiting
// to be sent. The outbox that uploads them and sends the message is ./file-outbox.js.
// Everything from the server is rendered with textContent; pictures are shown from their signed links only.
import { t as _, language, ngettext } from "./i18n.js";

export const MAX_FILES = 10;
const TYPES = new Set(["image/png", "image/jpeg", "image/webp", "image/gif", "image/heic", "image/heif", "application/pdf"]);
const EXTENSIONS = /\.(png|jpe?g|webp|gif|heic|heif|pdf)$/i;
const PREVIEW_PX = 160;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

// "2.5 MB", "2,5 МБ", "٢٫٥ ميغابايت": the unit and the digits as the reader's language writes them (Intl).
export function humanSize(bytes) {
  const mb = bytes / (1024 * 1024);
  const [value, unit, digits] = mb >= 1 ? [mb, "megabyte", mb >= 10 ? 0 : 1] : [Math.max(1, Math.round(bytes / 1024)), "kilobyte", 0];
  return new Intl.NumberFormat(language(), { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: digits }).format(value);
}

// A quick answer before any upload; the server decides from the content (a renamed file is refused there).
export function problemWith(file, maxBytes) {
  if (!TYPES.has(file.type) && !EXTENSIONS.test(file.name)) {
    return _("Only pictures (PNG, JPEG, WebP, GIF, HEIC) and PDF files can be sent.");
  }
  if (file.size > maxBytes) return _("{name} is larger than {limit}.", { name: file.name, limit: humanSize(maxBytes) });
  return "";
}

// A small picture of a chosen file, as a data: URL (the pages' policy allows data: images, not blob:).
export async function previewOf(file) {
  if (!file.type.startsWith("image/") || !window.createImageBitmap) return "";
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, PREVIEW_PX / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close?.();
    return canvas.toDataURL("image/jpeg", 0.8);
  } catch {
    return ""; // HEIC and damaged files: an icon instead
  }
}

// --- files in messages, and the viewer ---------------------------------------------------------------

// `refresh(id)` -> fresh {url, thumbnail_url}: a link expires (a chat left open for an hour); ask once for a new one.
export function renderAttachments(items, { refresh } = {}) {
  const list = el("ul", "att-list");
  list.setAttribute("aria-label", _("Attachments"));
  for (const item of items || []) {
    const li = el("li", "att-item");
    li.appendChild(item.content_type?.startsWith("image/") ? pictureButton(item, refresh) : fileLink(item, refresh));
    list.appendChild(li);
  }
  return list;
}

// Fresh links for staff pages (the session is the credential).
export async function refreshWithSession(id) {
  const response = await fetch(`/chat/attachments/${id}/`, { credentials: "same-origin" });
  return response.ok ? response.json() : null;
}

function pictureButton(item, refresh) {
  const button = el("button", "att-picture");
  button.type = "button";
  button.setAttribute("aria-label", _("Open picture {name}", { name: item.name }));
  const img = el("img");
  img.alt = "";
  img.loading = "lazy";
  img.src = item.thumbnail_url || item.url;
  img.addEventListener("error", () => renewOnce(item, refresh, (fresh) => (img.src = fresh.thumbnail_url || fresh.url)));
  button.appendChild(img);
  button.addEventListener("click", () => openViewer(item, { refresh, opener: button }));
  return button;
}

function fileLink(item, refresh) {
  const link = el("a", "att-file");
  link.href = item.url;
  link.download = item.name;
  link.rel = "noopener";
  link.appendChild(el("span", "att-icon"));
  const name = el("span", "att-name", item.name);
  name.dir = "auto";
  link.append(name, el("span", "att-size", humanSize(item.size)));
  // An expired link answers 403: fetch a fresh one first, then follow it.
  link.addEventListener("click", async (event) => {
    if (!refresh || item.fresh) return;
    event.preventDefault();
    const fresh = await refresh(item.id).catch(() => null);
    if (fresh?.url) Object.assign(item, fresh, { fresh: true });
    link.href = item.url;
    link.click();
    setTimeout(() => (item.fresh = false), 60000);
  });
  return link;
}

function renewOnce(item, refresh, apply) {
  if (!refresh || item.renewed) return;
  item.renewed = true;
  refresh(item.id).then((fresh) => fresh && (Object.assign(item, fresh), apply(fresh))).catch(() => {});
}

let viewer = null;

function buildViewer() {
  const dialog = el("dialog", "att-viewer");
  dialog.setAttribute("aria-labelledby", "att-viewer-title");
  const head = el("div", "att-viewer-head");
  const title = el("h2", "att-viewer-title");
  title.id = "att-viewer-title";
  title.dir = "auto";
  const download = el("a", "att-viewer-download", _("Download"));
  const close = el("button", "att-viewer-close", "×");
  close.type = "button";
  close.setAttribute("aria-label", _("Close"));
  head.append(title, download, close);
  const img = el("img", "att-viewer-img");
  dialog.append(head, img);
  close.addEventListener("click", () => dialog.close());
  // A click on the dimmed backdrop (the dialog itself, outside its content) closes it too.
  dialog.addEventListener("click", (event) => event.target === dialog && dialog.close());
  // Keep Tab inside the dialog; Escape closes it (the browser's own for a modal dialog).
  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "Tab") return;
    const stops = [download, close];
    const at = stops.indexOf(document.activeElement);
    if (event.shiftKey ? at <= 0 : at === stops.length - 1) {
      event.preventDefault();
      stops[event.shiftKey ? stops.length - 1 : 0].focus();
    }
  });
  document.body.appendChild(dialog);
  return { dialog, title, download, close, img };
}

export function openViewer(item, { refresh, opener } = {}) {
  viewer ||= buildViewer();
  const { dialog, title, download, close, img } = viewer;
  title.textContent = item.name;
  img.alt = item.name;
  img.src = item.url;
  img.onerror = () => renewOnce(item, refresh, (fresh) => ((img.src = fresh.url), (download.href = fresh.url)));
  download.href = item.url;
  download.download = item.name;
  dialog.onclose = () => opener?.focus();
  dialog.showModal();
  close.focus();
}

// --- the tray: files chosen for the next message -------------------------------------------------------

export class Tray {
  // list: the <ul> that shows the chosen files; onProblem(text): say why a file was left out.
  constructor({ list, maxBytes, onProblem, onChange }) {
    this.list = list;
    this.maxBytes = maxBytes;
    this.onProblem = onProblem;
    this.onChange = onChange;
    this.items = [];
  }

  get files() {
    return this.items.map((item) => item.file);
  }

  async add(files) {
    for (const file of files) {
      if (this.items.length >= MAX_FILES) {
        this.onProblem?.(ngettext("At most {n} file in one message.", "At most {n} files in one message.", MAX_FILES));
        break;
      }
      const problem = problemWith(file, this.maxBytes);
      if (problem) {
        this.onProblem?.(problem);
        continue;
      }
      const item = { file, preview: "" };
      this.items.push(item);
      this.render();
      item.preview = await previewOf(file);
      this.render();
    }
  }

  remove(item) {
    this.items = this.items.filter((i) => i !== item);
    this.render();
  }

  // The files with their previews, for the outbox; the tray empties.
  take() {
    const taken = this.items;
    this.items = [];
    this.render();
    return taken;
  }

  render() {
    this.list.replaceChildren(...this.items.map((item) => this.row(item)));
    this.list.hidden = this.items.length === 0;
    this.onChange?.(this.items.length);
  }

  row(item) {
    const li = el("li", "att-chosen");
    li.appendChild(thumb(item.preview));
    const name = el("span", "att-name", item.file.name);
    name.dir = "auto";
    li.append(name, el("span", "att-size", humanSize(item.file.size)));
    const remove = el("button", "att-remove", "×");
    remove.type = "button";
    remove.setAttribute("aria-label", _("Remove {name}", { name: item.file.name }));
    remove.addEventListener("click", () => this.remove(item));
    li.appendChild(remove);
    return li;
  }
}

function thumb(preview) {
  if (!preview) return el("span", "att-icon");
  const img = el("img", "att-preview");
  img.alt = "";
  img.src = preview;
  return img;
}

// --- a message with files waiting to be sent ------------------------------------------------------------

// The files part of a pending bubble: a preview, the name and a progress bar per file, and Cancel.
export function pendingFiles(record, { onCancel }) {
  const box = el("div", "att-pending");
  const list = el("ul", "att-list");
  record.files.forEach((file, index) => {
    const li = el("li", "att-uploading");
    li.dataset.index = index;
    li.appendChild(thumb(file.preview));
    const name = el("span", "att-name", file.name);
    name.dir = "auto";
    const bar = el("progress", "att-progress");
    bar.max = 100;
    bar.value = file.attachment ? 100 : 0;
    bar.setAttribute("aria-label", _("Uploading {name}", { name: file.name }));
    li.append(name, bar);
    list.appendChild(li);
  });
  const cancel = el("button", "att-cancel", _("Cancel"));
  cancel.type = "button";
  cancel.addEventListener("click", () => onCancel(record));
  box.append(list, cancel);
  return box;
}

export function showProgress(box, index, fraction) {
  const bar = box?.querySelector(`[data-index="${index}"] .att-progress`);
  if (bar) bar.value = Math.round(fraction * 100);
}
