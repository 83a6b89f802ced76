// Passkeys: add one (security page), or use one to sign in or to pass the second step. The browser and the
// server's WebAuthn library (django-otp-webauthn) do the cryptography; this module only carries their JSON
// between the two. Messages come translated from the page (#passkey-status data attributes).

const status = document.getElementById("passkey-status");

function say(kind, isError = false) {
  if (!status) return;
  status.textContent = status.dataset[kind] || "";
  status.classList.toggle("is-error", isError);
  status.hidden = false;
}

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (field) return field.value;
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

async function postJson(url, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body || {}),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(data.detail || response.statusText), { server: true });
  return data;
}

// base64url <-> ArrayBuffer, for browsers without PublicKeyCredential.parse*OptionsFromJSON / toJSON.
const fromB64 = (text) =>
  Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=")), (c) =>
    c.charCodeAt(0),
  ).buffer;
const toB64 = (buffer) =>
  btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const withIds = (list) => (list || []).map((item) => ({ ...item, id: fromB64(item.id) }));

function creationOptions(json) {
  if (PublicKeyCredential.parseCreationOptionsFromJSON) return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  return {
    ...json,
    challenge: fromB64(json.challenge),
    user: { ...json.user, id: fromB64(json.user.id) },
    excludeCredentials: withIds(json.excludeCredentials),
  };
}

function requestOptions(json) {
  if (PublicKeyCredential.parseRequestOptionsFromJSON) return PublicKeyCredential.parseRequestOptionsFromJSON(json);
  return { ...json, challenge: fromB64(json.challenge), allowCredentials: withIds(json.allowCredentials) };
}

function credentialJson(credential) {
  if (typeof credential.toJSON === "function") return credential.toJSON();
  const response = {};
  for (const key of ["clientDataJSON", "attestationObject", "authenticatorData", "signature", "userHandle"]) {
    if (credential.response[key]) response[key] = toB64(credential.response[key]);
  }
  if (credential.response.getTransports) response.transports = credential.response.getTransports();
  return {
    id: credential.id,
    rawId: toB64(credential.rawId),
    type: credential.type,
    response,
    authenticatorAttachment: credential.authenticatorAttachment,
    clientExtensionResults: credential.getClientExtensionResults(),
  };
}

async function register(button) {
  const options = await postJson(button.dataset.begin);
  const credential = await navigator.credentials.create({ publicKey: creationOptions(options) });
  const result = await postJson(button.dataset.complete, credentialJson(credential));
  location.assign(result.next || location.href);
}

async function signIn(button) {
  const options = await postJson(button.dataset.begin);
  const credential = await navigator.credentials.get({ publicKey: requestOptions(options) });
  const result = await postJson(button.dataset.complete, credentialJson(credential));
  location.assign(result.redirect_url || "/");
}

for (const button of document.querySelectorAll("[data-passkey]")) {
  button.addEventListener("click", async () => {
    if (!window.PublicKeyCredential || !navigator.credentials) {
      say("unsupported", true);
      return;
    }
    button.disabled = true;
    say("working");
    try {
      await (button.dataset.passkey === "register" ? register(button) : signIn(button));
    } catch (error) {
      say(error && error.name === "NotAllowedError" ? "cancelled" : "failed", true);
      button.disabled = false;
    }
  });
}
