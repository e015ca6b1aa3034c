// ExSampling OSC hub: the Node for Max launcher of `exsampling serve`.
//
// Built-ins only (child_process, dgram, fs, path, os); `max-api` is injected by Max.
// - finds Python: the path recorded at install (exsampling-hub.json next to this script), then an override
//   (EXSAMPLING_PYTHON, or "python" in the per-user hub.json), then common places;
// - starts `python -m exsampling_osc serve --launched-by-device --probe-ports` with a free device port,
//   relays its output to the Max console, restarts it after a crash with back-off, stops it when the
//   device closes (stdin closes too, so the backend also exits on its own);
// - sends heartbeats, and relays OSC both ways: `send /address args...` from Max goes to the backend,
//   whatever the backend sends to this script's port comes out as `osc /address args...`;
// - outlets `ready` only after its handlers are registered.
"use strict";

const childProcess = require("child_process");
const dgram = require("dgram");
const fs = require("fs");
const os = require("os");
const path = require("path");
const maxApi = require("max-api");

const CONFIG_NAME = "exsampling-hub.json";
const HEARTBEAT_MS = 2000;
const BACKOFF_MS = [1000, 2000, 5000, 10000, 30000];
const STABLE_MS = 60000;
const KILL_GRACE_MS = 3000;
// a clean stop closes the backend's stdin (it finishes its job and exits); only then SIGTERM, and only on
// macOS/Linux: on Windows Node's child.kill("SIGTERM") is TerminateProcess, a hard kill
const STDIN_GRACE_MS = 1500;

// ---------------------------------------------------------------- OSC (just what the protocol uses)

function pad4(buf) {
  const extra = 4 - (buf.length % 4);
  return Buffer.concat([buf, Buffer.alloc(extra === 0 ? 4 : extra)]);
}

function oscString(s) {
  return pad4(Buffer.from(String(s), "utf8"));
}

function encodeOsc(address, args) {
  let tags = ",";
  const parts = [];
  for (const a of args) {
    if (typeof a === "number" && Number.isInteger(a)) {
      tags += "i";
      const b = Buffer.alloc(4);
      b.writeInt32BE(a);
      parts.push(b);
    } else if (typeof a === "number") {
      tags += "f";
      const b = Buffer.alloc(4);
      b.writeFloatBE(a);
      parts.push(b);
    } else {
      tags += "s";
      parts.push(oscString(a));
    }
  }
  return Buffer.concat([oscString(address), oscString(tags), ...parts]);
}

function readString(buf, pos) {
  const end = buf.indexOf(0, pos);
  if (end < 0) throw new Error("unterminated OSC string");
  const s = buf.toString("utf8", pos, end);
  return [s, (end + 4) & ~3];
}

function decodeOsc(buf) {
  let [address, pos] = readString(buf, 0);
  if (!address.startsWith("/")) throw new Error("not an OSC message");
  let tags = ",";
  if (pos < buf.length) [tags, pos] = readString(buf, pos);
  const args = [];
  for (const t of tags.slice(1)) {
    if (t === "i") { args.push(buf.readInt32BE(pos)); pos += 4; }
    else if (t === "f") { args.push(buf.readFloatBE(pos)); pos += 4; }
    else if (t === "s") { let s; [s, pos] = readString(buf, pos); args.push(s); }
    else if (t === "d") { args.push(buf.readDoubleBE(pos)); pos += 8; }
    else if (t === "h") { args.push(Number(buf.readBigInt64BE(pos))); pos += 8; }
    else if (t === "T" || t === "F") args.push(t === "T" ? 1 : 0);
    else throw new Error(`unsupported OSC type ${t}`);
  }
  return { address, args };
}

// ---------------------------------------------------------------- finding Python

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    return null;
  }
}

function userConfigPath() {
  if (process.platform === "win32") {
    return path.join(process.env.APPDATA || os.homedir(), "ExSampling OSC", "hub.json");
  }
  if (process.platform === "darwin") {
    return path.join(os.homedir(), "Library", "Application Support", "ExSampling OSC", "hub.json");
  }
  return path.join(process.env.XDG_CONFIG_HOME || path.join(os.homedir(), ".config"), "exsampling-osc", "hub.json");
}

function commonPythons() {
  const home = os.homedir();
  if (process.platform === "win32") {
    const out = [];
    const base = path.join(process.env.LOCALAPPDATA || path.join(home, "AppData", "Local"), "Programs", "Python");
    try {
      for (const d of fs.readdirSync(base).sort().reverse()) out.push(path.join(base, d, "python.exe"));
    } catch (err) { /* no per-user Python */ }
    out.push("C:\\Windows\\py.exe");
    return out;
  }
  return [
    "/opt/homebrew/bin/python3", "/usr/local/bin/python3",
    "/Library/Frameworks/Python.framework/Versions/Current/bin/python3",
    path.join(home, ".pyenv", "shims", "python3"), "/usr/bin/python3",
  ];
}

function isFile(p) {
  try {
    return Boolean(p) && fs.statSync(p).isFile();
  } catch (err) {
    return false;
  }
}

// Candidates in order: recorded at install, override (env, per-user config), common places.
function pythonCandidates(config, env) {
  const user = readJson(userConfigPath()) || {};
  return [
    { source: "recorded at install", path: config.python },
    { source: "EXSAMPLING_PYTHON", path: env.EXSAMPLING_PYTHON },
    { source: userConfigPath(), path: user.python },
    ...commonPythons().map((p) => ({ source: "common place", path: p })),
  ].filter((c) => c.path);
}

function findPython(config, env) {
  for (const c of pythonCandidates(config, env)) if (isFile(c.path)) return c;
  return null;
}

// ---------------------------------------------------------------- the launcher

class Hub {
  constructor(scriptDir, env) {
    this.env = env;
    this.config = readJson(path.join(scriptDir, CONFIG_NAME)) || {};
    this.child = null;
    this.stopping = false;
    this.crashes = 0;
    this.startedAt = 0;
    this.restartTimer = null;
    this.heartbeatTimer = null;
    this.backend = null; // parsed EXSAMPLING_READY line
    this.seq = 0;
    this.socket = null;
    this.pythonOverride = null;
    this.starting = null;
    this.lastStop = null; // {code, signal} of the last stop: a clean one exits 0 with no signal
    this.platform = process.platform;
  }

  post(...args) {
    maxApi.post(args.join(" "));
  }

  openSocket() {
    if (this.socket) return Promise.resolve(this.socket.address().port);
    return new Promise((resolve, reject) => {
      const sock = dgram.createSocket("udp4");
      sock.on("message", (buf) => {
        try {
          const { address, args } = decodeOsc(buf);
          maxApi.outlet("osc", address, ...args);
        } catch (err) {
          this.post("exsampling-hub: bad OSC packet:", err.message);
        }
      });
      sock.once("error", reject);
      sock.bind(0, "127.0.0.1", () => {
        this.socket = sock;
        resolve(sock.address().port);
      });
    });
  }

  freeUdpPort() {
    return new Promise((resolve, reject) => {
      const s = dgram.createSocket("udp4");
      s.once("error", reject);
      s.bind(0, "127.0.0.1", () => {
        const { port } = s.address();
        s.close(() => resolve(port));
      });
    });
  }

  sendOsc(address, args) {
    if (!this.backend || !this.socket) {
      this.post("exsampling-hub: backend not ready, dropped", address);
      return false;
    }
    this.socket.send(encodeOsc(address, args), this.backend.osc_port, "127.0.0.1");
    return true;
  }

  // one backend at a time: a start while one is starting (restart pressed twice, a restart timer firing
  // during a manual start) joins the start in flight instead of spawning a second process
  start() {
    if (this.child) return Promise.resolve();
    if (!this.starting) {
      clearTimeout(this.restartTimer);
      this.starting = this.spawnBackend().finally(() => { this.starting = null; });
    }
    return this.starting;
  }

  async spawnBackend() {
    this.stopping = false;
    const python = this.pythonOverride
      ? { source: "python message", path: this.pythonOverride }
      : findPython(this.config, this.env);
    if (!python) {
      maxApi.outlet("status", "no Python found: run `exsampling devices install` again");
      this.post("exsampling-hub: tried", pythonCandidates(this.config, this.env).map((c) => c.path).join(", "));
      return;
    }
    await this.openSocket();
    const devicePort = this.config.device_port || (await this.freeUdpPort());
    const args = ["-m", "exsampling_osc", "serve", "--launched-by-device", "--probe-ports",
      "--device-port", String(devicePort), ...(this.config.args || [])];
    this.post("exsampling-hub: starting", python.path, "(" + python.source + ")", args.join(" "));
    maxApi.outlet("status", "starting backend");
    const child = childProcess.spawn(python.path, args, {
      stdio: ["pipe", "pipe", "pipe"], env: { ...this.env, PYTHONUNBUFFERED: "1" }, windowsHide: true,
    });
    this.child = child;
    this.startedAt = Date.now();
    child.on("error", (err) => this.post("exsampling-hub: cannot start Python:", err.message));
    this.relayLines(child.stdout, (line) => this.onStdout(line));
    this.relayLines(child.stderr, (line) => this.post(line));
    child.on("exit", (code, signal) => this.onExit(child, code, signal));
  }

  relayLines(stream, fn) {
    let rest = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      const lines = (rest + chunk).split(/\r?\n/);
      rest = lines.pop();
      for (const line of lines) if (line) fn(line);
    });
  }

  onStdout(line) {
    const marker = "EXSAMPLING_READY ";
    if (!line.startsWith(marker)) {
      this.post(line);
      return;
    }
    try {
      this.backend = JSON.parse(line.slice(marker.length));
    } catch (err) {
      this.post("exsampling-hub: unreadable ready line:", line);
      return;
    }
    const b = this.backend;
    this.crashes = 0;
    this.sendOsc("/exsampling/hello", [this.socket.address().port, "hub-launcher"]);
    this.startHeartbeat();
    maxApi.outlet("ports", b.osc_port, b.device_port, b.http_port);
    maxApi.outlet("url", b.http_url.replace(/\/$/, "") + "/console");
    // Max wants forward slashes in paths, also on Windows
    if (b.qr_path) maxApi.outlet("qr", String(b.qr_path).replace(/\\/g, "/"));
    maxApi.outlet("status", `running · OSC ${b.osc_port} · HTTP ${b.http_port}`);
  }

  startHeartbeat() {
    clearInterval(this.heartbeatTimer);
    const beat = () => this.sendOsc("/exsampling/heartbeat", [++this.seq]);
    beat();
    this.heartbeatTimer = setInterval(beat, HEARTBEAT_MS);
  }

  onExit(child, code, signal) {
    if (this.child !== child) return;
    this.child = null;
    this.backend = null;
    clearInterval(this.heartbeatTimer);
    if (this.stopping) {
      maxApi.outlet("status", "stopped");
      return;
    }
    if (Date.now() - this.startedAt > STABLE_MS) this.crashes = 0;
    const delay = BACKOFF_MS[Math.min(this.crashes, BACKOFF_MS.length - 1)];
    this.crashes += 1;
    this.post(`exsampling-hub: backend exited (${signal || code}); restarting in ${delay / 1000} s`);
    maxApi.outlet("status", `backend exited (${signal || code}), restarting in ${delay / 1000} s`);
    this.restartTimer = setTimeout(() => this.start(), delay);
  }

  stop() {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    clearInterval(this.heartbeatTimer);
    const child = this.child;
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      const term = setTimeout(() => {
        if (this.platform !== "win32") child.kill("SIGTERM");
      }, STDIN_GRACE_MS);
      const kill = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
      child.once("exit", (code, signal) => {
        clearTimeout(term);
        clearTimeout(kill);
        this.lastStop = { code, signal };
        resolve();
      });
      try { child.stdin.end(); } catch (err) { /* already closed */ }
    });
  }

  killNow() {
    if (this.child) {
      try { this.child.kill("SIGKILL"); } catch (err) { /* gone */ }
    }
  }

  close() {
    if (this.socket) this.socket.close();
    this.socket = null;
  }
}

// ---------------------------------------------------------------- Max wiring

function main() {
  const hub = new Hub(__dirname, process.env);
  maxApi.addHandlers({
    start: () => hub.start(),
    stop: () => hub.stop(),
    restart: async () => { await hub.stop(); await hub.start(); },
    python: (p) => { hub.pythonOverride = String(p); },
    send: (address, ...args) => hub.sendOsc(String(address), args),
  });
  const quit = async () => {
    await hub.stop();
    hub.close();
    process.exit(0);
  };
  process.on("SIGTERM", quit);
  process.on("SIGINT", quit);
  process.on("disconnect", quit);
  process.on("exit", () => hub.killNow());
  // only now can Max's messages reach a handler
  maxApi.outlet("ready");
  return hub;
}

module.exports = { main, Hub, encodeOsc, decodeOsc, findPython, pythonCandidates };

if (!process.env.EXSAMPLING_HUB_NO_MAIN) module.exports.hub = main();
