// Drawing: waveforms, the EQ's frequency response (the renderer's biquads: RBJ shelves and peak, at the corners
// GET /renderer gives), a parameter's automation over the segments, and a compressor's gain reduction over time.

const COLORS = { model: '#7a8699', shaped: '#ff8a3d', wave: '#4fa3ff', grid: '#2a3140', text: '#9aa5b8' };

/** A canvas sized to its CSS box at the device's pixel ratio; returns its 2D context and size in CSS pixels. */
export function fit(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(1, canvas.clientWidth);
  const h = Math.max(1, canvas.clientHeight || canvas.height);
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  }
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, w, h);
  return { g, w, h };
}

/** Min/max pairs (interleaved) as a waveform filling the canvas; `filled` of the pairs are drawn. */
export function drawPeaks(canvas, peaks, filled, color) {
  const { g, w, h } = fit(canvas);
  const cols = peaks.length / 2;
  g.fillStyle = color || COLORS.wave;
  const mid = h / 2;
  for (let c = 0; c < Math.min(cols, filled === undefined ? cols : filled); c++) {
    const x = (c / cols) * w;
    const lo = peaks[2 * c];
    const hi = peaks[2 * c + 1];
    g.fillRect(x, mid - hi * mid, Math.max(1, w / cols), Math.max(1, (hi - lo) * mid));
  }
  return g;
}

/** |H(e^jw)| of a biquad {b0, b1, b2, a1, a2} at frequency f. */
function magnitude(q, f, rate) {
  const w = (2 * Math.PI * f) / rate;
  const c1 = Math.cos(w);
  const s1 = Math.sin(w);
  const c2 = Math.cos(2 * w);
  const s2 = Math.sin(2 * w);
  const nr = q.b0 + q.b1 * c1 + q.b2 * c2;
  const ni = -(q.b1 * s1 + q.b2 * s2);
  const dr = 1 + q.a1 * c1 + q.a2 * c2;
  const di = -(q.a1 * s1 + q.a2 * s2);
  return Math.sqrt((nr * nr + ni * ni) / (dr * dr + di * di));
}

function normalise(b0, b1, b2, a0, a1, a2) {
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 };
}

function shelf(rate, f0, slope, db, high) {
  const a = Math.pow(10, db / 40);
  const w0 = (2 * Math.PI * f0) / rate;
  const cos = Math.cos(w0);
  const alpha = (Math.sin(w0) / 2) * Math.sqrt((a + 1 / a) * (1 / slope - 1) + 2);
  const sq = 2 * Math.sqrt(a) * alpha;
  if (!high) {
    return normalise(
      a * (a + 1 - (a - 1) * cos + sq), 2 * a * (a - 1 - (a + 1) * cos), a * (a + 1 - (a - 1) * cos - sq),
      a + 1 + (a - 1) * cos + sq, -2 * (a - 1 + (a + 1) * cos), a + 1 + (a - 1) * cos - sq);
  }
  return normalise(
    a * (a + 1 + (a - 1) * cos + sq), -2 * a * (a - 1 + (a + 1) * cos), a * (a + 1 + (a - 1) * cos - sq),
    a + 1 - (a - 1) * cos + sq, 2 * (a - 1 - (a + 1) * cos), a + 1 - (a - 1) * cos - sq);
}

function peaking(rate, f0, q, db) {
  const a = Math.pow(10, db / 40);
  const w0 = (2 * Math.PI * f0) / rate;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  return normalise(1 + alpha * a, -2 * cos, 1 - alpha * a, 1 + alpha / a, -2 * cos, 1 - alpha / a);
}

/** The EQ's response in dB at f for parameters {LOW_SHELF_DB, MID_PEAK_DB, HIGH_SHELF_DB}. */
export function eqResponseDb(eq, rate, p, f) {
  const cap = eq.maxFractionOfRate * rate;
  const stages = [
    shelf(rate, Math.min(eq.lowShelfHz, cap), eq.shelfSlope, p.LOW_SHELF_DB, false),
    peaking(rate, Math.min(eq.midPeakHz, cap), eq.midPeakQ, p.MID_PEAK_DB),
    shelf(rate, Math.min(eq.highShelfHz, cap), eq.shelfSlope, p.HIGH_SHELF_DB, true),
  ];
  return stages.reduce((db, q) => db + 20 * Math.log10(magnitude(q, f, rate)), 0);
}

/** The EQ curves of the model's mean parameters and the shaped ones, 20 Hz..rate/2 on a log axis, ±15 dB. */
export function drawEq(canvas, eq, rate, model, shaped) {
  const { g, w, h } = fit(canvas);
  const lo = Math.log10(20);
  const hi = Math.log10(rate / 2);
  const y = (db) => h / 2 - (db / 15) * (h / 2);
  g.strokeStyle = COLORS.grid;
  g.beginPath();
  for (const f of [100, 1000, 10000]) {
    const x = ((Math.log10(f) - lo) / (hi - lo)) * w;
    g.moveTo(x, 0);
    g.lineTo(x, h);
  }
  g.moveTo(0, y(0));
  g.lineTo(w, y(0));
  g.stroke();
  const curve = (p, color, dash) => {
    g.strokeStyle = color;
    g.setLineDash(dash);
    g.beginPath();
    for (let x = 0; x <= w; x += 2) {
      const f = Math.pow(10, lo + (x / w) * (hi - lo));
      const yy = y(eqResponseDb(eq, rate, p, f));
      if (x === 0) g.moveTo(x, yy); else g.lineTo(x, yy);
    }
    g.stroke();
    g.setLineDash([]);
  };
  curve(model, COLORS.model, [4, 3]);
  if (shaped) {
    curve(shaped, COLORS.shaped, []);
  }
  g.fillStyle = COLORS.text;
  g.font = '10px sans-serif';
  g.fillText('100', ((2 - lo) / (hi - lo)) * w + 2, h - 3);
  g.fillText('1k', ((3 - lo) / (hi - lo)) * w + 2, h - 3);
  g.fillText('10k', ((4 - lo) / (hi - lo)) * w + 2, h - 3);
}

/** A parameter over the segments: the model's values and the shaped ones, within [min, max]. */
export function drawLane(canvas, model, shaped, min, max, playFraction) {
  const { g, w, h } = fit(canvas);
  const y = (v) => h - 2 - ((v - min) / (max - min)) * (h - 4);
  g.strokeStyle = COLORS.grid;
  g.beginPath();
  g.moveTo(0, y(Math.max(min, Math.min(max, 0))));
  g.lineTo(w, y(Math.max(min, Math.min(max, 0))));
  g.stroke();
  const steps = (values, color) => {
    if (!values || values.length === 0) return;
    g.strokeStyle = color;
    g.beginPath();
    const dx = w / values.length;
    values.forEach((v, k) => {
      if (k === 0) g.moveTo(0, y(v)); else g.lineTo(k * dx, y(v));
      g.lineTo((k + 1) * dx, y(v));
    });
    g.stroke();
  };
  steps(model, COLORS.model);
  steps(shaped, COLORS.shaped);
  if (playFraction !== undefined) {
    g.fillStyle = '#fff';
    g.fillRect(playFraction * w, 0, 1, h);
  }
}

/** A compressor's gain reduction over time (dB of reduction, positive), drawn downward, full height at maxDb. */
export function drawReduction(canvas, reduction, maxDb) {
  const { g, w, h } = fit(canvas);
  g.fillStyle = COLORS.shaped;
  const n = reduction.length;
  for (let i = 0; i < n; i++) {
    const v = Math.min(1, reduction[i] / maxDb);
    g.fillRect((i / n) * w, 0, Math.max(1, w / n), v * h);
  }
}
