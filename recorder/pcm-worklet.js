// AudioWorklet processor: down-mixes the input to mono and posts blocks of PCM to the page.
// Messages in: "flush" (post what is buffered, then {done: true}). Messages out: Float32Array blocks.

const BLOCK = 2048;

class PcmCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.buf = new Float32Array(BLOCK);
    this.fill = 0;
    this.port.onmessage = (e) => {
      if (e.data === "flush") {
        this.post();
        this.port.postMessage({ done: true });
      }
    };
  }

  post() {
    if (this.fill === 0) return;
    const block = this.buf.slice(0, this.fill);
    this.port.postMessage(block, [block.buffer]);
    this.fill = 0;
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0) return true;
    const n = input[0].length;
    const k = 1 / input.length;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < input.length; c++) s += input[c][i];
      this.buf[this.fill++] = s * k;
      if (this.fill === BLOCK) this.post();
    }
    return true;
  }
}

registerProcessor("pcm-capture", PcmCapture);
