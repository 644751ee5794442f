// The gateway's HTTP API as the studio uses it: JSON calls with the key, uploads with progress, the events socket.
// Errors are the API's RFC 9457 problems, thrown as ApiProblem with their code and detail.

import { streamHead } from './wav.js';

export const API = '/api/v1';

export class ApiProblem extends Error {
  constructor(problem) {
    super(problem.detail || problem.title || 'request failed');
    this.problem = problem;
    this.code = problem.code || 'HTTP_' + problem.status;
    this.status = problem.status;
  }
}

async function problemOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  return new ApiProblem(body && typeof body === 'object'
    ? body : { status: response.status, title: response.statusText || 'HTTP ' + response.status });
}

export class Api {
  constructor(key) {
    this.key = key;
  }

  /** A share link's view has no key: its token, in the path, is the credential. */
  headers(extra) {
    return Object.assign(this.key ? { Authorization: 'Bearer ' + this.key } : {}, extra || {});
  }

  async json(method, path, body) {
    const init = { method, headers: this.headers(body === undefined ? {} : { 'Content-Type': 'application/json' }) };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
    }
    const r = await fetch(API + path, init);
    if (!r.ok) {
      throw await problemOf(r);
    }
    return r.status === 204 ? null : r.json();
  }

  get(path) {
    return this.json('GET', path);
  }

  post(path, body) {
    return this.json('POST', path, body);
  }

  put(path, body) {
    return this.json('PUT', path, body);
  }

  delete(path) {
    return this.json('DELETE', path);
  }

  async bytes(path) {
    const r = await fetch(API + path, { headers: this.headers() });
    if (!r.ok) {
      throw await problemOf(r);
    }
    return r.arrayBuffer();
  }

  /**
   * POSTs a render asking for its audio as the answer (Accept: audio/wav), read as it arrives: onStart(head) once
   * the WAV header is in ({ id, location, startFrame, frames, sampleRate }), then onAudio(frame, left, right) for each
   * run of whole frames (frame counted from the render's start). Resolves with the head when all has come; `signal`
   * aborts it (the gateway then stops rendering).
   */
  async renderAudio(path, body, onStart, onAudio, signal) {
    const r = await fetch(API + path, {
      method: 'POST',
      signal,
      headers: this.headers({ 'Content-Type': 'application/json', Accept: 'audio/wav' }),
      body: JSON.stringify(body),
    });
    if (!r.ok) {
      throw await problemOf(r);
    }
    const reader = r.body.getReader();
    let pending = new Uint8Array(0);
    let head = null;
    let frame = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (value) {
        const joined = new Uint8Array(pending.length + value.length);
        joined.set(pending);
        joined.set(value, pending.length);
        pending = joined;
      }
      if (!head) {
        const wav = streamHead(pending);
        if (wav) {
          head = { id: r.headers.get('Aimix-Render-Id'), location: r.headers.get('Location'),
            startFrame: Number(r.headers.get('Aimix-Render-Start-Frame')), frames: wav.frames,
            sampleRate: wav.sampleRate };
          pending = pending.slice(wav.dataOffset);
          onStart(head);
        }
      }
      if (head && pending.length >= 8) {
        const n = Math.floor(pending.length / 8);
        // a copy of whole frames, aligned for the float view (the wire's little-endian floats, as this host's)
        const x = new Float32Array(pending.slice(0, n * 8).buffer);
        const left = new Float32Array(n);
        const right = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          left[i] = x[2 * i];
          right[i] = x[2 * i + 1];
        }
        pending = pending.slice(n * 8);
        onAudio(frame, left, right);
        frame += n;
      }
      if (done) {
        break;
      }
    }
    if (!head || frame !== head.frames) {
      throw new ApiProblem({ status: 0, code: 'NETWORK',
        title: 'the render was cut off after ' + frame + ' of ' + (head ? head.frames : '?') + ' frames' });
    }
    return head;
  }

  async blob(path) {
    const r = await fetch(API + path, { headers: this.headers() });
    if (!r.ok) {
      throw await problemOf(r);
    }
    return r.blob();
  }

  /**
   * PUTs a file, or a piece of one (a Blob slice with its Content-Range), as the body; onProgress(bytesSent) as it
   * goes. Resolves with the parsed answer.
   */
  upload(path, blob, onProgress, range) {
    return new Promise((resolve, reject) => {
      const x = new XMLHttpRequest();
      x.open('PUT', API + path);
      x.setRequestHeader('Authorization', 'Bearer ' + this.key);
      x.setRequestHeader('Content-Type', 'audio/wav');
      if (range) {
        x.setRequestHeader('Content-Range', range);
      }
      x.upload.onprogress = (e) => onProgress(e.loaded);
      x.onload = () => {
        let body = null;
        try {
          body = JSON.parse(x.responseText);
        } catch (e) {
          body = null;
        }
        if (x.status >= 200 && x.status < 300) {
          onProgress(blob.size);
          resolve(body);
        } else {
          reject(new ApiProblem(body || { status: x.status, title: 'upload failed (HTTP ' + x.status + ')' }));
        }
      };
      x.onerror = () => reject(new ApiProblem({ status: 0, title: 'the upload was cut off', code: 'NETWORK' }));
      x.send(blob);
    });
  }

  /** The mix's events: onText(event) for JSON events, onAudio(variant, startFrame, frames, Int16Array) for audio. */
  events(mixId, onText, onAudio, onClose) {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(scheme + '//' + location.host + API + '/mixes/' + encodeURIComponent(mixId)
      + '/events?access_token=' + encodeURIComponent(this.key));
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (m) => {
      if (typeof m.data === 'string') {
        onText(JSON.parse(m.data));
      } else {
        const v = new DataView(m.data);
        const frames = v.getInt32(4, true);
        onAudio(v.getInt32(0, true), Number(v.getBigInt64(8, true)), frames, new Int16Array(m.data, 16, frames * 2));
      }
    };
    ws.onclose = (e) => onClose(e.code, e.reason);
    return ws;
  }
}
