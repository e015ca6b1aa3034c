// Sending a recording: XMLHttpRequest (for upload progress), automatic retry when the connection drops.

import { t } from "./i18n.js";

/** Waits (ms) before each retry after a network failure; the last one repeats. */
export const RETRY_DELAYS = [1000, 2000, 4000, 8000, 15000];
/** Give up after this many attempts (about two minutes of trying). */
export const MAX_ATTEMPTS = 12;
const RETRY_STATUS = new Set([0, 502, 503, 504]);

function sentence(text) {
  const t = String(text).trim();
  if (!t) return "";
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** Plain words for a refused upload: the server's own message, with what to do about it when it does not say. */
export function refusalText(status, message) {
  const said = sentence(message || t("server_answered", { status }));
  const hint = (key) => {
    const text = t(key);
    return said.toLowerCase().includes(text.toLowerCase().slice(0, 12)) ? "" : ` ${text}`;
  };
  if (status === 403) return t("refused", { said }) + hint("refused_token_hint");
  if (status === 413) return t("too_large", { said }) + hint("too_large_hint");
  if (status === 429) return t("slow_down", { said });
  return t("refused", { said });
}

function once(xhrFactory, url, form, onProgress) {
  return new Promise((resolve) => {
    const xhr = xhrFactory();
    xhr.open("POST", url);
    xhr.timeout = 120000;
    xhr.responseType = "text";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    const fail = (why) => resolve({ status: 0, body: null, network: why });
    xhr.onerror = () => fail(t("net_dropped"));
    xhr.ontimeout = () => fail(t("net_slow"));
    xhr.onabort = () => fail(t("net_aborted"));
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch (_) {
        body = null;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.send(form);
  });
}

/** A client-generated upload id (32 hex digits): the server stores an upload once however often it is sent. */
export function newUploadId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function waitOnline() {
  if (navigator.onLine !== false) return Promise.resolve();
  return new Promise((r) => window.addEventListener("online", () => r(), { once: true }));
}

/**
 * POST `fields` (a plain object; Blob values become files) to `url`; a `upload_id` field (see
 * newUploadId) makes the retries safe: the server answers a retry with the recording it stored first.
 * Resolves {ok: true, body} or {ok: false, status, message}; network failures and gateway errors are
 * retried with growing waits, refusals (4xx) are not. `hooks.onProgress(fraction)`,
 * `hooks.onRetry(attempt, delayMs, why)`.
 */
export async function sendRecording(url, fields, hooks = {}, xhrFactory = () => new XMLHttpRequest()) {
  const onProgress = hooks.onProgress || (() => {});
  let last = null;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) {
      if (value === null || value === undefined) continue;
      if (value instanceof Blob) form.append(key, value, value.name || "recording.wav");
      else form.append(key, String(value));
    }
    onProgress(0);
    const res = await once(xhrFactory, url, form, onProgress);
    if (res.status >= 200 && res.status < 300) {
      onProgress(1);
      return { ok: true, body: res.body || {} };
    }
    const message = res.body && res.body.error ? String(res.body.error) : "";
    if (!RETRY_STATUS.has(res.status)) {
      return { ok: false, status: res.status, message: refusalText(res.status, message) };
    }
    last = res.network || message || `the server answered ${res.status}`;
    if (attempt === MAX_ATTEMPTS) break;
    const delay = RETRY_DELAYS[Math.min(attempt - 1, RETRY_DELAYS.length - 1)];
    hooks.onRetry && hooks.onRetry(attempt, delay, last);
    await sleep(delay);
    await waitOnline();
  }
  return { ok: false, status: 0, message: t("could_not_send", { why: last }) };
}
