// "My sounds": the recordings sent from this phone and what became of them, polled from the server
// (GET /recorder/status?ids=...) while any of them is still on its way. Kept in localStorage so a
// reload keeps the list, and with each sound its deletion key (the upload's answer): "Delete" removes it.

import { t } from "./i18n.js";

const FINAL = new Set(["analysed", "refused", "missing"]);
// [until ms after the last send, poll every ms]: quick while a fresh upload is analysed (about a tenth
// of a second when the queue is empty), slower once it is queued behind others during a busy show.
const SCHEDULE = [[5000, 250], [30000, 1000], [Infinity, 3000]];

/** One line of words for a recording's status object (see recorder_routes.status_of). */
export function describe(rec) {
  if (rec.phase === "refused") return [t("phase_refused", { reason: rec.reason || t("phase_refused_default") })];
  if (rec.phase === "missing") return [t("phase_missing")];
  if (rec.phase === "received") return [t("phase_received")];
  if (rec.phase === "analysing") return [t("phase_analysing")];
  if (rec.phase === "sending") return [rec.reason || t("phase_sending")];
  const lines = [];
  for (const p of rec.pieces || []) {
    const pct = Math.round((p.confidence || 0) * 100);
    let line = t("piece", { label: String(p.label).replace(/_/g, " "), pct });
    if (p.state === "rejected") line += t("piece_rejected");
    else if (p.state === "pending") line += t("piece_pending", { track: p.track });
    else if (p.track) line += t("piece_track", { track: p.track });
    lines.push(line);
  }
  return lines.length ? lines : [t("phase_analysed")];
}

export class MySounds {
  constructor(listEl, statusUrl, storageKey, onRefused = () => {}, onSettled = () => {}) {
    this.onRefused = onRefused; // the server refused the status request (a rotated token): message in words
    this.onSettled = onSettled; // a recording reached its last phase (analysed, refused, missing): its record
    this.listEl = listEl;
    this.statusUrl = statusUrl;
    this.key = storageKey;
    this.items = new Map(); // id -> status object
    this.timer = null;
    for (const rec of this.load()) this.items.set(rec.id, rec);
    this.render();
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) this.poll();
    });
  }

  load() {
    try {
      return JSON.parse(localStorage.getItem(this.key) || "[]");
    } catch (_) {
      return [];
    }
  }

  save() {
    try {
      localStorage.setItem(this.key, JSON.stringify([...this.items.values()].slice(-30)));
    } catch (_) {
      /* private mode: the list lives for this visit only */
    }
  }

  /** A new upload acknowledged by the server with `id` (and the `key` that deletes it). */
  add(id, when = Date.now(), key = "") {
    this.items.set(id, { id, phase: "received", pieces: [], when, key });
    this.lastAdd = Date.now();
    this.save();
    this.render();
    this.poll();
  }

  /** Forget a sound (it was deleted). */
  remove(id) {
    this.items.delete(id);
    this.save();
    this.render();
  }

  pending() {
    return [...this.items.values()].filter((r) => !FINAL.has(r.phase)).map((r) => r.id);
  }

  async poll() {
    clearTimeout(this.timer);
    const ids = this.pending();
    if (!ids.length) return;
    try {
      const sep = this.statusUrl.includes("?") ? "&" : "?";
      const res = await fetch(`${this.statusUrl}${sep}ids=${ids.join(",")}`, { cache: "no-store" });
      if (res.ok) {
        const body = await res.json();
        const settled = [];
        for (const rec of body.recordings || []) {
          const old = this.items.get(rec.id) || {};
          this.items.set(rec.id, { ...old, ...rec });
          if (FINAL.has(rec.phase) && !FINAL.has(old.phase)) settled.push(this.items.get(rec.id));
        }
        this.save();
        this.render();
        for (const rec of settled) this.onSettled(rec);
      } else if (res.status === 403) {
        const body = await res.json().catch(() => ({}));
        this.onRefused(body.error || "this link is not valid any more");
        return; // polling again cannot help until the page is opened with a fresh link
      }
    } catch (_) {
      /* offline for a moment: try again on the next tick */
    }
    const age = Date.now() - (this.lastAdd || 0);
    const delay = SCHEDULE.find(([until]) => age < until)[1];
    if (this.pending().length && !document.hidden) this.timer = setTimeout(() => this.poll(), delay);
  }

  render() {
    const items = [...this.items.values()].sort((a, b) => b.id - a.id);
    this.listEl.replaceChildren(
      ...items.map((rec) => {
        const li = document.createElement("li");
        li.className = `sound ${rec.phase}`;
        li.dataset.id = rec.id;
        const title = document.createElement("span");
        title.className = "sound-title";
        title.textContent = t("sound_title", { id: rec.id });
        li.append(title);
        for (const line of describe(rec)) {
          const p = document.createElement("span");
          p.className = "sound-line";
          p.textContent = line;
          li.append(p);
        }
        if (rec.key && this.onDelete) {
          const del = document.createElement("button");
          del.type = "button";
          del.className = "secondary delete";
          del.textContent = t("delete");
          del.addEventListener("click", () => this.onDelete(rec.id, rec.key));
          li.append(del);
        }
        return li;
      }),
    );
    this.listEl.closest("section").hidden = items.length === 0;
  }
}
