// ExSampling performer console: polls /console/api/state, draws samples, the map, the mapping, the QR code.
// Every button posts to /console/api/..., which calls the same Service operation as the OSC message.
"use strict";

const $ = (sel) => document.querySelector(sel);
const state = {
  version: 0, samples: [], recordings: [], classes: [], tracks: [], mapping: [], seen: new Set(), picked: new Set(),
  taught: {},
};
const prefs = { blur: localStorage.getItem("exs.blur") === "1", tiles: localStorage.getItem("exs.tiles") !== "0" };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

async function post(url, data) {
  const res = await fetch(url, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(data || {}),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) alert(body.error || `${res.status} ${res.statusText}`);
  state.version = 0; // refresh at once
  poll();
  return body;
}

// ---------------------------------------------------------------- status

function ageText(seconds) {
  if (seconds === null || seconds === undefined) return "never";
  return seconds < 1 ? "now" : `${Math.round(seconds)} s ago`;
}

function showStatus(s) {
  const osc = s.osc || {};
  const up = osc.link === "up";
  const devices = Array.isArray(s.devices) ? s.devices.length : s.devices;
  const age = s.seconds_since_heartbeat;
  // no device has ever spoken: a neutral state, not a failure (red is for a device that went silent)
  const never = (age === null || age === undefined) && !devices;
  const port = osc.port ? " :" + osc.port : "";
  $("#osc-status").textContent = never ? `OSC${port} · no device yet`
    : `OSC ${up ? "linked" : osc.link || "?"}${port}` + (devices !== undefined ? ` · ${devices} device(s)` : "");
  $("#osc-status").title = Array.isArray(s.devices)
    ? s.devices.map((d) => `${d.name} :${d.port} (${d.seconds_ago} s ago)`).join("\n") : "";
  $("#osc-status").className = "pill " + (up ? "ok" : never ? "idle" : "bad");
  $("#heartbeat-status").textContent = never ? "heartbeat: no device yet" : `heartbeat ${ageText(age)}`;
  $("#heartbeat-status").className = "pill " + (age !== null && age !== undefined && age < 10 ? "ok"
    : never ? "idle" : "bad");
  $("#queue-status").textContent = `queue ${s.queue === undefined ? "?" : s.queue}`;
}

// ---------------------------------------------------------------- teaching

function updateTeach() {
  const label = $("#teach-label").value.trim();
  $("#teach").disabled = !label || state.picked.size === 0;
  $("#teach-link").disabled = !label;
  $("#teach").textContent = state.picked.size ? `Teach ${state.picked.size} ticked as ${label || "label"}` : "Teach ticked as label";
}

function showTaught(taught) {
  state.taught = taught || {};
  $("#taught").replaceChildren(...Object.entries(state.taught).sort().map(([label, n]) =>
    el("li", { class: "taught", "data-label": label }, el("span", { class: "label" }, label),
      ` ${n} example${n === 1 ? "" : "s"} `,
      el("button", { type: "button", class: "forget", onclick: async () => {
        const body = await post("/console/api/untaught", { label });
        if (!body.error) $("#teach-note").textContent = `Forgot ${label}: re-analyse to relabel its samples.`;
      } }, "Forget"))));
}

async function teach() {
  const label = $("#teach-label").value.trim();
  const ids = [...state.picked];
  const body = await post("/console/api/teach", { label, sample_ids: ids });
  if (body.error) return;
  state.picked.clear();
  for (const box of document.querySelectorAll("input.pick")) box.checked = false;
  updateTeach();
  $("#teach-note").textContent = `Taught ${label} from ${ids.length} sample${ids.length === 1 ? "" : "s"}: ` +
    "new sounds get it now; re-analyse all to apply it to the library.";
}

/** A performer-only recorder link for the label: every recording sent through it is one example. */
async function teachLink() {
  const label = $("#teach-label").value.trim();
  const body = await post("/console/api/teach-link", { label });
  if (body.error) return;
  $("#teach-link-url").value = body.result.url;
  $("#teach-link-box").hidden = false;
  $("#teach-note").textContent = `Link for ${label}: keep it to yourself (anyone with it teaches ${label}).`;
}

async function reanalyseAll() {
  const body = await post("/console/api/reanalyse", {});
  if (!body.error) $("#teach-note").textContent = `${body.queued} samples queued for analysis again.`;
}

// ---------------------------------------------------------------- map

let map = null, markers = null, tiles = null;

const GRID_STEPS = [30, 10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001];
let grid = null;

function drawGrid() {
  // a coordinate grid that follows the zoom: without tiles (no internet) the points sit on a readable view
  const b = map.getBounds();
  const span = Math.max(b.getNorth() - b.getSouth(), b.getEast() - b.getWest());
  const step = GRID_STEPS.find((s) => span / s >= 3) || GRID_STEPS[GRID_STEPS.length - 1];
  grid.clearLayers();
  const style = { color: "#3d4452", weight: 1, interactive: false };
  for (let lat = Math.floor(b.getSouth() / step) * step; lat <= b.getNorth(); lat += step) {
    L.polyline([[lat, b.getWest()], [lat, b.getEast()]], style).addTo(grid);
  }
  for (let lon = Math.floor(b.getWest() / step) * step; lon <= b.getEast(); lon += step) {
    L.polyline([[b.getSouth(), lon], [b.getNorth(), lon]], style).addTo(grid);
  }
  const c = map.getCenter();
  readout.getContainer().textContent = `${c.lat.toFixed(4)}, ${c.lng.toFixed(4)} · grid ${step}°`;
}

let readout = null;

function initMap() {
  if (!window.L) return;
  map = L.map("map", { worldCopyJump: true, attributionControl: true }).setView([20, 0], 2);
  grid = L.layerGroup().addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  readout = L.control({ position: "topright" });
  readout.onAdd = () => L.DomUtil.create("div", "map-readout");
  readout.addTo(map);
  map.on("moveend zoomend", drawGrid);
  drawGrid();
  markers = L.featureGroup().addTo(map);
  setTiles(prefs.tiles);
}

function setTiles(on) {
  if (!map) return;
  if (on && !tiles) {
    tiles = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 18, attribution: "© OpenStreetMap contributors",
    }).addTo(map);
  } else if (!on && tiles) {
    map.removeLayer(tiles);
    tiles = null;
  }
}

function showPlainMap(points) {
  // the plain coordinate view, used when Leaflet is not there
  const svg = $("#plain-map");
  svg.hidden = false;
  $("#map").hidden = true;
  const ns = "http://www.w3.org/2000/svg";
  svg.replaceChildren();
  const lats = points.map((p) => p.latitude), lons = points.map((p) => p.longitude);
  const pad = 0.01;
  const [minLat, maxLat] = [Math.min(...lats) - pad, Math.max(...lats) + pad];
  const [minLon, maxLon] = [Math.min(...lons) - pad, Math.max(...lons) + pad];
  for (const p of points) {
    const c = document.createElementNS(ns, "circle");
    c.setAttribute("cx", 20 + ((p.longitude - minLon) / (maxLon - minLon || 1)) * 360);
    c.setAttribute("cy", 220 - ((p.latitude - minLat) / (maxLat - minLat || 1)) * 200);
    c.setAttribute("r", 5);
    c.setAttribute("class", "point");
    c.setAttribute("fill", "#f2a93b");
    svg.append(c);
  }
}

function showMap() {
  const points = state.recordings;
  $("#point-count").textContent = points.length ? `(${points.length})` : "";
  $("#no-points").hidden = points.length > 0;
  if (!map) { if (points.length) showPlainMap(points); return; }
  markers.clearLayers();
  for (const p of points) {
    const marker = prefs.blur
      ? L.circle([p.latitude, p.longitude], { radius: 700, color: "#f2a93b", fillOpacity: 0.3 })
      : L.circleMarker([p.latitude, p.longitude], { radius: 7, color: "#f2a93b", fillOpacity: 0.8 });
    // a DOM node, never an HTML string: a participant's file name is text (Leaflet writes strings as HTML)
    marker.bindTooltip(el("span", { class: "point-label" }, `#${p.id} ${p.name || ""} · ${timeText(p.created)}`));
    marker.addTo(markers);
  }
  if (points.length && !map._fitted) {
    map.fitBounds(markers.getBounds().pad(0.3), { maxZoom: 15 });
    map._fitted = true;
  }
}

// ---------------------------------------------------------------- mapping

function showMapping() {
  const rows = state.mapping.map((m) => {
    const select = el("select", { class: "track", "data-label": m.label });
    for (const t of state.tracks) {
      const option = el("option", { value: t }, t);
      if (t === m.track) option.selected = true;
      select.append(option);
    }
    const button = el("button", { type: "button", class: "remap", "data-label": m.label,
      onclick: () => post("/console/api/remap", { label: m.label, track: select.value }) }, "Re-map");
    return el("tr", { "data-label": m.label }, el("td", {}, m.label), el("td", {}, select), el("td", {}, button),
      el("td", { class: "meta" }, m.mode || ""));
  });
  $("#mapping tbody").replaceChildren(...rows);
}

// ---------------------------------------------------------------- polling

function normaliseMapping(mapping) {
  if (Array.isArray(mapping)) return mapping;
  return Object.entries(mapping || {}).map(([label, v]) =>
    typeof v === "string" ? { label, track: v } : { label, track: v.track, mode: v.mode });
}

let polling = false;
async function poll() {
  if (polling) return;
  polling = true;
  try {
    const res = await fetch(`/console/api/state?since=${state.version}&blur=${prefs.blur ? 1 : 0}`);
    const data = await res.json();
    showStatus(data.status || {});
    if (!data.unchanged) {
      const mappingChanged = JSON.stringify(data.mapping) !== JSON.stringify(state.rawMapping) ||
        JSON.stringify(data.tracks) !== JSON.stringify(state.tracks);
      Object.assign(state, {
        samples: data.samples, recordings: data.recordings, classes: data.classes, tracks: data.tracks,
        rawMapping: data.mapping, mapping: normaliseMapping(data.mapping),
      });
      showSamples();
      showTaught(data.taught);
      setKnobRanges(data.knob_limits || {});
      showMap();
      if (mappingChanged) showMapping();
      for (const p of document.querySelectorAll("#participant-url, .overlay-url")) p.textContent = data.participant_url || "";
      state.version = data.version;
      document.body.dataset.version = data.version;
    }
  } catch (err) {
    $("#osc-status").textContent = "backend unreachable";
    $("#osc-status").className = "pill bad";
  } finally {
    polling = false;
  }
}

// ---------------------------------------------------------------- composer XY pad

const NOTE_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];
const noteName = (n) => `${NOTE_NAMES[n % 12]}${Math.floor(n / 12) - 1}`;

const KNOBS = ["temperature", "density", "register", "key", "bars"];

/** The sliders' ranges as the OSC protocol declares them (the state's `knob_limits`: name → [min, max]). */
function setKnobRanges(limits) {
  for (const [name, [lo, hi]] of Object.entries(limits)) {
    const input = $(`#knob-${name}`);
    if (input && input.type === "range") Object.assign(input, { min: String(lo), max: String(hi) });
  }
}
let lastPoint = null;

// the knobs beside the pad, as the request carries them (-1: the composer's default)
function knobValues() {
  return Object.fromEntries(KNOBS.map((k) => [k, Number($(`#knob-${k}`).value)]));
}

async function compose(x, y) {
  lastPoint = [x, y];
  const dot = $("#xy-dot");
  dot.hidden = false;
  dot.style.left = `${((x + 1) / 2) * 100}%`;
  dot.style.top = `${((1 - y) / 2) * 100}%`;
  const seed = $("#variation").checked ? Math.floor(Math.random() * 1e6) : -1;
  const out = $("#phrase");
  out.textContent = "composing…";
  const res = await fetch("/console/api/compose", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ x, y, seed, ...knobValues() }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok || !body.result) {
    out.textContent = body.error || `${res.status} ${res.statusText}`;
    return;
  }
  const p = body.result;
  const file = p.midi_path.split(/[\\/]/).pop();
  const notes = p.notes.map((n) => `${noteName(n.note)}·${n.duration_beats}`).join(" ");
  out.replaceChildren(
    `Phrase ${p.phrase_id} at (${x.toFixed(2)}, ${y.toFixed(2)}): ${p.notes.length} notes over ${p.length_beats} `
      + `beats (variation ${p.controls.temperature}, density ${p.controls.density}, notes ${noteName(p.controls.low)}`
      + `-${noteName(p.controls.high)}), sent to the devices. `,
    el("a", { href: `/console/api/phrases/${encodeURIComponent(file)}`, download: file }, "Download .mid"),
    el("br"), el("small", { class: "notes" }, notes),
  );
  out.dataset.phrase = String(p.phrase_id);
}

function padPoint(event) {
  const r = $("#xy-pad").getBoundingClientRect();
  const x = ((event.clientX - r.left) / r.width) * 2 - 1;
  const y = 1 - ((event.clientY - r.top) / r.height) * 2;
  return [Math.max(-1, Math.min(1, x)), Math.max(-1, Math.min(1, y))];
}

function init() {
  $("#blur").checked = prefs.blur;
  $("#tiles").checked = prefs.tiles;
  $("#blur").addEventListener("change", (e) => {
    prefs.blur = e.target.checked;
    localStorage.setItem("exs.blur", prefs.blur ? "1" : "0");
    state.version = 0;
    poll();
  });
  $("#tiles").addEventListener("change", (e) => {
    prefs.tiles = e.target.checked;
    localStorage.setItem("exs.tiles", prefs.tiles ? "1" : "0");
    setTiles(prefs.tiles);
  });
  $("#project-qr").addEventListener("click", () => { $("#qr-overlay").hidden = false; });
  $("#teach-label").addEventListener("input", updateTeach);
  $("#teach").addEventListener("click", teach);
  $("#teach-link").addEventListener("click", teachLink);
  $("#reanalyse-all").addEventListener("click", reanalyseAll);
  $("#xy-pad").addEventListener("click", (e) => compose(...padPoint(e)));
  $("#xy-pad").addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") compose(0, 0); });
  $("#qr-overlay").addEventListener("click", () => { $("#qr-overlay").hidden = true; });
  for (const k of KNOBS) {
    const input = $(`#knob-${k}`);
    input.addEventListener("input", () => {
      const out = input.parentElement.querySelector("output");
      if (out) out.textContent = input.value;
    });
    // a knob moved: the phrase at the last pad point again, with the new value
    input.addEventListener("change", () => { if (lastPoint) compose(...lastPoint); });
  }
  initMap();
  poll();
  setInterval(poll, 1000);
  // jweb views can come back blank after switching tracks: redraw the map when shown again
  document.addEventListener("visibilitychange", () => { if (!document.hidden && map) map.invalidateSize(); });
}

init();

// for tests and the curious: the points the map shows
window.exsConsole = {
  points: () => (markers ? markers.getLayers().map((m) => [m.getLatLng().lat, m.getLatLng().lng])
    : state.recordings.map((p) => [p.latitude, p.longitude])),
};
