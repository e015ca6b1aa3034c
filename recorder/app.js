// The participant page: record (or pick a file), listen back, send, follow what became of the sound.

import { Capture, micErrorText, unsupportedReason } from "./capture.js";
import { setupI18n, t, t as words } from "./i18n.js"; // `words` where a local `t` is a take
import { blurPosition } from "./location.js";
import { resizePhoto } from "./photo.js";
import { MySounds, describe } from "./status.js";
import { newUploadId, sendRecording } from "./upload.js";
import { peakDb, toWavBlob } from "./wav.js";

const $ = (id) => document.getElementById(id);
await setupI18n(); // the page's words in the browser's language (recorder/i18n/*.json), before anything else
const DEFAULTS = {
  project_name: "",
  consent: "",
  stream_url: "",
  stream_label: "", // "": the catalogue's (the page's language)
  max_seconds: 30,
  sample_rate: 22050, // the analysis rate: lower costs nothing, higher only costs upload time
  location_precision_km: 1.0, // a shared location is snapped to a grid this wide (0: exact)
  upload_url: "/api/recordings",
  status_url: "/recorder/status",
};

function readConfig() {
  let injected = {};
  try {
    injected = JSON.parse($("exsampling-config").textContent || "{}");
  } catch (_) {
    injected = {};
  }
  return { ...DEFAULTS, ...injected };
}

const cfg = readConfig();
const query = new URLSearchParams(location.search);
const token = query.get("token") || "";
// a performer's teach link (the console makes it): each recording sent becomes one example of `label`
const teach = { secret: query.get("teach") || "", label: query.get("label") || "" };
const withToken = (url) => (token ? `${url}${url.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}` : url);

const ui = {
  record: $("record"), label: $("record-label"), level: $("level"), countdown: $("countdown"),
  hint: $("capture-hint"), resume: $("resume"), capture: $("capture"), fallback: $("fallback"),
  fallbackReason: $("fallback-reason"), file: $("file"), review: $("review"), playback: $("playback"),
  reviewInfo: $("review-info"), send: $("send"), again: $("again"), progress: $("progress"),
  message: $("message"), error: $("error"), geo: $("geo"),
};

const fmt = (s) => {
  const t = Math.max(0, Math.ceil(s));
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, "0")}`;
};

let state = "idle"; // idle | starting | recording | stopping | review | sending
let take = null; // {blob, seconds, sampleRate, name, uploadId}
let previewUrl = "";
let levelDb = -Infinity;
let position = null;

let onItsWay = null; // the id whose "Sent. Sound N is on its way" line is on screen
let canRecord = true; // false once the page fell back to files: no microphone can be used here
const sounds = new MySounds($("sounds"), withToken(cfg.status_url), "exsampling:sounds",
  (why) => fail(t("status_refused", { why })),
  (rec) => {
    if (rec.id === onItsWay) say(t("arrived", { id: rec.id, what: describe(rec)[0] })); // replaces "on its way"
  });

// "My sounds": each sound sent from here can be deleted with the key its upload's answer gave.
sounds.onDelete = async (id, key) => {
  if (!window.confirm(t("delete_confirm", { id }))) return;
  fail("");
  try {
    const res = await fetch(withToken(`/api/recordings/${id}`), { method: "DELETE", headers: { "X-Deletion-Key": key } });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.error || t("server_answered", { status: res.status }));
    sounds.remove(id);
    say(t("deleted", { id }));
  } catch (err) {
    fail(t("delete_failed", { id, why: err.message }));
  }
};
sounds.render();

function say(text) {
  ui.message.textContent = text;
  onItsWay = null;
}
function fail(text) {
  ui.error.textContent = text;
}

function setState(next) {
  state = next;
  document.body.dataset.state = next;
  const recording = next === "recording";
  ui.record.classList.toggle("recording", recording);
  ui.record.setAttribute("aria-pressed", String(recording));
  ui.label.textContent = t(recording ? "stop" : next === "starting" ? "starting" : "record");
  ui.record.disabled = !(next === "idle" || next === "recording" || next === "review") || !capture;
  ui.review.hidden = !(next === "review" || next === "sending");
  ui.send.disabled = next === "sending";
  ui.again.disabled = next === "sending";
  ui.progress.hidden = next !== "sending";
  if (!recording) {
    ui.level.style.width = "0";
    ui.countdown.textContent = fmt(cfg.max_seconds);
  }
}

// ---- live capture ---------------------------------------------------------------------------------
const reason = unsupportedReason();
const capture = reason
  ? null
  : new Capture({
      onBlock(block, seconds) {
        levelDb = Math.max(levelDb, peakDb(block));
        ui.countdown.textContent = fmt(cfg.max_seconds - seconds);
        if (seconds >= cfg.max_seconds && state === "recording") stop();
      },
      onState(ctxState) {
        ui.resume.hidden = ctxState === "running";
      },
    });

function showFallback(why) {
  ui.fallbackReason.hidden = !why;
  ui.fallbackReason.textContent = why ? t("fallback_reason", { why }) : "";
  if (why) {
    canRecord = false;
    ui.again.textContent = t("again_file"); // "Record again" would promise what this browser cannot do
    ui.capture.hidden = true;
    ui.capture.before(ui.fallback); // the file input takes the record button's place
    ui.fallback.classList.remove("small");
    $("file-label").textContent = t("file_label_main");
  }
}

// Keep the screen on while recording (a locked phone suspends the capture); ignored where unsupported.
let wakeLock = null;
async function holdScreen(on) {
  try {
    if (on && navigator.wakeLock) wakeLock = await navigator.wakeLock.request("screen");
    else if (!on && wakeLock) await wakeLock.release();
  } catch (_) {
    /* not allowed here (no secure context, battery saver): recording works without it */
  }
  if (!on) wakeLock = null;
}

function meterLoop() {
  if (state !== "recording") return;
  const pct = Number.isFinite(levelDb) ? Math.max(0, Math.min(100, ((levelDb + 60) / 60) * 100)) : 0;
  ui.level.style.width = `${pct}%`;
  levelDb = -Infinity;
  requestAnimationFrame(meterLoop);
}

async function start() {
  fail("");
  say("");
  discardTake();
  setState("starting");
  try {
    await capture.start();
  } catch (err) {
    setState("idle");
    showFallback(micErrorText(err));
    return;
  }
  setState("recording");
  holdScreen(true);
  ui.hint.textContent = t("hint_recording");
  requestAnimationFrame(meterLoop);
}

async function stop() {
  if (state !== "recording") return;
  setState("stopping");
  const { channels, sampleRate } = await capture.stop();
  holdScreen(false);
  ui.hint.textContent = t("hint_idle");
  if (!channels[0].length) {
    setState("idle");
    fail(t("nothing_recorded"));
    return;
  }
  const out = toWavBlob(channels, sampleRate, cfg.sample_rate);
  useTake({ ...out, name: "recording.wav", captureRate: sampleRate });
}

function discardTake() {
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = "";
  take = null;
  ui.playback.removeAttribute("src");
}

function useTake(t) {
  discardTake();
  take = { ...t, uploadId: newUploadId() }; // one id per take: every retry of it is stored once
  previewUrl = URL.createObjectURL(t.blob);
  ui.playback.src = previewUrl;
  const kb = Math.round(t.blob.size / 1024);
  ui.reviewInfo.textContent = t.seconds
    ? words("review_take", { seconds: t.seconds.toFixed(1), kb })
    : words("review_file", { kb });
  setState("review");
  ui.send.focus();
}

ui.record.addEventListener("click", () => {
  if (state === "recording") stop();
  else if (state === "idle" || state === "review") start();
});
ui.resume.addEventListener("click", () => capture && capture.resume());
// iOS: an interrupted context (a call, the app in the background) only resumes from a tap.
document.addEventListener("pointerdown", () => capture && capture.resume(), { passive: true });

// ---- file fallback ---------------------------------------------------------------------------------
async function fileToTake(file, maxSeconds) {
  // Decode in the page when the browser can (AAC, Opus, MP3...), so the server gets a WAV it reads;
  // a longer sound is cut to its first `maxSeconds`.
  const Offline = window.OfflineAudioContext || window.webkitOfflineAudioContext;
  if (Offline) {
    try {
      const bytes = await file.arrayBuffer();
      const ctx = new Offline(1, 1, cfg.sample_rate || 48000);
      const audio = await ctx.decodeAudioData(bytes);
      const keep = Math.min(audio.length, Math.floor(maxSeconds * audio.sampleRate));
      const channels = [];
      for (let c = 0; c < audio.numberOfChannels; c++) channels.push(audio.getChannelData(c).subarray(0, keep));
      const out = toWavBlob(channels, audio.sampleRate, cfg.sample_rate);
      const cutFrom = keep < audio.length ? audio.duration : 0;
      return { ...out, cutFrom, name: file.name.replace(/\.[^.]*$/, "") + ".wav" };
    } catch (_) {
      /* the server decides whether it can read the original */
    }
  }
  return { blob: file, seconds: 0, cutFrom: 0, name: file.name };
}

ui.file.addEventListener("change", async () => {
  const file = ui.file.files && ui.file.files[0];
  if (!file) return;
  fail("");
  say("");
  const t = await fileToTake(file, cfg.max_seconds);
  ui.file.value = "";
  useTake(t);
  if (t.cutFrom) ui.reviewInfo.textContent += ` ${words("review_cut", { max: fmt(cfg.max_seconds), length: fmt(t.cutFrom) })}`;
});

// ---- location (opt-in) -----------------------------------------------------------------------------
function locate(maxAge) {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve(null);
    navigator.geolocation.getCurrentPosition(
      (p) => resolve(p.coords),
      () => resolve(null),
      { enableHighAccuracy: false, timeout: 5000, maximumAge: maxAge },
    );
  });
}

ui.geo.addEventListener("change", async () => {
  position = null;
  if (!ui.geo.checked) return;
  if (!navigator.geolocation || !window.isSecureContext) {
    ui.geo.checked = false;
    fail(t("no_location_here"));
    return;
  }
  position = await locate(0);
  if (!position) {
    ui.geo.checked = false;
    fail(t("location_refused"));
  }
});

// ---- sending -----------------------------------------------------------------------------------------
ui.send.addEventListener("click", async () => {
  if (!take || state === "sending") return;
  fail("");
  setState("sending");
  say(t("sending"));
  if (ui.geo.checked) position = (await locate(60000)) || position;
  const fields = {
    upload_id: take.uploadId,
    audio: new File([take.blob], take.name, { type: take.blob.type || "audio/wav" }),
    teach: teach.secret || null,
  };
  const photoFile = $("photo").files && $("photo").files[0];
  if (photoFile) {
    try {
      fields.photo = new File([(await resizePhoto(photoFile)).blob], "photo.jpg", { type: "image/jpeg" }); // resized here
    } catch (_) {
      setState("review");
      say("");
      fail(t("photo_not_image"));
      return;
    }
  }
  if (ui.geo.checked && position) {
    const sent = blurPosition(position, cfg.location_precision_km); // blurred here: the exact point never leaves
    fields.latitude = sent.latitude;
    fields.longitude = sent.longitude;
    fields.accuracy = sent.accuracy;
  }
  const result = await sendRecording(withToken(cfg.upload_url), fields, {
    onProgress: (f) => {
      ui.progress.value = f;
    },
    onRetry: (attempt, delay, why) => say(t("retrying", { why, seconds: Math.round(delay / 1000) })),
  });
  if (result.ok) {
    $("photo").value = ""; // a photo goes with one sound
    discardTake();
    setState("idle");
    const id = result.body.id;
    say(t("sent", { id }));
    onItsWay = id;
    if (id !== undefined) sounds.add(id, Date.now(), result.body.deletion_key || "");
    if (!capture) ui.file.focus();
    else ui.record.focus();
  } else {
    setState("review");
    say("");
    fail(result.message);
  }
});

ui.again.addEventListener("click", () => {
  discardTake();
  fail("");
  say("");
  setState("idle");
  if (!canRecord) ui.file.click();
  else if (capture) start();
});

// ---- page text from the server's config ----------------------------------------------------------------
document.title = t("title");
if (cfg.project_name) {
  $("project-name").textContent = cfg.project_name;
  document.title = t("title_project", { project: cfg.project_name });
}
if (cfg.consent) $("consent").textContent = cfg.consent; // the show's own words, else the catalogue's
if (cfg.stream_url) {
  $("stream-link").href = cfg.stream_url;
  $("stream-link").textContent = cfg.stream_label || t("stream_label");
  $("stream").hidden = false;
}
if (teach.secret) {
  $("teach-banner").textContent = t("teach_banner", { label: teach.label || "?" });
  $("teach-banner").hidden = false;
}
$("max-length").textContent = fmt(cfg.max_seconds);
const [leftBefore, leftAfter = ""] = t("left_of", { max: "\u0001" }).split("\u0001");
$("max-left").replaceChildren(leftBefore, $("max-length"), leftAfter);
if (cfg.location_precision_km > 0) $("location-blurred").textContent = t("location_blurred", { km: cfg.location_precision_km });

// ---- the link is checked first: a missing, wrong or rotated token gets no record button ----------------
async function linkIsValid() {
  if (!token) return false;
  try {
    const res = await fetch(withToken("/api/token"), { cache: "no-store" });
    return !res.ok || (await res.json()).valid !== false; // only a clear "no" refuses; the upload says the rest
  } catch (_) {
    return true; // offline for a moment: the upload retries and says why
  }
}

setState("idle");
const linkOk = await linkIsValid();
if (!linkOk) {
  for (const section of [ui.capture, ui.fallback, ui.review, $("location")]) section.hidden = true;
  document.body.dataset.link = "refused";
  fail(t(token ? "scan_again" : "no_token"));
} else if (!capture) showFallback(reason);
if (linkOk) sounds.poll();
window.exsampling = { capture, config: cfg }; // for debugging on a phone and for the tests
document.body.dataset.ready = "1";
performance.mark("exsampling-ready");
