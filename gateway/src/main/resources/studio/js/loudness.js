// Loudness as ITU-R BS.1770 measures it: K-weighting (a high shelf and a high-pass, designed for any rate as
// libebur128 does), 400 ms blocks every 100 ms, the absolute (-70 LUFS) and relative (-10 LU) gates.

function kWeighting(rate) {
  let f0 = 1681.974450955533;
  const g = 3.999843853973347;
  let q = 0.7071752369554196;
  let k = Math.tan(Math.PI * f0 / rate);
  const vh = Math.pow(10, g / 20);
  const vb = Math.pow(vh, 0.4996667741545416);
  let a0 = 1 + k / q + k * k;
  const shelf = {
    b: [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0],
    a: [2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0],
  };
  f0 = 38.13547087602444;
  q = 0.5003270373238773;
  k = Math.tan(Math.PI * f0 / rate);
  a0 = 1 + k / q + k * k;
  const highPass = { b: [1, -2, 1], a: [2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0] };
  return [shelf, highPass];
}

/** Streams stereo audio in; integrated() is its gated loudness in LUFS (-Infinity for silence). */
export class LoudnessMeter {
  constructor(rate) {
    this.filters = kWeighting(rate);
    // per channel, per stage: x1, x2, y1, y2
    this.state = [new Float64Array(8), new Float64Array(8)];
    this.step = Math.round(rate / 10);
    this.partial = 0;
    this.count = 0;
    this.steps = [];
  }

  weigh(x, c) {
    const s = this.state[c];
    let v = x;
    for (let j = 0; j < 2; j++) {
      const f = this.filters[j];
      const o = 4 * j;
      const y = f.b[0] * v + f.b[1] * s[o] + f.b[2] * s[o + 1] - f.a[0] * s[o + 2] - f.a[1] * s[o + 3];
      s[o + 1] = s[o];
      s[o] = v;
      s[o + 3] = s[o + 2];
      s[o + 2] = y;
      v = y;
    }
    return v;
  }

  push(left, right, frames, from = 0) {
    for (let i = from; i < from + frames; i++) {
      const a = this.weigh(left[i], 0);
      const b = this.weigh(right[i], 1);
      this.partial += a * a + b * b;
      if (++this.count === this.step) {
        this.steps.push(this.partial / this.step);
        this.partial = 0;
        this.count = 0;
      }
    }
  }

  integrated() {
    const blocks = [];
    for (let i = 3; i < this.steps.length; i++) {
      blocks.push((this.steps[i] + this.steps[i - 1] + this.steps[i - 2] + this.steps[i - 3]) / 4);
    }
    const lufs = (p) => -0.691 + 10 * Math.log10(p);
    const loud = blocks.filter((p) => lufs(p) > -70);
    if (loud.length === 0) {
      return -Infinity;
    }
    const relative = lufs(loud.reduce((s, p) => s + p, 0) / loud.length) - 10;
    const gated = loud.filter((p) => lufs(p) > relative);
    return lufs(gated.reduce((s, p) => s + p, 0) / gated.length);
  }
}

/** The loudness of frames [from, to) of a stereo track, in LUFS. */
export function loudnessOf(left, right, rate, from, to) {
  const m = new LoudnessMeter(rate);
  m.push(left, right, Math.max(0, to - from), from);
  return m.integrated();
}
