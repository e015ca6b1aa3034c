// The hub's Simpler mode script against a simulated Live Object Model (no Live here):
//   node test_simpler.js <path of exsampling-simpler.js>
"use strict";
const assert = require("assert");
const fs = require("fs");
const vm = require("vm");

function makeLom(tracks, withReplace) {
  const calls = [];
  const objects = {};
  const path = (p) => p.trim().replace(/\s+/g, " ");
  tracks.forEach((t, i) => {
    objects[`live_set tracks ${i}`] = { name: t.name, devices: t.devices.length };
    t.devices.forEach((cls, k) => {
      const base = `live_set tracks ${i} devices ${k}`;
      objects[base] = { class_name: cls, parameters: 2, playback_mode: 0 };
      ["Transpose", "Detune"].forEach((n, j) => { objects[`${base} parameters ${j}`] = { name: n, value: 0 }; });
    });
  });
  objects.live_set = { tracks: tracks.length };
  class LiveAPI {
    constructor(p) { this.path = `"${path(p)}"`; this.key = path(p); }
    get(prop) { return [objects[this.key][prop]]; }
    set(prop, v) { objects[this.key][prop] = v; calls.push(["set", this.key, prop, v]); }
    getcount(child) { return objects[this.key][child]; }
    call(fn, ...args) { calls.push(["call", this.key, fn, ...args]); }
    get info() { return withReplace && objects[this.key].class_name === "OriginalSimpler"
      ? "id 5\ntype Device\nfunction replace_sample\nfunction crop\ndone" : "id 5\ntype Device\ndone"; }
  }
  return { LiveAPI, calls, objects };
}

function run(script, lom) {
  const out = [];
  const ctx = { LiveAPI: lom.LiveAPI, outlet: (...a) => out.push(a.slice(1)), post: () => {} };
  vm.runInNewContext(fs.readFileSync(script, "utf8"), ctx);
  return { ctx, out };
}

const script = process.argv[2];
const tracks = [{ name: "drums", devices: ["MxDeviceMidiEffect", "OriginalSimpler"] },
  { name: "bells", devices: ["OriginalSimpler"] }];
let lom = makeLom(tracks, true);
let { ctx, out } = run(script, lom);
ctx.sample("bells", 12, "church_bells", 0.9, "C:\\Users\\me\\s 12.wav", 69.25, "melodic", 0, 0, 3, 2.0, "ready");
assert.deepStrictEqual(out.pop(), ["loaded", "bells", 12]);
assert.deepStrictEqual(lom.calls[0], ["call", "live_set tracks 1 devices 0", "replace_sample", "C:/Users/me/s 12.wav"]);
assert.strictEqual(lom.objects["live_set tracks 1 devices 0 parameters 0"].value, -9);  // Transpose 60 - 69
assert.strictEqual(lom.objects["live_set tracks 1 devices 0 parameters 1"].value, -25); // Detune -0.25 st
ctx.sample("drums", 13, "door_knock", 0.8, "/tmp/k.wav", 50, "percussive", 0, 0, 4, 0.3, "ready");
assert.deepStrictEqual(out.pop(), ["loaded", "drums", 13]);
assert.strictEqual(lom.objects["live_set tracks 0 devices 1"].playback_mode, 1);  // One-Shot
ctx.sample("voices", 14, "laughing", 0.8, "/tmp/v.wav", 50, "melodic", 0, 0, 5, 1, "ready");
assert.deepStrictEqual(out.pop(), ["nosimpler", "voices"]);
const before = lom.calls.length;
ctx.sample("bells", 15, "x", 0.8, "/tmp/x.wav", 60, "melodic", 0, 0, 6, 1, "rejected");
assert.strictEqual(lom.calls.length, before);  // rejected samples are not loaded
lom = makeLom(tracks, false);  // a Live without replace_sample
({ ctx, out } = run(script, lom));
ctx.sample("bells", 12, "church_bells", 0.9, "/tmp/b.wav", 69, "melodic", 0, 0, 3, 2.0, "ready");
assert.deepStrictEqual(out.pop(), ["unsupported", "bells"]);
assert.strictEqual(lom.calls.length, 0);
console.log("simpler mode ok");
