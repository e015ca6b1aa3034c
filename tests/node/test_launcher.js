// The hub launcher under plain Node with the max-api stand-in (run by tests/test_devices_launcher.py):
//   node test_launcher.js <path of exsampling-hub.js>   (NODE_PATH must hold tests/node/stubs)
// Starts the real backend, waits for ready, relays OSC both ways, survives a crash, stops cleanly.
"use strict";
const assert = require("assert");
const maxApi = require("max-api");

const outlets = [];
const waiters = [];
maxApi._bus.on("outlet", (args, handlerNames) => {
  const entry = { args, handlerNames, used: false };
  outlets.push(entry);
  for (const w of waiters.slice()) {
    if (!entry.used && w.match(args)) {
      entry.used = true;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(args);
    }
  }
});
maxApi._bus.on("post", (line) => process.stderr.write(`[max console] ${line}\n`));

function waitOutlet(match, ms, what) {
  const found = outlets.find((o) => match(o.args) && !o.used);
  if (found) { found.used = true; return Promise.resolve(found.args); }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    waiters.push({ match, resolve: (a) => { clearTimeout(timer); resolve(a); } });
  });
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (err) { return false; }
}

async function main() {
  const hubModule = require(process.argv[2]);
  const hub = hubModule.hub;
  // ready comes first, and only once the handlers exist
  assert.deepStrictEqual(outlets[0].args, ["ready"]);
  for (const name of ["start", "stop", "send"]) assert.ok(outlets[0].handlerNames.includes(name), name);

  maxApi._call("start");
  const ports = await waitOutlet((a) => a[0] === "ports", 90000, "ports");
  const [, oscPort, devicePort, httpPort] = ports;
  assert.ok(oscPort > 0 && devicePort > 0 && httpPort > 0, `ports ${ports}`);
  const url = await waitOutlet((a) => a[0] === "url", 5000, "url");
  assert.match(url[1], /^http:\/\/127\.0\.0\.1:\d+\/console$/);
  const firstPid = hub.child.pid;
  console.log(JSON.stringify({ event: "started", pid: firstPid, osc_port: oscPort, device_port: devicePort }));

  // Max → backend: ping 4242; backend → Max: pong 4242 (relayed out of the script as `osc ...`)
  maxApi._call("send", "/exsampling/ping", 4242);
  const pong = await waitOutlet((a) => a[0] === "osc" && a[1] === "/exsampling/pong", 10000, "pong");
  assert.deepStrictEqual(pong.slice(2), [4242]);
  // the hello of the launcher was answered with ready, relayed too
  const ready = await waitOutlet((a) => a[0] === "osc" && a[1] === "/exsampling/ready", 10000, "osc ready");
  assert.strictEqual(ready[ready.length - 2], oscPort);

  // a crash: the launcher restarts the backend after its back-off
  process.kill(firstPid, "SIGKILL");
  await waitOutlet((a) => a[0] === "status" && /restarting in/.test(String(a[1])), 10000, "restart status");
  await waitOutlet((a) => a[0] === "ports", 90000, "ports after restart");
  const secondPid = hub.child.pid;
  assert.notStrictEqual(secondPid, firstPid);
  console.log(JSON.stringify({ event: "restarted", pid: secondPid }));

  await maxApi._call("stop");
  assert.strictEqual(hub.child, null);
  // closing stdin was enough: the backend exited by itself (0), not by a signal
  assert.deepStrictEqual(hub.lastStop, { code: 0, signal: null }, JSON.stringify(hub.lastStop));
  assert.ok(!alive(secondPid), "backend still alive after stop");
  await waitOutlet((a) => a[0] === "status" && a[1] === "stopped", 5000, "stopped status");
  console.log(JSON.stringify({ event: "stopped", pids: [firstPid, secondPid] }));

  // two starts at once (restart pressed twice, a timer during a manual start) spawn one backend
  const before = outlets.filter((o) => o.args[0] === "status" && o.args[1] === "starting backend").length;
  await Promise.all([hub.start(), hub.start()]);
  const spawned = outlets.filter((o) => o.args[0] === "status" && o.args[1] === "starting backend").length;
  assert.strictEqual(spawned - before, 1, "a second start spawned another backend");
  const thirdPid = hub.child.pid;
  await hub.stop();
  assert.ok(!alive(thirdPid));
  hub.close();
}

main().then(() => process.exit(0), (err) => {
  console.error(err.stack || err);
  try { require(process.argv[2]).hub.killNow(); } catch (e) { /* nothing to kill */ }
  process.exit(1);
});
