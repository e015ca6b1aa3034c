// WAV writing in the page: concatenate captured blocks, down-mix, resample, encode 16-bit PCM.
// Pure functions (typed arrays in, typed arrays out); no DOM, so they also run in a worker or Node.

/** Join Float32Array blocks into one Float32Array. */
export function concat(blocks) {
  let n = 0;
  for (const b of blocks) n += b.length;
  const out = new Float32Array(n);
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** Average the channels of an AudioBuffer-like list of Float32Arrays into one. */
export function downmix(channels) {
  if (channels.length === 1) return channels[0];
  const n = channels[0].length;
  const out = new Float32Array(n);
  for (const ch of channels) for (let i = 0; i < n; i++) out[i] += ch[i];
  const k = 1 / channels.length;
  for (let i = 0; i < n; i++) out[i] *= k;
  return out;
}

const TABLE_STEPS = 256; // kernel samples per input sample

function blackman(x) {
  // x in [-1, 1]
  return 0.42 + 0.5 * Math.cos(Math.PI * x) + 0.08 * Math.cos(2 * Math.PI * x);
}

/**
 * Band-limited resampling with a Blackman-windowed sinc (low-pass at 97 % of the new Nyquist).
 * Only lowers the rate: when `toRate >= fromRate` the input is returned unchanged.
 * `zeros` is the number of sinc zero crossings on each side (quality vs. speed).
 */
export function resample(x, fromRate, toRate, zeros = 16) {
  if (!(toRate > 0) || toRate >= fromRate) return x;
  const ratio = toRate / fromRate;
  const c = ratio * 0.97; // cutoff as a fraction of the input Nyquist
  const halfWidth = zeros / c; // kernel half-width in input samples
  const size = Math.ceil(halfWidth * TABLE_STEPS) + 2;
  const table = new Float32Array(size);
  for (let k = 0; k < size; k++) {
    const d = k / TABLE_STEPS;
    if (d >= halfWidth) break;
    const arg = Math.PI * c * d;
    const sinc = d === 0 ? 1 : Math.sin(arg) / arg;
    table[k] = c * sinc * blackman(d / halfWidth);
  }
  const outLength = Math.floor(x.length * ratio);
  const out = new Float32Array(outLength);
  const last = x.length - 1;
  for (let i = 0; i < outLength; i++) {
    const t = i / ratio;
    const lo = Math.max(0, Math.ceil(t - halfWidth));
    const hi = Math.min(last, Math.floor(t + halfWidth));
    let acc = 0;
    for (let j = lo; j <= hi; j++) {
      const pos = Math.abs(t - j) * TABLE_STEPS;
      const k = pos | 0;
      const f = pos - k;
      acc += x[j] * (table[k] + f * (table[k + 1] - table[k]));
    }
    out[i] = acc;
  }
  return out;
}

/** Encode mono float samples (-1..1) as a 16-bit PCM WAV file; returns an ArrayBuffer. */
export function encodeWav(samples, sampleRate) {
  const rate = Math.round(sampleRate);
  const dataBytes = samples.length * 2;
  const buf = new ArrayBuffer(44 + dataBytes);
  const v = new DataView(buf);
  const text = (at, s) => {
    for (let i = 0; i < s.length; i++) v.setUint8(at + i, s.charCodeAt(i));
  };
  text(0, "RIFF");
  v.setUint32(4, 36 + dataBytes, true);
  text(8, "WAVE");
  text(12, "fmt ");
  v.setUint32(16, 16, true); // fmt chunk size
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, 1, true); // mono
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * 2, true); // byte rate
  v.setUint16(32, 2, true); // block align
  v.setUint16(34, 16, true); // bits per sample
  text(36, "data");
  v.setUint32(40, dataBytes, true);
  let at = 44;
  for (let i = 0; i < samples.length; i++, at += 2) {
    let s = samples[i];
    if (!(s === s)) s = 0; // NaN
    s = s < -1 ? -1 : s > 1 ? 1 : s;
    v.setInt16(at, s < 0 ? Math.round(s * 0x8000) : Math.round(s * 0x7fff), true);
  }
  return buf;
}

/**
 * From captured channels to a WAV Blob: down-mix, resample to `targetRate` when that lowers the rate
 * (0 or a higher target keeps the capture rate), encode.
 */
export function toWavBlob(channels, sampleRate, targetRate = 0) {
  const mono = downmix(channels);
  const rate = targetRate > 0 && targetRate < sampleRate ? targetRate : sampleRate;
  const samples = rate === sampleRate ? mono : resample(mono, sampleRate, rate);
  return { blob: new Blob([encodeWav(samples, rate)], { type: "audio/wav" }), sampleRate: rate,
           seconds: samples.length / rate };
}

/** Peak level of a block in dBFS (-Infinity for silence). */
export function peakDb(block) {
  let peak = 0;
  for (let i = 0; i < block.length; i++) {
    const a = Math.abs(block[i]);
    if (a > peak) peak = a;
  }
  return 20 * Math.log10(peak);
}
