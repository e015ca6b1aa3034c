// findPython's order and OSC encoding of the hub script, under plain Node (no backend needed):
//   node test_find_python.js <path of exsampling-hub.js> <scratch folder>
"use strict";
process.env.EXSAMPLING_HUB_NO_MAIN = "1";
const assert = require("assert");
const fs = require("fs");
const path = require("path");

const hub = require(process.argv[2]);
const dir = process.argv[3];
const make = (name) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, "");
  return p;
};
const recorded = make("recorded-python");
const override = make("override-python");

// the recorded path wins; a missing recorded file falls through to the override, then to common places
assert.strictEqual(hub.findPython({ python: recorded }, { EXSAMPLING_PYTHON: override }).path, recorded);
assert.strictEqual(hub.findPython({ python: path.join(dir, "gone") }, { EXSAMPLING_PYTHON: override }).path, override);
const fallback = hub.findPython({}, {});
const sources = hub.pythonCandidates({}, {}).map((c) => c.source);
assert.ok(sources.every((s) => s !== "recorded at install"));
if (fallback) assert.strictEqual(fallback.source, "common place");

// OSC round trip through the script's own encoder/decoder, with a path containing spaces
const msg = hub.encodeOsc("/exsampling/hello", [9101, "my track", 0.5]);
assert.strictEqual(msg.length % 4, 0);
assert.deepStrictEqual(hub.decodeOsc(msg), { address: "/exsampling/hello", args: [9101, "my track", 0.5] });
assert.throws(() => hub.decodeOsc(Buffer.from("garbage")));
process.stdout.write(JSON.stringify({ ok: true, osc_hex: msg.toString("hex") }) + "\n");
