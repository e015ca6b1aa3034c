// ExSampling performer console: the samples list, grouped by recording (loaded before console.js, whose
// globals - state, el, $, post - these functions use when called). Participant strings go in as text only.
// ---------------------------------------------------------------- samples

function timeText(t) {
  return t ? new Date(t * 1000).toLocaleTimeString() : "";
}

const peakCache = new Map();

async function drawWave(canvas, id) {
  const ctx = canvas.getContext("2d");
  canvas.width = 160; canvas.height = 64;
  try {
    if (!peakCache.has(id)) {
      const res = await fetch(`/console/api/samples/${id}/peaks?n=160`);
      if (!res.ok) throw new Error(res.statusText);
      peakCache.set(id, (await res.json()).peaks);
    }
    const peaks = peakCache.get(id);
    ctx.fillStyle = "#f2a93b";
    peaks.forEach(([lo, hi], x) => {
      const y0 = 32 - hi * 30, y1 = 32 - lo * 30;
      ctx.fillRect(x, y0, 1, Math.max(1, y1 - y0));
    });
    canvas.dataset.drawn = "1";
  } catch (err) {
    ctx.fillStyle = "#666"; ctx.fillText("no waveform", 40, 36);
  }
}

function labelSelect(s) {
  const select = el("select", { class: "override", title: "change the label (override)" });
  const labels = state.classes.length ? state.classes : [s.label];
  for (const label of labels.includes(s.label) ? labels : [s.label, ...labels]) {
    const option = el("option", { value: label }, label);
    if (label === s.label) option.selected = true;
    select.append(option);
  }
  select.addEventListener("change", () => post(`/console/api/samples/${s.id}/override`, { label: select.value }));
  return select;
}

function play(s) {
  const player = $("#player");
  player.src = s.audio;
  player.dataset.sample = s.id;
  player.play().catch((err) => console.warn("preview:", err));
}

function sampleItem(s) {
  const canvas = el("canvas", { width: 160, height: 64 });
  drawWave(canvas, s.id);
  const fresh = state.version > 0 && !state.seen.has(s.id);
  const conf = s.confidence === null || s.confidence === undefined ? "" : `${Math.round(s.confidence * 100)}%`;
  const pick = el("input", { type: "checkbox", class: "pick", "aria-label": `tick sample ${s.id} to teach` });
  pick.checked = state.picked.has(s.id);
  pick.addEventListener("change", () => {
    if (pick.checked) state.picked.add(s.id); else state.picked.delete(s.id);
    updateTeach();
  });
  return el("li", { class: `sample ${s.state}${fresh ? " fresh" : ""}`, "data-id": s.id },
    canvas, s.photo ? el("img", { class: "photo", src: s.photo, alt: `photo sent with recording ${s.recording_id}` }) : "",
    el("div", { class: "head" }, el("span", { class: "label" }, s.label), el("span", { class: "conf" }, conf),
      el("span", { class: "state" }, s.state || ""), s.overridden ? el("span", { class: "meta" }, `(was ${s.analysed_label})`) : "",
      s.flags && s.flags.length ? el("span", { class: "flags" }, `flagged: ${s.flags.join(", ").replace(/_/g, " ")}`) : ""),
    el("div", { class: "meta" }, `#${s.id} · track ${s.track || "?"} · ${s.mode || ""}`,
      s.root_midi ? ` · root ${Number(s.root_midi).toFixed(1)}` : "", ` · ${timeText(s.created)}`),
    el("div", { class: "actions" }, pick,
      el("button", { type: "button", class: "listen", onclick: () => play(s) }, "▶ Listen"),
      el("button", { type: "button", class: "accept", onclick: () => post(`/console/api/samples/${s.id}/accept`) }, "Accept"),
      el("button", { type: "button", class: "reject", onclick: () => post(`/console/api/samples/${s.id}/reject`) }, "Reject"),
      labelSelect(s),
      el("button", { type: "button", class: "reanalyse", onclick: () => post(`/console/api/samples/${s.id}/reanalyse`) }, "Re-analyse")));
}

const items = new Map(); // sample id → { key, li }: an unchanged sample keeps its element (and focus)
const groups = new Map(); // recording id → { key, li, list }: the recording's heading and its samples

// The samples of one recording (the hits a take was cut into, or its pieces) in order of first appearance.
function byRecording(samples) {
  const out = new Map();
  for (const s of samples) {
    const rid = s.recording_id === null || s.recording_id === undefined ? "?" : String(s.recording_id);
    if (!out.has(rid)) out.set(rid, []);
    out.get(rid).push(s);
  }
  return out;
}

function groupHeading(rid, samples) {
  const n = samples.length;
  const hits = samples.every((s) => s.mode === "percussive");
  const what = hits ? `hit${n === 1 ? "" : "s"}` : `sample${n === 1 ? "" : "s"}`;
  const first = samples.reduce((a, s) => (s.created < a ? s.created : a), samples[0].created);
  return `Recording #${rid} · ${timeText(first)} · ${n} ${what}`;
}

function sampleNode(s) {
  const key = JSON.stringify(s) + state.classes.length;
  const known = items.get(s.id);
  if (known && known.key === key) return known.li;
  const li = sampleItem(s);
  items.set(s.id, { key, li });
  return li;
}

function sameChildren(parent, nodes) {
  return nodes.length === parent.children.length && nodes.every((n, i) => parent.children[i] === n);
}

function showSamples() {
  const list = $("#samples");
  const nodes = [];
  for (const [rid, samples] of byRecording(state.samples)) {
    let g = groups.get(rid);
    if (!g) {
      const heading = el("h3", { class: "recording-head" });
      const inner = el("ol", { class: "hits" });
      g = { li: el("li", { class: "recording", "data-recording": rid }, heading, inner), heading, list: inner };
      groups.set(rid, g);
    }
    const text = groupHeading(rid, samples);
    if (g.heading.textContent !== text) g.heading.textContent = text;
    const children = samples.map(sampleNode);
    if (!sameChildren(g.list, children)) g.list.replaceChildren(...children);
    nodes.push(g.li);
  }
  if (!sameChildren(list, nodes)) list.replaceChildren(...nodes);
  for (const s of state.samples) state.seen.add(s.id);
  $("#no-samples").hidden = state.samples.length > 0;
  $("#sample-count").textContent = state.samples.length ? `(${state.samples.length})` : "";
}
