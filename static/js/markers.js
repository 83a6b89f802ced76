// The markers the helpdesk stores where it removed a customer's secret (common/safety/secrets.py), read in the
// reader's language. Only a frame that says `redacted` holds real markers (docs/protocol.md).
import { gettext_noop, t as _ } from "./i18n.js";

const MARKERS = {
  "[seed phrase removed]": gettext_noop("[seed phrase removed]"),
  "[private key removed]": gettext_noop("[private key removed]"),
};

export function readMarkers(frame) {
  let body = String(frame.body ?? "");
  if (!Array.isArray(frame.redacted) || !frame.redacted.length) return body;
  for (const [marker, msgid] of Object.entries(MARKERS)) body = body.split(marker).join(_(msgid));
  return body;
}
