// WAV files in the browser: the header read (with a clear reason when it is not one the gateway takes), the samples
// decoded to floats, and a stem's overview computed in one pass (peaks to draw, loudness).

import { LoudnessMeter } from './loudness.js';

const PCM = 1;
const FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/** The header of a WAV file: throws an Error whose message says what is wrong, for the page to show. */
export function parseWav(buffer) {
  const v = new DataView(buffer);
  const tag = (at) => String.fromCharCode(v.getUint8(at), v.getUint8(at + 1), v.getUint8(at + 2), v.getUint8(at + 3));
  if (buffer.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new Error('not a WAV file (no RIFF/WAVE header); the studio takes WAV stems');
  }
  let fmt = null;
  let at = 12;
  while (at + 8 <= buffer.byteLength) {
    const id = tag(at);
    const size = v.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16) {
        throw new Error('the WAV header is damaged (fmt chunk of ' + size + ' bytes)');
      }
      let format = v.getUint16(body, true);
      if (format === EXTENSIBLE && size >= 40) {
        format = v.getUint16(body + 24, true);
      }
      fmt = {
        format,
        channels: v.getUint16(body + 2, true),
        sampleRate: v.getUint32(body + 4, true),
        bits: v.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) {
        throw new Error('the WAV header is damaged (data before fmt)');
      }
      if (fmt.format !== PCM && fmt.format !== FLOAT) {
        throw new Error('WAV format ' + fmt.format + ' is not PCM or float (compressed WAV is not taken)');
      }
      const okBits = fmt.format === FLOAT ? [32] : [16, 24, 32];
      if (!okBits.includes(fmt.bits)) {
        throw new Error(fmt.bits + '-bit ' + (fmt.format === FLOAT ? 'float' : 'PCM')
          + ' is not taken (16, 24 or 32-bit PCM, or 32-bit float)');
      }
      if (fmt.channels !== 1 && fmt.channels !== 2) {
        throw new Error(fmt.channels + ' channels: stems are mono or stereo');
      }
      if (fmt.sampleRate < 8000 || fmt.sampleRate > 192000) {
        throw new Error('sample rate ' + fmt.sampleRate + ' Hz is outside 8000..192000');
      }
      const frameBytes = fmt.channels * fmt.bits / 8;
      const available = Math.min(size === 0xffffffff ? Infinity : size, buffer.byteLength - body);
      const frames = Math.floor(available / frameBytes);
      if (frames === 0) {
        throw new Error('the WAV file has no audio');
      }
      return Object.assign(fmt, { float: fmt.format === FLOAT, dataOffset: body, frames, frameBytes });
    }
    at = body + size + (size & 1);
  }
  throw new Error(fmt ? 'the WAV file has no data chunk' : 'the WAV file has no fmt chunk');
}

/**
 * The header of a stream of the gateway's float WAV (a render sent while it is made), from its first bytes (a
 * Uint8Array): null until the data chunk begins; then { sampleRate, channels, frames, dataOffset }.
 */
export function streamHead(bytes) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at) => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
  if (bytes.length < 12) {
    return null;
  }
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new Error('the render did not come as a WAV stream');
  }
  let fmt = null;
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = tag(at);
    const size = v.getUint32(at + 4, true);
    if (id === 'fmt ') {
      if (at + 8 + 16 > bytes.length) {
        return null;
      }
      let format = v.getUint16(at + 8, true);
      if (format === EXTENSIBLE && size >= 40) {
        if (at + 8 + 26 > bytes.length) {
          return null;
        }
        format = v.getUint16(at + 8 + 24, true);
      }
      fmt = { format, channels: v.getUint16(at + 10, true), sampleRate: v.getUint32(at + 12, true),
        bits: v.getUint16(at + 22, true) };
    } else if (id === 'data') {
      if (!fmt || fmt.format !== FLOAT || fmt.bits !== 32 || fmt.channels !== 2) {
        throw new Error('the render did not come as stereo 32-bit float');
      }
      return { sampleRate: fmt.sampleRate, channels: 2, frames: size / 8, dataOffset: at + 8 };
    }
    at += 8 + size + (size & 1);
  }
  return null;
}

/** A function reading sample i (interleaved index) of the data as a float in [-1, 1]. */
function reader(buffer, info) {
  const v = new DataView(buffer, info.dataOffset);
  if (info.float) {
    return (i) => v.getFloat32(i * 4, true);
  }
  if (info.bits === 16) {
    return (i) => v.getInt16(i * 2, true) / 32768;
  }
  if (info.bits === 24) {
    return (i) => {
      const b = i * 3;
      const x = v.getUint8(b) | (v.getUint8(b + 1) << 8) | (v.getInt8(b + 2) << 16);
      return x / 8388608;
    };
  }
  return (i) => v.getInt32(i * 4, true) / 2147483648;
}

/** The whole file as stereo floats (mono copied to both): { left, right, sampleRate, frames }. */
export function decodeWav(buffer) {
  const info = parseWav(buffer);
  const left = new Float32Array(info.frames);
  const right = new Float32Array(info.frames);
  const ch = info.channels;
  if (info.float && info.dataOffset % 4 === 0 && LITTLE_ENDIAN) {
    // the gateway's float WAV (format=wav-float): the samples as they are, no conversion
    const x = new Float32Array(buffer, info.dataOffset, info.frames * ch);
    for (let f = 0, i = 0; f < info.frames; f++, i += ch) {
      left[f] = x[i];
      right[f] = x[i + ch - 1];
    }
  } else {
    const read = reader(buffer, info);
    for (let f = 0; f < info.frames; f++) {
      left[f] = read(f * ch);
      right[f] = ch === 2 ? read(f * ch + 1) : left[f];
    }
  }
  return { left, right, sampleRate: info.sampleRate, frames: info.frames };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One pass over a stem: `columns` min/max pairs to draw, and its integrated loudness (BS.1770, LUFS). */
export function overview(buffer, info, columns) {
  const read = reader(buffer, info);
  const ch = info.channels;
  const peaks = new Float32Array(columns * 2);
  const perColumn = info.frames / columns;
  const meter = new LoudnessMeter(info.sampleRate);
  const l = new Float32Array(4096);
  const r = new Float32Array(4096);
  let fill = 0;
  for (let f = 0; f < info.frames; f++) {
    const a = read(f * ch);
    const b = ch === 2 ? read(f * ch + 1) : a;
    const c = Math.min(columns - 1, Math.floor(f / perColumn));
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    if (lo < peaks[2 * c]) peaks[2 * c] = lo;
    if (hi > peaks[2 * c + 1]) peaks[2 * c + 1] = hi;
    l[fill] = a;
    r[fill] = b;
    if (++fill === l.length) {
      meter.push(l, r, fill);
      fill = 0;
    }
  }
  meter.push(l, r, fill);
  return { peaks, lufs: meter.integrated() };
}
