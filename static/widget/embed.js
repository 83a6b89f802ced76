// The one script an exchange adds to its pages:
//   <script src="https://helpdesk.example/static/widget/embed.js" data-helpdesk="https://helpdesk.example"
//           data-token-url="/exchange/token" defer></script>
// It adds a launcher button and an iframe (our origin, our styles: nothing leaks either way), fetches the
// widget token from the exchange's own endpoint (same origin as the page, with its cookies) and hands it to the
// iframe by postMessage. Both sides check origins.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__helpdeskWidget) return;
  window.__helpdeskWidget = true;

  var helpdesk = (script.getAttribute("data-helpdesk") || new URL(script.src, location.href).origin).replace(/\/$/, "");
  var helpdeskOrigin = new URL(helpdesk, location.href).origin;
  var tokenUrl = script.getAttribute("data-token-url") || "/helpdesk/token";
  // The launcher speaks the exchange page's language (the chat itself follows the customer's token).
  var WORDS = {
    en: ["Chat with support", "Support chat"],
    ru: ["Чат с поддержкой", "Чат поддержки"],
    ar: ["تحدّث مع الدعم", "محادثة الدعم"],
    zh: ["联系客服", "客服聊天"],
    fil: ["Makipag-chat sa support", "Support chat"],
    tl: ["Makipag-chat sa support", "Support chat"],
    bn: ["সাপোর্টের সাথে চ্যাট", "সাপোর্ট চ্যাট"],
  };
  var words = WORDS[(document.documentElement.lang || navigator.language || "en").toLowerCase().split("-")[0]] || WORDS.en;
  var label = script.getAttribute("data-label") || words[0];
  var narrow = window.matchMedia("(max-width: 480px)");

  // Styles set through the CSSOM, not a style attribute, so a strict CSP on the exchange's page still holds.
  function css(node, rules) {
    for (var key in rules) node.style.setProperty(key, rules[key]);
  }

  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "helpdesk-launcher";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "helpdesk-frame");
  launcher.textContent = label;
  css(launcher, {
    position: "fixed", "inset-inline-end": "20px", bottom: "20px", "z-index": "2147483000",
    padding: "12px 18px", border: "0", "border-radius": "999px", background: "#2f6f6a", color: "#fff",
    font: "600 15px/1.2 system-ui, sans-serif", cursor: "pointer", "box-shadow": "0 6px 20px rgba(0,0,0,.18)",
  });
  var badge = document.createElement("span");
  badge.className = "helpdesk-unread";
  css(badge, { "margin-inline-start": "8px", padding: "1px 7px", "border-radius": "999px",
    background: "#fff", color: "#2f6f6a", display: "none" });
  launcher.appendChild(badge);

  var frame = document.createElement("iframe");
  frame.id = "helpdesk-frame";
  frame.title = words[1];
  frame.src = helpdesk + "/widget/frame/?origin=" + encodeURIComponent(location.origin);
  frame.setAttribute("allow", "clipboard-write");
  css(frame, { position: "fixed", "z-index": "2147483001", border: "0", background: "#fff", display: "none",
    "box-shadow": "0 12px 40px rgba(0,0,0,.22)" });

  function place() {
    if (narrow.matches) {
      css(frame, { inset: "0", width: "100%", height: "100%", "border-radius": "0" });
    } else {
      css(frame, { inset: "auto", right: "20px", bottom: "84px", width: "380px", height: "min(620px, calc(100vh - 110px))",
        "border-radius": "14px" });
    }
  }

  function setOpen(open) {
    css(frame, { display: open ? "block" : "none" });
    css(launcher, { display: open && narrow.matches ? "none" : "inline-block" });
    launcher.setAttribute("aria-expanded", open ? "true" : "false");
    post({ type: "helpdesk:visibility", open: open });
    if (open) frame.focus();
  }

  function post(message) {
    if (frame.contentWindow) frame.contentWindow.postMessage(message, helpdeskOrigin);
  }

  function fetchToken() {
    return fetch(tokenUrl, { credentials: "include", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("token endpoint answered " + response.status);
        return response.json();
      })
      .then(function (data) { return data.token; });
  }

  // Asked for at once, while the frame loads: on a slow link the frame would otherwise wait one more round
  // trip for it. Used once; every later ask (expiry, refresh) fetches a fresh token.
  var early = fetchToken();
  early.catch(function () {});

  function sendToken() {
    var pending = early ? early.catch(fetchToken) : fetchToken();
    early = null;
    pending
      .then(function (token) { post({ type: "helpdesk:token", token: token }); })
      .catch(function () {
        // Offline or signed out: the widget shows its offline state and asks again later.
        post({ type: "helpdesk:token-unavailable" });
      });
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== helpdeskOrigin || event.source !== frame.contentWindow) return;
    var data = event.data || {};
    if (data.type === "helpdesk:need-token") sendToken();
    else if (data.type === "helpdesk:close") { setOpen(false); launcher.focus(); }
    else if (data.type === "helpdesk:unread") {
      var n = Number(data.count) || 0;
      badge.textContent = String(n);
      css(badge, { display: n > 0 ? "inline-block" : "none" });
    }
  });

  launcher.addEventListener("click", function () {
    setOpen(frame.style.display === "none");
  });
  narrow.addEventListener("change", place);
  place();
  document.body.appendChild(frame);
  document.body.appendChild(launcher);
})();
