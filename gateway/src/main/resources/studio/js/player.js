// Playback with the Web Audio API: audio that is still arriving (the mix as the job commits it) played as it grows,
// and two tracks in lock-step — A the model's mix, B the shaped one — flipped by their gains, so A/B stays in sync.
// Audio is scheduled in short slices a little ahead of the clock; a change to a track is heard from the next slice.

const SLICE_FRAMES = 4096;
const LOOKAHEAD_SECONDS = 0.25;
const TICK_MS = 25;
const START_DELAY_SECONDS = 0.015;
const FLIP_SECONDS = 0.01;

/** Stereo audio that grows as it arrives; `available` counts the frames from the start with no gap. */
export class Track {
  constructor(capacity) {
    this.left = new Float32Array(Math.max(1, capacity));
    this.right = new Float32Array(Math.max(1, capacity));
    this.available = 0;
    this.complete = false;
  }

  ensure(frames) {
    if (frames > this.left.length) {
      const n = Math.max(frames, Math.ceil(this.left.length * 1.5));
      const l = new Float32Array(n);
      const r = new Float32Array(n);
      l.set(this.left);
      r.set(this.right);
      this.left = l;
      this.right = r;
    }
  }

  /** Interleaved 16-bit stereo at startFrame. */
  writePcm16(startFrame, pcm, frames) {
    this.ensure(startFrame + frames);
    for (let i = 0; i < frames; i++) {
      this.left[startFrame + i] = pcm[2 * i] / 32768;
      this.right[startFrame + i] = pcm[2 * i + 1] / 32768;
    }
    if (startFrame <= this.available) {
      this.available = Math.max(this.available, startFrame + frames);
    }
  }

  writeFloat(startFrame, left, right) {
    this.ensure(startFrame + left.length);
    this.left.set(left, startFrame);
    this.right.set(right, startFrame);
    if (startFrame <= this.available) {
      this.available = Math.max(this.available, startFrame + left.length);
    }
  }

  copy() {
    const t = new Track(this.available);
    t.left.set(this.left.subarray(0, this.available));
    t.right.set(this.right.subarray(0, this.available));
    t.available = this.available;
    t.complete = this.complete;
    return t;
  }
}

export class Player {
  constructor(sampleRate) {
    this.rate = sampleRate;
    this.ctx = new AudioContext({ sampleRate });
    this.gains = { A: this.ctx.createGain(), B: this.ctx.createGain() };
    this.gains.A.connect(this.ctx.destination);
    this.gains.B.connect(this.ctx.destination);
    this.tracks = { A: null, B: null };
    this.which = 'A';
    this.matchDb = { A: 0, B: 0 };
    this.playing = false;
    this.pos = 0;
    this.sources = [];
    this.timer = null;
    /** performance.now() when playback first began, and at which frame; null before. */
    this.firstPlayedAt = null;
    this.listeners = [];
    this.applyGains(0);
  }

  onChange(f) {
    this.listeners.push(f);
  }

  changed() {
    this.listeners.forEach((f) => f(this));
  }

  setTrack(name, track) {
    this.tracks[name] = track;
    this.refresh();
  }

  /** Frames that can be played: what the model's track has. */
  available() {
    return this.tracks.A ? this.tracks.A.available : 0;
  }

  position() {
    if (!this.playing) {
      return this.pos;
    }
    const f = Math.round((this.ctx.currentTime - this.t0) * this.rate);
    return Math.max(this.startFrame, Math.min(f, this.scheduled));
  }

  async play() {
    if (this.playing || this.available() === 0) {
      return;
    }
    if (this.ctx.state !== 'running') {
      await this.ctx.resume();
    }
    if (this.pos >= this.available() && this.tracks.A.complete) {
      this.pos = 0;
    }
    this.playing = true;
    this.anchor(this.pos);
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.tick();
    this.changed();
  }

  pause() {
    if (!this.playing) {
      return;
    }
    this.pos = this.position();
    this.playing = false;
    clearInterval(this.timer);
    this.stopSources();
    this.changed();
  }

  toggle() {
    return this.playing ? this.pause() : this.play();
  }

  seek(frame) {
    const f = Math.max(0, Math.min(Math.round(frame), this.available()));
    if (this.playing) {
      this.stopSources();
      this.anchor(f);
      this.tick();
    } else {
      this.pos = f;
    }
    this.changed();
  }

  /**
   * A track's audio changed: what is scheduled ahead is dropped and scheduled again from the playhead. Returns the
   * seconds until the new audio is heard (0 when paused: it is heard when playback starts).
   */
  refresh() {
    if (!this.playing) {
      return 0;
    }
    const p = this.position();
    this.stopSources();
    this.anchor(p);
    this.tick();
    return Math.max(0, this.t0 + p / this.rate - this.ctx.currentTime);
  }

  /** Which track is heard, A or B. */
  select(which) {
    this.which = which;
    this.applyGains(FLIP_SECONDS);
    this.changed();
  }

  /** Gain offsets (dB) for each track, so that the two play at the same loudness. */
  setMatch(dbA, dbB) {
    this.matchDb = { A: dbA, B: dbB };
    this.applyGains(FLIP_SECONDS);
  }

  applyGains(seconds) {
    for (const name of ['A', 'B']) {
      const on = name === this.which ? Math.pow(10, this.matchDb[name] / 20) : 0;
      const g = this.gains[name].gain;
      g.cancelScheduledValues(this.ctx.currentTime);
      if (seconds > 0) {
        g.setTargetAtTime(on, this.ctx.currentTime, seconds / 3);
      } else {
        g.value = on;
      }
    }
  }

  anchor(frame) {
    this.startFrame = frame;
    this.scheduled = frame;
    this.t0 = this.ctx.currentTime + START_DELAY_SECONDS - frame / this.rate;
    this.waiting = false;
  }

  stopSources() {
    for (const s of this.sources) {
      try {
        s.stop();
      } catch (e) {
        // never started or already stopped
      }
      s.disconnect();
    }
    this.sources = [];
  }

  tick() {
    if (!this.playing) {
      return;
    }
    const a = this.tracks.A;
    const now = this.position();
    if (this.scheduled >= a.available && now >= this.scheduled) {
      if (a.complete) {
        this.pause();
        this.pos = 0;
        this.changed();
        return;
      }
      this.waiting = true; // the mix has not got this far yet: start again where it stopped when it has
      return;
    }
    if (this.waiting) {
      this.anchor(this.scheduled);
    }
    const horizon = Math.round((this.ctx.currentTime + LOOKAHEAD_SECONDS - this.t0) * this.rate);
    while (this.scheduled < a.available && this.scheduled < horizon) {
      const n = Math.min(SLICE_FRAMES, a.available - this.scheduled);
      const when = this.t0 + this.scheduled / this.rate;
      for (const name of ['A', 'B']) {
        const t = this.tracks[name];
        if (!t || this.scheduled + n > t.left.length) {
          continue;
        }
        const buf = this.ctx.createBuffer(2, n, this.rate);
        buf.copyToChannel(t.left.subarray(this.scheduled, this.scheduled + n), 0);
        buf.copyToChannel(t.right.subarray(this.scheduled, this.scheduled + n), 1);
        const src = this.ctx.createBufferSource();
        src.buffer = buf;
        src.connect(this.gains[name]);
        src.onended = () => {
          const i = this.sources.indexOf(src);
          if (i >= 0) {
            this.sources.splice(i, 1);
          }
        };
        src.start(Math.max(when, this.ctx.currentTime));
        this.sources.push(src);
      }
      if (this.firstPlayedAt === null) {
        this.firstPlayedAt = { millis: performance.now(), frame: this.scheduled };
      }
      this.scheduled += n;
    }
  }
}
