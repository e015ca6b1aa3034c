// Stand-in for the `max-api` module that Max injects into node.script (tests only).
// Records handlers, turns outlet() and post() into events, and lets a test call handlers by name.
"use strict";
const EventEmitter = require("events");

const bus = new EventEmitter();
const handlers = {};

module.exports = {
  POST_LEVELS: { ERROR: "error", INFO: "info", WARN: "warn" },
  MESSAGE_TYPES: { ALL: "all", BANG: "bang", DICT: "dict", NUMBER: "number", LIST: "list" },
  addHandler(name, fn) { handlers[name] = fn; },
  addHandlers(obj) { Object.assign(handlers, obj); },
  removeHandler(name) { delete handlers[name]; },
  outlet(...args) {
    bus.emit("outlet", args, Object.keys(handlers));
    return Promise.resolve();
  },
  outletBang() { return module.exports.outlet("bang"); },
  post(...args) {
    bus.emit("post", args.join(" "));
    return Promise.resolve();
  },
  // test side
  _bus: bus,
  _call(name, ...args) {
    if (!handlers[name]) throw new Error(`no handler for ${name}`);
    return handlers[name](...args);
  },
};
