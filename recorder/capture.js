// Live capture: one microphone stream and one AudioContext for the whole visit (iOS Safari asks for
// the microphone again on every getUserMedia call), PCM taken in an AudioWorklet at the real rate.

import { t } from "./i18n.js";

const WORKLET_URL = new URL("./pcm-worklet.js", import.meta.url);

/** Why live capture cannot work here, in words, or "" when it can. */
export function unsupportedReason() {
  if (!window.isSecureContext) return t("insecure");
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return t("no_record_api");
  if (!window.AudioContext && !window.webkitAudioContext) return t("no_audio_api");
  if (!window.AudioWorkletNode) return t("old_browser");
  return "";
}

/** Plain words for a getUserMedia failure. */
export function micErrorText(err) {
  const name = err && err.name;
  if (name === "NotAllowedError" || name === "SecurityError") return t("mic_refused");
  if (name === "NotFoundError" || name === "OverconstrainedError") return t("mic_missing");
  if (name === "NotReadableError") return t("mic_busy");
  return t("mic_failed", { why: (err && err.message) || err });
}

export class Capture {
  /**
   * @param {object} hooks onBlock(Float32Array, seconds) for each block; onState(state) when the
   *   AudioContext changes state ("running", "suspended", "interrupted").
   */
  constructor(hooks = {}) {
    this.hooks = hooks;
    this.stream = null;
    this.ctx = null;
    this.node = null;
    this.source = null;
    this.sink = null;
    this.blocks = [];
    this.frames = 0;
    this.recording = false;
    this.workletReady = null;
  }

  get sampleRate() {
    return this.ctx ? this.ctx.sampleRate : 0;
  }

  get seconds() {
    return this.ctx ? this.frames / this.ctx.sampleRate : 0;
  }

  /** Ask for the microphone once; later calls reuse the live stream. Call from a tap. */
  async open() {
    if (!this.ctx) {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      this.ctx = new Ctx({ latencyHint: "interactive" });
      this.ctx.onstatechange = () => this.hooks.onState && this.hooks.onState(this.ctx.state);
      this.workletReady = this.ctx.audioWorklet.addModule(WORKLET_URL.href);
    }
    await this.resume();
    if (!this.stream || this.stream.getAudioTracks().every((t) => t.readyState === "ended")) {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: { ideal: 1 } },
        video: false,
      });
      for (const track of this.stream.getAudioTracks()) {
        track.onended = () => { this.stream = null; };
      }
      this.source = null;
    }
    await this.workletReady;
    if (!this.source) this.source = this.ctx.createMediaStreamSource(this.stream);
  }

  /** Resume a suspended or interrupted context; must run inside a tap on iOS. */
  async resume() {
    if (this.ctx && this.ctx.state !== "running") {
      try {
        await this.ctx.resume();
      } catch (_) {
        /* stays suspended; the page offers a tap to resume */
      }
    }
  }

  async start() {
    await this.open();
    this.blocks = [];
    this.frames = 0;
    this.node = new AudioWorkletNode(this.ctx, "pcm-capture", { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
    this.node.port.onmessage = (e) => {
      if (!(e.data instanceof Float32Array) || !this.recording) return;
      this.blocks.push(e.data);
      this.frames += e.data.length;
      this.hooks.onBlock && this.hooks.onBlock(e.data, this.seconds);
    };
    // A silent path to the destination keeps the node pulled by the audio graph in every browser.
    this.sink = this.ctx.createGain();
    this.sink.gain.value = 0;
    this.source.connect(this.node);
    this.node.connect(this.sink);
    this.sink.connect(this.ctx.destination);
    this.recording = true;
  }

  /** Stop and return {channels: [Float32Array], sampleRate}. */
  async stop() {
    const node = this.node;
    if (!node) return { channels: [new Float32Array(0)], sampleRate: this.sampleRate };
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 500); // a suspended context never answers
      const previous = node.port.onmessage;
      node.port.onmessage = (e) => {
        if (e.data && e.data.done) {
          clearTimeout(timer);
          resolve();
        } else previous(e);
      };
      node.port.postMessage("flush");
    });
    this.recording = false;
    try {
      this.source.disconnect(node);
    } catch (_) {
      /* already gone */
    }
    node.disconnect();
    this.sink.disconnect();
    this.node = null;
    const { concat } = await import("./wav.js");
    return { channels: [concat(this.blocks)], sampleRate: this.sampleRate };
  }
}
