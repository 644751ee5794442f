// The gateway's HTTP API as the studio uses it: JSON calls with the key, uploads with progress, the events socket.
// Errors are the API's RFC 9457 problems, thrown as ApiProblem with their code and detail.

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
