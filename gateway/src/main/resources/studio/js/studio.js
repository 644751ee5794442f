// The studio: stems in, the mix heard as it forms, what the model did shown per stem, and the mix shaped (intensity,
// presets, locked parameters, mute/solo) and heard again within moments, A/B against the model's at equal loudness.

import { Api, ApiProblem } from './api.js';
import { Player, Track } from './player.js';
import { readStem, droppedFiles, formatTime } from './stems.js';
import { decodeWav } from './wav.js';
import { loudnessOf } from './loudness.js';
import { drawPeaks, drawEq, drawLane, drawReduction } from './draw.js';

const $ = (id) => document.getElementById(id);
const el = (tag, attrs, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c !== null && c !== undefined) e.append(c);
  }
  return e;
};

const KEY_STORAGE = 'aimix.key';
/** Seconds of the mix re-rendered around the playhead after a change (heard at once; the whole follows). */
const EXCERPT_SECONDS = 20;
const EXCERPT_LEAD_SECONDS = 2;
/** Longest an excerpt's render may take before it is given up (its error shown; the next change renders again). */
const EXCERPT_TIMEOUT_MS = 30000;
/** A render is heard once its audio reaches this far past the playhead (the player schedules 0.25 s ahead). */
const HEAR_MARGIN_SECONDS = 0.5;
/** Quiet time after the last change before the whole mix is rendered with it. */
const FULL_RENDER_DELAY_MS = 1200;
/** A change is rendered at once; changes that come while a render runs make one render after it. */
const CHANGE_DEBOUNCE_MS = 0;
const WAVE_COLUMNS = 1200;
/** Columns of a stem's gain reduction over time, as the gateway gives it. */
const REDUCTION_POINTS = 400;
/** Seconds either side of the playhead over which A and B are measured to match their loudness. */
const MATCH_WINDOW_SECONDS = 10;

const PARAMS = [
  { name: 'GAIN_DB', field: 'gainDb', label: 'Gain', unit: 'dB', step: 0.1 },
  { name: 'PAN', field: 'pan', label: 'Pan', unit: '', step: 0.01 },
  { name: 'LOW_SHELF_DB', field: 'lowShelfDb', label: 'Low', unit: 'dB', step: 0.1 },
  { name: 'MID_PEAK_DB', field: 'midPeakDb', label: 'Mid', unit: 'dB', step: 0.1 },
  { name: 'HIGH_SHELF_DB', field: 'highShelfDb', label: 'High', unit: 'dB', step: 0.1 },
  { name: 'COMP_THRESHOLD_DB', field: 'compThresholdDb', label: 'Comp thr', unit: 'dB', step: 0.5 },
  { name: 'COMP_RATIO', field: 'compRatio', label: 'Ratio', unit: ':1', step: 0.1 },
];

/** Everything the page knows; window.studio exposes it (and the timings) to tests and to the curious. */
const S = {
  api: null,
  renderer: null,
  presets: [],
  stems: [],
  mix: null,
  /** The API path of the mix: /mixes/{id}, or /shared/{token} in a share link's view. */
  mixPath: null,
  /** True in a share link's read-only view. */
  readOnly: false,
  result: null,
  rate: 0,
  model: null,
  shaped: null,
  player: null,
  wavePeaks: new Float32Array(WAVE_COLUMNS * 2),
  waveFilled: 0,
  shaping: null,
  fullRender: null,
  /** Per stem, the model's compressor gain reduction over time (dB), from the gateway's render of the stem. */
  reduction: [],
  excerpt: null,
  events: [],
  errors: [],
  metrics: { created: null, firstAudio: null, result: null, progress: 0, renders: [] },
};
window.studio = S;

function status(text, kind) {
  const s = $('status');
  s.textContent = text;
  s.className = 'status' + (kind ? ' ' + kind : '');
}

function problemText(e) {
  return e instanceof ApiProblem ? e.message + ' (' + e.code + ')' : e.message || String(e);
}

// ------------------------------------------------------------------------------------------------ key and start

async function start() {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('key')) {
    sessionStorage.setItem(KEY_STORAGE, hash.get('key'));
    hash.delete('key');
    history.replaceState(null, '', location.pathname + (hash.toString() ? '#' + hash : ''));
  }
  if (hash.get('share')) {
    openShared(hash.get('share'));
    return;
  }
  $('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, $('key-input').value.trim());
    connect();
  });
  wireStems();
  loadTaste();
  $('for-you').addEventListener('change', () => {
    if (S.shaping) changed();
  });
  wirePlayer();
  wireShaping();
  connect();
}

async function connect() {
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (!key) {
    $('key-form').hidden = false;
    status('Paste an API key (./aimix serve prints the studio address with one).');
    return;
  }
  S.api = new Api(key);
  try {
    const [renderer, presets] = await Promise.all([S.api.get('/renderer'), S.api.get('/presets')]);
    S.renderer = renderer;
    S.presets = presets.presets;
    $('key-form').hidden = true;
    fillPresets();
    status('Ready: drop stems to mix.', 'ok');
    S.metrics.readyAt = performance.now();
    const mixId = new URLSearchParams(location.hash.slice(1)).get('mix');
    if (mixId && !S.mix) {
      await openMix(mixId);
    }
  } catch (e) {
    $('key-form').hidden = false;
    status(e instanceof ApiProblem && e.status === 401 ? 'That key is not valid: ' + e.message : problemText(e), 'bad');
  }
}

function fillPresets() {
  const create = $('create-preset');
  create.replaceChildren(el('option', { value: '' }, 'mix default'));
  const shape = $('preset');
  const builtIn = el('optgroup', { label: 'Built in' });
  const mine = el('optgroup', { label: 'Yours' });
  shape.replaceChildren(el('option', { value: '' }, 'none'), builtIn);
  for (const p of S.presets) {
    const label = p.name + (p.targetLufs !== undefined ? ' (' + p.targetLufs + ' LUFS)' : '');
    if (p.atCreation) {
      create.append(el('option', { value: p.name, title: p.description }, label));
    }
    (p.builtIn ? builtIn : mine).append(el('option', { value: p.name, title: p.description || '' }, label));
  }
  if (mine.children.length) shape.append(mine);
  shape.value = S.shaping ? S.shaping.preset : '';
  presetChosen();
}

function presetChosen() {
  const p = S.presets.find((x) => x.name === $('preset').value);
  $('delete-preset').disabled = !p || p.builtIn;
}

async function reloadPresets(select) {
  S.presets = (await S.api.get('/presets')).presets;
  if (select !== undefined && S.shaping) S.shaping.preset = select;
  fillPresets();
}

/**
 * The current shaping as a saved preset: the chosen built-in as its base, the overall intensity, and per role the
 * first stem of that role's intensity, mute and locked parameters (solo is for listening, not kept).
 */
function presetFromShaping() {
  const sh = S.shaping;
  const chosen = S.presets.find((p) => p.name === sh.preset);
  const body = { intensity: sh.intensity, roles: {} };
  if (chosen && chosen.builtIn) body.base = chosen.name;
  const stems = S.result.variants[0].stems;
  const skipped = [];
  sh.stems.forEach((s, i) => {
    const role = stems[i].role;
    const o = {};
    if (s.intensity !== 1) o.intensity = s.intensity;
    if (s.mute) o.mute = true;
    if (Object.keys(s.locks).length) o.overrides = Object.assign({}, s.locks);
    if (Object.keys(o).length === 0) return;
    if (body.roles[role]) skipped.push(stems[i].name);
    else body.roles[role] = o;
  });
  return { body, skipped };
}

async function savePreset(e) {
  e.preventDefault();
  const name = $('preset-name').value.trim();
  const { body, skipped } = presetFromShaping();
  const description = $('preset-description').value.trim();
  if (description) body.description = description;
  try {
    await S.api.put('/presets/' + encodeURIComponent(name), body);
    $('save-form').hidden = true;
    await reloadPresets(name);
    $('render-status').textContent = 'Saved preset "' + name + '"' + (skipped.length
      ? ' (' + skipped.join(', ') + ': another stem of the same role came first; a preset keeps one per role)' : '');
  } catch (err) {
    $('save-message').textContent = problemText(err);
    $('save-message').classList.add('error');
  }
}

async function deletePreset() {
  const name = $('preset').value;
  try {
    await S.api.delete('/presets/' + encodeURIComponent(name));
    S.shaping.preset = '';
    await reloadPresets('');
    changed();
  } catch (err) {
    $('render-status').textContent = 'Could not delete "' + name + '": ' + problemText(err);
  }
}

/**
 * A finished mix of this key opened by its id (#mix=…, as ./aimix demo --keep-running prints): heard, shown and
 * shaped like one mixed here, from the stems the gateway kept (only the estimates made from local files are missing).
 */
async function openMix(id) {
  status('Opening mix ' + id + '…');
  try {
    const mix = await S.api.get('/mixes/' + encodeURIComponent(id));
    if (mix.status !== 'COMPLETED') throw new Error('the mix is ' + mix.status + '; only a completed mix opens here');
    const audio = decodeWav(await S.api.bytes('/mixes/' + encodeURIComponent(id) + '/audio?format=wav'));
    S.mix = mix;
    S.mixPath = '/mixes/' + encodeURIComponent(id);
    S.rate = audio.sampleRate;
    S.player = new Player(S.rate);
    S.player.onChange(updateTransport);
    S.model = new Track(audio.frames);
    S.model.writeFloat(0, audio.left, audio.right);
    S.player.setTrack('A', S.model);
    $('stems-panel').hidden = true;
    $('player-panel').hidden = false;
    $('mix-id').textContent = mix.id;
    requestAnimationFrame(animate);
    onResult(mix.result);
  } catch (e) {
    status('Mix ' + id + ' does not open: ' + problemText(e), 'bad');
  }
}

/** A share link's view: the finished mix, its sheets and downloads, read-only, without an API key. */
async function openShared(token) {
  S.readOnly = true;
  S.mixPath = '/shared/' + encodeURIComponent(token);
  S.api = new Api(null);
  document.body.classList.add('readonly');
  $('stems-panel').hidden = true;
  status('Opening the shared mix…');
  try {
    S.mix = await S.api.get(S.mixPath);
    if (S.mix.status !== 'COMPLETED') throw new Error('the mix is ' + S.mix.status);
    const audio = decodeWav(await S.api.bytes(S.mixPath + '/audio?format=wav'));
    S.rate = audio.sampleRate;
    S.player = new Player(S.rate);
    S.player.onChange(updateTransport);
    S.model = new Track(audio.frames);
    S.model.writeFloat(0, audio.left, audio.right);
    S.model.complete = true;
    S.player.setTrack('A', S.model);
    S.renderer = await S.api.get('/renderer');
    S.result = S.mix.result;
    S.shaping = { intensity: 1, preset: '', stems: S.result.variants[0].stems.map(() => ({ intensity: 1, mute: false,
      solo: false, locks: {} })) };
    $('mix-id').textContent = S.mix.id + ' (shared, read-only)';
    $('player-panel').hidden = false;
    $('ab-b').hidden = true;
    $('share').hidden = true;
    ['dl-wav', 'dl-opus', 'dl-sheet', 'dl-stems'].forEach((id) => ($(id).disabled = false));
    showLoudness();
    $('shape-panel').hidden = false;
    document.querySelector('#shape-panel h2').textContent = 'What the model did';
    document.querySelector('#shape-panel .shape-row').hidden = true;
    buildSheets();
    document.querySelectorAll('#sheets input, #sheets .seg').forEach((x) => (x.disabled = true));
    status('A shared mix: ' + fmtLufs(S.result.variants[0].integratedLufs) + '.', 'ok');
    requestAnimationFrame(animate);
  } catch (e) {
    status('This share link opens no mix: ' + problemText(e), 'bad');
  }
}

// ------------------------------------------------------------------------------------------------ stems

function wireStems() {
  const add = async (files) => {
    const read = await Promise.all(Array.from(files).map(readStem));
    S.stems.push(...read);
    checkRates();
    listStems();
  };
  $('files').addEventListener('change', (e) => add(e.target.files).then(() => (e.target.value = '')));
  $('folder').addEventListener('change', (e) => add(e.target.files).then(() => (e.target.value = '')));
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', async (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    add(await droppedFiles(e.dataTransfer));
  });
  $('mix-button').addEventListener('click', createMix);
}

/** A mix has one sample rate: the first good stem's; a stem at another rate is refused beside its name. */
function checkRates() {
  const first = S.stems.find((s) => !s.error);
  for (const s of S.stems) {
    if (!s.error && first && s.info.sampleRate !== first.info.sampleRate) {
      s.error = s.info.sampleRate + ' Hz: the stems of a mix share one rate (' + first.info.sampleRate + ' Hz here)';
    }
  }
}

function listStems() {
  const list = $('stem-list');
  list.replaceChildren();
  const roles = S.renderer ? S.renderer.roles : ['OTHER'];
  S.stems.forEach((s, i) => {
    const remove = el('button', { class: 'icon', title: 'Remove', 'aria-label': 'Remove ' + s.name,
      onclick: () => { S.stems.splice(i, 1); checkRates(); listStems(); } }, '×');
    if (s.error) {
      list.append(el('li', { class: 'stem bad', 'data-name': s.name },
        el('span', { class: 'name' }, s.file.name), el('span', { class: 'error' }, s.error),
        S.mix ? null : remove));
      return;
    }
    const select = el('select', { 'aria-label': 'Role of ' + s.name, disabled: !!S.mix,
      onchange: (e) => (s.role = e.target.value) });
    roles.forEach((r) => select.append(el('option', { value: r }, r.toLowerCase().replace('_', ' '))));
    select.value = s.role;
    const mini = el('canvas', { class: 'mini', height: 28 });
    const bar = el('div', { class: 'fill' });
    s.bar = bar;
    s.note = el('span', { class: 'note' });
    const info = s.info;
    list.append(el('li', { class: 'stem', 'data-name': s.name },
      el('span', { class: 'name', title: s.file.name }, s.name), select,
      el('span', { class: 'meta' }, formatTime(info.frames / info.sampleRate) + ' · ' + info.sampleRate / 1000 + ' kHz · '
        + (info.channels === 2 ? 'stereo' : 'mono') + ' · ' + (info.float ? 'float' : info.bits + '-bit') + ' · '
        + (isFinite(s.view.lufs) ? s.view.lufs.toFixed(1) + ' LUFS' : 'silent')),
      mini, el('div', { class: 'meter small' }, bar), s.note, S.mix ? null : remove));
    requestAnimationFrame(() => drawPeaks(mini, s.view.peaks));
  });
  const good = S.stems.filter((s) => !s.error);
  $('mix-button').disabled = !!S.mix || good.length === 0 || !S.api;
}

// ------------------------------------------------------------------------------------------------ the mix

async function createMix() {
  const good = S.stems.filter((s) => !s.error);
  if (good.length === 0 || S.mix) return;
  $('mix-button').disabled = true;
  S.rate = good[0].info.sampleRate;
  // created inside the click, so the browser lets it play
  S.player = new Player(S.rate);
  S.player.onChange(updateTransport);
  const frames = Math.max(...good.map((s) => s.info.frames));
  S.model = new Track(frames);
  S.player.setTrack('A', S.model);
  const body = {
    sampleRate: S.rate,
    stems: good.map((s) => ({ name: s.name, role: s.role, channels: s.info.channels })),
  };
  if ($('create-preset').value) body.preset = $('create-preset').value;
  if ($('offer-arena').checked) body.arena = true;
  S.metrics.created = performance.now();
  try {
    S.fullRender = null; // a render of the previous mix is not this one's
    S.mix = await S.api.post('/mixes', body);
  } catch (e) {
    status('The mix was refused: ' + problemText(e), 'bad');
    $('mix-button').disabled = false;
    return;
  }
  S.mixPath = '/mixes/' + S.mix.id;
  S.stems = good;
  listStems();
  $('player-panel').hidden = false;
  $('mix-progress').hidden = false;
  $('mix-id').textContent = S.mix.id;
  status('Uploading ' + good.length + ' stems…');
  subscribe(0);
  const connections = semaphore(UPLOAD_CONNECTIONS);
  good.forEach((s, i) => uploadStem(s, i, connections).then(() => {
    s.note.textContent = 'uploaded';
  }, (e) => {
    s.note.textContent = problemText(e);
    s.note.classList.add('error');
    S.failed = true;
    status('The upload of ' + s.name + ' failed, so the mix cannot complete: ' + problemText(e), 'bad');
  }));
  requestAnimationFrame(animate);
}

/** Bytes per piece of a stem's upload. */
const PIECE_BYTES = 1 << 20;
/**
 * Uploads at once: a browser opens at most six connections to a host, so the stems are sent in pieces that take
 * turns on five of them (one left for the page's other calls), and every stem's audio reaches the job together.
 */
const UPLOAD_CONNECTIONS = 5;

/** At most n at a time, in the order they asked (so the stems' pieces take turns). */
function semaphore(n) {
  let free = n;
  const waiting = [];
  return {
    async acquire() {
      if (free > 0) {
        free--;
        return;
      }
      await new Promise((resolve) => waiting.push(resolve));
    },
    release() {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

/** A stem's file, piece by piece (Content-Range), each piece on one of the shared connections. */
async function uploadStem(s, index, connections) {
  const size = s.file.size;
  const path = '/mixes/' + S.mix.id + '/stems/' + index;
  for (let from = 0; from < size; from += PIECE_BYTES) {
    const to = Math.min(size, from + PIECE_BYTES);
    await connections.acquire();
    try {
      await S.api.upload(path, s.file.slice(from, to), (sent) => {
        s.bar.style.width = ((100 * (from + sent)) / size).toFixed(1) + '%';
      }, 'bytes ' + from + '-' + (to - 1) + '/' + size);
    } finally {
      connections.release();
    }
  }
}

/** Most times the events socket is opened again after it closed before the mix ended. */
const MAX_RECONNECTS = 5;
const RECONNECT_DELAY_MS = 1000;

/** The mix's events; a socket that closes before the end is opened again (the gateway replays the state so far). */
function subscribe(attempt) {
  S.api.events(S.mix.id, onEvent, onAudio, (code, reason) => {
    if (S.result || S.failed || code === 1000) return;
    if (attempt < MAX_RECONNECTS) {
      setTimeout(() => subscribe(attempt + 1), RECONNECT_DELAY_MS);
    } else {
      status('The event stream closed (' + code + ' ' + reason + '); reload to see the mix', 'bad');
    }
  });
}

function onEvent(e) {
  S.events.push(e.type);
  if (e.type === 'state') {
    S.mix = e.mix;
  } else if (e.type === 'progress') {
    const pct = e.percent !== undefined ? e.percent : 0;
    S.metrics.progress = pct;
    $('mix-bar').style.width = pct.toFixed(1) + '%';
    $('mix-progress-text').textContent = pct.toFixed(0) + ' % · segment ' + e.segmentsDone
      + (e.segmentsTotal ? ' of ' + e.segmentsTotal : '') + (e.etaMillis !== undefined && pct < 100
        ? ' · about ' + Math.ceil(e.etaMillis / 1000) + ' s left' : '');
    status('Mixing…');
  } else if (e.type === 'error') {
    S.failed = true;
    status('The mix failed: ' + e.message + ' (' + e.code + ')', 'bad');
  } else if (e.type === 'result') {
    onResult(e.result);
  }
}

function onAudio(variant, startFrame, frames, pcm) {
  if (variant !== 0) return; // the studio's mixes are single-variant (MAIN)
  S.model.writePcm16(startFrame, pcm, frames);
  if (S.metrics.firstAudio === null) {
    S.metrics.firstAudio = performance.now();
    if ($('autoplay').checked) S.player.play();
  }
}

function onResult(result) {
  S.metrics.result = performance.now();
  if (result.status !== 'COMPLETED') {
    status('The mix failed: ' + result.errorMessage, 'bad');
    return;
  }
  S.result = result;
  S.mix.status = 'COMPLETED';
  S.model.complete = true;
  S.model.available = Math.max(S.model.available, result.frames);
  $('mix-bar').style.width = '100%';
  S.metrics.progress = 100;
  $('mix-progress-text').textContent = '100 % · mixed in ' + (result.timings.wallMillis / 1000).toFixed(1) + ' s';
  const v = result.variants[0];
  S.shaping = {
    intensity: 1,
    preset: '',
    stems: v.stems.map(() => ({ intensity: 1, mute: false, solo: false, locks: {} })),
  };
  S.fullRender = null;
  S.shaped = S.model.copy();
  S.player.setTrack('B', S.shaped);
  showLoudness();
  buildSheets();
  ['dl-wav', 'dl-opus', 'dl-sheet', 'dl-stems', 'share'].forEach((id) => ($(id).disabled = false));
  $('shape-panel').hidden = false;
  $('ab-b').disabled = false;
  status('Mixed: ' + fmtLufs(v.integratedLufs) + ', shape it below.', 'ok');
  if (S.taste) {
    S.offered = JSON.stringify(renderBody(null)); // what the studio offers, before the listener changes anything
    S.reported = false;
    experimentEvent('exposed');
    if ($('for-you').checked) changed(); // B: the mix for this listener, at once
  }
}

function fmtLufs(x) {
  return x === undefined || x === null ? 'silent' : x.toFixed(1) + ' LUFS';
}

function showLoudness() {
  const v = S.result.variants[0];
  const parts = [
    ['Integrated', fmtLufs(v.integratedLufs)],
    ['Range', v.loudnessRangeLu !== undefined ? v.loudnessRangeLu.toFixed(1) + ' LU' : '—'],
    ['True peak', v.truePeakDbtp !== undefined ? v.truePeakDbtp.toFixed(1) + ' dBTP' : '—'],
    ['Model', v.modelVersion],
  ];
  if (S.fullRender) {
    parts.push(['Shaped', fmtLufs(S.fullRender.integratedLufs) + ', ' + S.fullRender.truePeakDbtp.toFixed(1) + ' dBTP']);
  }
  $('loudness').replaceChildren(...parts.map(([k, val]) => el('span', {}, el('b', {}, k + ' '), val)));
}

// ------------------------------------------------------------------------------------------------ transport

function wirePlayer() {
  $('play').addEventListener('click', () => S.player && S.player.toggle());
  $('ab-a').addEventListener('click', () => flip('A'));
  $('ab-b').addEventListener('click', () => flip('B'));
  $('ab-match').addEventListener('change', matchLoudness);
  $('wave').addEventListener('click', (e) => {
    if (!S.player) return;
    const r = e.target.getBoundingClientRect();
    S.player.seek(((e.clientX - r.left) / r.width) * totalFrames());
    matchLoudness();
  });
  document.addEventListener('keydown', (e) => {
    if (e.target.closest && e.target.closest('input[type=text], input[type=password], select, textarea')) return;
    if (!S.player) return;
    if (e.code === 'Space') {
      e.preventDefault();
      S.player.toggle();
    } else if (e.key === 'a' || e.key === 'A') {
      flip('A');
    } else if ((e.key === 'b' || e.key === 'B') && S.shaped) {
      flip('B');
    } else if ((e.key === 'x' || e.key === 'X') && S.shaped) {
      flip(S.player.which === 'A' ? 'B' : 'A');
    } else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      e.preventDefault();
      S.player.seek(S.player.position() + (e.key === 'ArrowRight' ? 5 : -5) * S.rate);
    }
  });
  window.addEventListener('resize', () => drawWave(true));
  // the WAV is the mix as shaped (the last whole render: "Mixed for you" included) when there is one
  $('dl-wav').addEventListener('click', () => {
    kept();
    if (S.fullRender) download(S.mixPath + '/renders/' + S.fullRender.id + '/audio?format=wav', S.mix.id + '.wav');
    else download(S.mixPath + '/audio?format=wav', S.mix.id + '.wav');
  });
  // the Opus preview is the model's mix: not what "kept the mix" measures
  $('dl-opus').addEventListener('click', () => download(S.mixPath + '/audio?format=opus', S.mix.id + '.opus'));
  $('dl-sheet').addEventListener('click', () => saveBlob(new Blob([JSON.stringify(sheet(), null, 2)],
    { type: 'application/json' }), S.mix.id + '-parameters.json'));
  $('dl-stems').addEventListener('click', async () => {
    for (const s of S.result.variants[0].stems) {
      await download(S.mixPath + '/stems/' + s.index + '/audio?format=wav', S.mix.id + '-' + s.name + '.wav');
    }
  });
  $('share').addEventListener('click', share);
}

function flip(which) {
  if (!S.player || (which === 'B' && !S.shaped)) return;
  S.player.select(which);
  $('ab-a').classList.toggle('on', which === 'A');
  $('ab-b').classList.toggle('on', which === 'B');
  matchLoudness();
}

/** A and B measured around the playhead; the louder one turned down to the quieter, so neither wins by level. */
function matchLoudness() {
  if (!S.player || !S.shaped) return;
  if (!$('ab-match').checked) {
    S.player.setMatch(0, 0);
    $('ab-info').textContent = '';
    return;
  }
  const pos = S.player.position();
  // measured over whole windows (A's loudness of a window is kept: the model's mix does not change)
  const windowFrames = 2 * MATCH_WINDOW_SECONDS * S.rate;
  const from = Math.max(0, Math.min(Math.floor(pos / windowFrames) * windowFrames, S.model.available - windowFrames));
  const to = Math.min(S.model.available, from + windowFrames);
  const key = from + ':' + to;
  S.loudnessA = S.loudnessA || new Map();
  if (!S.loudnessA.has(key)) S.loudnessA.set(key, loudnessOf(S.model.left, S.model.right, S.rate, from, to));
  const a = S.loudnessA.get(key);
  const b = loudnessOf(S.shaped.left, S.shaped.right, S.rate, from, to);
  if (!isFinite(a) || !isFinite(b)) {
    S.player.setMatch(0, 0);
    return;
  }
  const quiet = Math.min(a, b);
  S.player.setMatch(quiet - a, quiet - b);
  S.abMatch = { a, b };
  $('ab-info').textContent = 'B ' + (b - a >= 0 ? '+' : '') + (b - a).toFixed(1) + ' LU vs A; matched';
}

function totalFrames() {
  return S.result ? S.result.frames : Math.max(S.model ? S.model.left.length : 0, 1);
}

function updateTransport() {
  $('play').textContent = S.player.playing ? '❚❚' : '▶';
  $('play').setAttribute('aria-label', S.player.playing ? 'Pause' : 'Play');
}

/** The player stays on screen while the sheets scroll (wide screens): what scrolls into view goes below it. */
function keepClearOfPlayer() {
  const panel = $('player-panel');
  const sticky = getComputedStyle(panel).position === 'sticky' && !panel.hidden;
  document.documentElement.style.scrollPaddingTop = sticky ? panel.offsetHeight + 8 + 'px' : '';
}

function animate() {
  keepClearOfPlayer();
  drawWave(false);
  if (S.player) {
    $('time').textContent = formatTime(S.player.position() / S.rate) + ' / ' + formatTime(totalFrames() / S.rate);
  }
  requestAnimationFrame(animate);
}

/** The mix's waveform, extended as its audio arrives, with the playhead and the last excerpt rendered. */
function drawWave(all) {
  if (!S.model) return;
  const total = totalFrames();
  const perColumn = total / WAVE_COLUMNS;
  let c = all ? 0 : S.waveFilled;
  if (all) S.wavePeaks.fill(0);
  for (; c < WAVE_COLUMNS && (c + 1) * perColumn <= S.model.available; c++) {
    let lo = 0;
    let hi = 0;
    const end = Math.min(S.model.available, Math.floor((c + 1) * perColumn));
    for (let f = Math.floor(c * perColumn); f < end; f++) {
      const l = S.model.left[f];
      const r = S.model.right[f];
      lo = Math.min(lo, l, r);
      hi = Math.max(hi, l, r);
    }
    S.wavePeaks[2 * c] = lo;
    S.wavePeaks[2 * c + 1] = hi;
  }
  if (S.model.complete && c < WAVE_COLUMNS && S.model.available >= total) c = WAVE_COLUMNS;
  const canvas = $('wave');
  // drawn again only when something on it moved: new audio, the playhead by a pixel, the excerpt, the size
  const look = [c, S.player ? Math.round((S.player.position() / total) * canvas.clientWidth) : -1,
    S.excerpt ? S.excerpt.join('-') : '', canvas.clientWidth].join(':');
  if (!all && look === S.waveLook) return;
  S.waveLook = look;
  S.waveFilled = c;
  const g = drawPeaks(canvas, S.wavePeaks, S.waveFilled);
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (S.excerpt) {
    g.fillStyle = 'rgba(255, 138, 61, 0.18)';
    g.fillRect((S.excerpt[0] / total) * w, 0, ((S.excerpt[1] - S.excerpt[0]) / total) * w, h);
  }
  if (S.player) {
    g.fillStyle = '#ffffff';
    g.fillRect((S.player.position() / total) * w, 0, 2, h);
  }
}

async function download(path, name) {
  try {
    saveBlob(await S.api.blob(path), name);
  } catch (e) {
    status('Download failed: ' + problemText(e), 'bad');
  }
}

function saveBlob(blob, name) {
  const a = el('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(a.href);
    a.remove();
  }, 1000);
}

async function share() {
  try {
    const s = await S.api.post('/mixes/' + S.mix.id + '/shares', {});
    const url = location.origin + location.pathname + '#share=' + encodeURIComponent(s.token);
    $('share-url').value = url;
    $('share-url').hidden = false;
    $('share-url').select();
  } catch (e) {
    status('Could not make a share link: ' + problemText(e), 'bad');
  }
}

/** The parameter sheet: the model's decisions and the shaped ones, per stem and segment. */
function sheet() {
  return {
    mix: S.mix.id,
    sampleRate: S.rate,
    segmentFrames: S.result.segmentFrames,
    model: S.result.variants[0],
    shaping: renderBody(null),
    shaped: S.fullRender,
  };
}

// ------------------------------------------------------------------------------------------------ shaping

function wireShaping() {
  $('intensity').addEventListener('input', (e) => {
    S.shaping.intensity = e.target.value / 100;
    $('intensity-out').textContent = e.target.value + ' %';
    changed();
  });
  $('preset').addEventListener('change', (e) => {
    S.shaping.preset = e.target.value;
    presetChosen();
    changed();
  });
  $('save-preset').addEventListener('click', () => {
    $('save-form').hidden = false;
    $('save-message').textContent = '';
    $('preset-name').focus();
  });
  $('save-cancel').addEventListener('click', () => ($('save-form').hidden = true));
  $('save-form').addEventListener('submit', savePreset);
  $('delete-preset').addEventListener('click', deletePreset);
  $('reset').addEventListener('click', () => {
    S.shaping = { intensity: 1, preset: '', stems: S.shaping.stems.map(() => ({ intensity: 1, mute: false, solo: false,
      locks: {} })) };
    $('intensity').value = 100;
    $('intensity-out').textContent = '100 %';
    $('preset').value = '';
    buildSheets();
    changed();
  });
}

/** The render request for the current shaping; an excerpt [startSeconds, seconds] or null for the whole mix. */
function renderBody(excerpt) {
  const sh = S.shaping;
  const soloed = sh.stems.some((s) => s.solo);
  const body = { intensity: sh.intensity, stems: [] };
  if (sh.preset) body.preset = sh.preset;
  sh.stems.forEach((s, i) => {
    const o = { index: i };
    if (s.intensity !== 1) o.intensity = s.intensity;
    if (s.mute || (soloed && !s.solo)) o.mute = true;
    if (Object.keys(s.locks).length) o.overrides = Object.assign({}, s.locks);
    if (Object.keys(o).length > 1) body.stems.push(o);
  });
  if (S.taste && $('for-you').checked) body.roleGainsDb = S.taste;
  if (excerpt) body.excerpt = { startSeconds: excerpt[0], seconds: excerpt[1] };
  return body;
}

/** Presets the listener's taste suggests, each a button that selects it, with the reason. */
function suggest(list) {
  if (!list.length) return;
  const p = $('suggestions');
  p.replaceChildren('Suggested for you: ');
  for (const r of list) {
    const b = el('button', { type: 'button', title: r.because }, r.preset);
    b.addEventListener('click', () => {
      $('preset').value = r.preset;
      $('preset').dispatchEvent(new Event('change'));
    });
    p.append(b, ' ', el('span', {}, '(' + r.because + ') '));
  }
  p.hidden = false;
}

/** Reports an event of the "Mixed for you" experiment (the gateway knows the listener's arm). */
function experimentEvent(event) {
  fetch('/api/v1/arena/experiments/mixed-for-you/events', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ event }),
  }).catch(() => {});
}

/** A download: "kept" when the mix is as the studio offered it, "reshaped" after the listener changed it. */
function kept() {
  if (!S.taste || S.offered === undefined || S.reported) return;
  S.reported = true;
  experimentEvent(JSON.stringify(renderBody(null)) === S.offered ? 'kept' : 'reshaped');
}

/**
 * "Mixed for you": the role levels this listener's arena votes asked for (their taste, learnt from taste probes), as
 * offsets every render applies while the box is ticked. Nothing when the arena has no clear taste for them yet.
 */
async function loadTaste() {
  try {
    const res = await fetch('/api/v1/arena/taste');
    if (!res.ok) return;
    const t = await res.json();
    suggest(t.recommendations || []);
    const gains = t.roleGainsDb || {};
    if (!Object.keys(gains).length) return;
    S.taste = gains;
    // the A/B experiment: ticked by default in arm "on" only (the control's listeners tick it themselves)
    $('for-you').checked = !t.experiments || t.experiments['mixed-for-you'] !== 'off';
    $('for-you-text').textContent = '(' + Object.entries(gains)
      .map(([role, db]) => role.toLowerCase() + ' ' + (db > 0 ? '+' : '') + db.toFixed(1) + ' dB').join(', ') + ')';
    $('for-you-label').hidden = false;
  } catch {
    /* no arena here: the studio works without it */
  }
}

let changeTimer = null;
let fullTimer = null;
let inFlight = false;
let again = false;
/** Aborts the whole mix's render in flight: a change makes it stale, and its excerpt goes first. */
let fullAbort = null;

/** The shaping changed: the excerpt around the playhead is rendered at once and played as B; the whole follows. */
function changed() {
  S.changedAt = performance.now();
  clearTimeout(changeTimer);
  clearTimeout(fullTimer);
  if (fullAbort) {
    fullAbort.abort();
  }
  changeTimer = setTimeout(renderExcerpt, CHANGE_DEBOUNCE_MS);
  requestAnimationFrame(updateSheets); // after the render's request is on its way
}

/**
 * The render's audio as the gateway sends it, written into the shaped track as it comes; B is heard from the
 * moment the audio reaches a little past the playhead (the player schedules LOOKAHEAD ahead; the rest arrives far
 * faster than it plays); `selectB` switches to B then. Returns { head, heardAt } (heardAt: when the new audio is due at the output).
 */
async function streamRender(body, signal, selectB) {
  let heardAt = null;
  let head = null;
  const margin = Math.round(HEAR_MARGIN_SECONDS * S.rate);
  const hear = () => {
    if (selectB && S.player.which !== 'B') {
      S.player.select('B');
      $('ab-a').classList.remove('on');
      $('ab-b').classList.add('on');
    }
    heardAt = performance.now() + S.player.refresh() * 1000;
  };
  await S.api.renderAudio('/mixes/' + S.mix.id + '/renders', body, (h) => {
    head = h;
  }, (frame, left, right) => {
    const at = head.startFrame + frame;
    S.shaped.writeFloat(at, left, right);
    const through = at + left.length;
    if (heardAt === null && (through >= S.player.position() + margin || frame + left.length >= head.frames)) {
      hear();
    }
  }, signal);
  if (heardAt === null) {
    hear();
  }
  return { head, heardAt };
}

async function renderExcerpt() {
  if (inFlight) {
    again = true;
    return;
  }
  inFlight = true;
  const t0 = performance.now();
  const changedAt = S.changedAt;
  const startSeconds = Math.max(0, S.player.position() / S.rate - EXCERPT_LEAD_SECONDS);
  $('render-status').textContent = 'Rendering…';
  S.rendering = true;
  try {
    // a stalled answer must not hold the next change back for ever
    const stall = new AbortController();
    const stallTimer = setTimeout(() => stall.abort(), EXCERPT_TIMEOUT_MS);
    let streamed;
    try {
      streamed = await streamRender(renderBody([startSeconds, EXCERPT_SECONDS]), stall.signal, true);
    } finally {
      clearTimeout(stallTimer);
    }
    const { head, heardAt } = streamed;
    S.excerpt = [head.startFrame, head.startFrame + head.frames];
    const done = performance.now();
    // the loudness match follows at once (the previous match holds for the first milliseconds)
    setTimeout(matchLoudness, 0);
    const r = await S.api.get(head.location.replace(/^\/api\/v1/, ''));
    // from the input event to the moment the first slice of the new audio is due at the output
    const m = { kind: 'excerpt', id: r.id, serverMillis: r.renderMillis, roundTripMillis: done - t0,
      changeToAudibleMillis: heardAt - changedAt, startFrame: r.startFrame, frames: r.frames };
    S.metrics.renders.push(m);
    $('render-status').textContent = 'Excerpt re-rendered: heard ' + m.changeToAudibleMillis.toFixed(0)
      + ' ms after the change, all of it ' + r.renderMillis.toFixed(0) + ' ms on the server';
    clearTimeout(fullTimer);
    if (!again) {
      // the whole mix follows the last change (a change meanwhile renders its excerpt first, then schedules it)
      fullTimer = setTimeout(renderFull, FULL_RENDER_DELAY_MS);
    }
  } catch (e) {
    $('render-status').textContent = 'Render failed: ' + problemText(e);
    S.errors.push(problemText(e));
  } finally {
    inFlight = false;
    S.rendering = false;
    if (again) {
      again = false;
      renderExcerpt();
    }
  }
}

async function renderFull() {
  if (inFlight) {
    fullTimer = setTimeout(renderFull, FULL_RENDER_DELAY_MS);
    return;
  }
  inFlight = true;
  const t0 = performance.now();
  const abort = new AbortController();
  fullAbort = abort;
  $('render-status').textContent = 'Rendering the whole mix…';
  try {
    const { head } = await streamRender(renderBody(null), abort.signal, false);
    const r = await S.api.get(head.location.replace(/^\/api\/v1/, ''));
    if (abort.signal.aborted) return; // changed meanwhile: its excerpt comes first
    S.fullRender = r;
    S.excerpt = null;
    matchLoudness();
    showLoudness();
    updateSheets();
    S.metrics.renders.push({ kind: 'full', id: r.id, serverMillis: r.renderMillis,
      roundTripMillis: performance.now() - t0 });
    $('render-status').textContent = 'Whole mix re-rendered in ' + r.renderMillis.toFixed(0) + ' ms on the server';
  } catch (e) {
    if (!abort.signal.aborted) {
      $('render-status').textContent = 'Render failed: ' + problemText(e);
      S.errors.push(problemText(e));
    }
  } finally {
    if (fullAbort === abort) {
      fullAbort = null;
    }
    inFlight = false;
    if (again) {
      again = false;
      renderExcerpt();
    }
  }
}

// ------------------------------------------------------------------------------------------------ parameter sheets

function range(name) {
  return S.renderer.parameters.find((p) => p.name === name);
}

function meanOf(list, field) {
  return list.reduce((s, p) => s + p[field], 0) / Math.max(1, list.length);
}

function buildSheets() {
  const v = S.result.variants[0];
  const box = $('sheets');
  box.replaceChildren();
  v.stems.forEach((stem, i) => {
    const sh = S.shaping.stems[i];
    const local = S.stems[i];
    const rows = PARAMS.map((p) => {
      const rg = range(p.name);
      const modelMean = stem.mean[p.field];
      const locked = sh.locks[p.name] !== undefined;
      const out = el('output', {}, fmt(locked ? sh.locks[p.name] : modelMean, p));
      const slider = el('input', { type: 'range', min: rg.min, max: rg.max, step: p.step,
        value: locked ? sh.locks[p.name] : modelMean, 'aria-label': stem.name + ' ' + p.label,
        'data-param': p.name, 'data-stem': i });
      const unlock = el('button', { class: 'icon', title: 'Back to the model\'s values', hidden: !locked }, '↺');
      slider.addEventListener('input', () => {
        sh.locks[p.name] = Number(slider.value);
        out.textContent = fmt(sh.locks[p.name], p);
        unlock.hidden = false;
        row.classList.add('locked');
        changed();
      });
      unlock.addEventListener('click', () => {
        delete sh.locks[p.name];
        slider.value = modelMean;
        out.textContent = fmt(modelMean, p);
        unlock.hidden = true;
        row.classList.remove('locked');
        changed();
      });
      const row = el('div', { class: 'param' + (locked ? ' locked' : '') },
        el('span', { class: 'label', title: 'model: ' + fmt(modelMean, p) + ' on average' }, p.label), slider, out,
        unlock);
      return row;
    });
    const stemIntensity = el('input', { type: 'range', min: 0, max: 100, value: Math.round(sh.intensity * 100),
      'aria-label': stem.name + ' intensity' });
    const intensityOut = el('output', {}, Math.round(sh.intensity * 100) + ' %');
    stemIntensity.addEventListener('input', () => {
      sh.intensity = stemIntensity.value / 100;
      intensityOut.textContent = stemIntensity.value + ' %';
      changed();
    });
    const mute = el('button', { class: 'seg' + (sh.mute ? ' on' : ''), 'aria-label': 'Mute ' + stem.name }, 'M');
    const solo = el('button', { class: 'seg' + (sh.solo ? ' on' : ''), 'aria-label': 'Solo ' + stem.name }, 'S');
    mute.addEventListener('click', () => {
      sh.mute = !sh.mute;
      mute.classList.toggle('on', sh.mute);
      changed();
    });
    solo.addEventListener('click', () => {
      sh.solo = !sh.solo;
      solo.classList.toggle('on', sh.solo);
      changed();
    });
    const laneParam = el('select', { 'aria-label': stem.name + ' automation lane' });
    PARAMS.forEach((p) => laneParam.append(el('option', { value: p.name }, p.label)));
    const card = el('article', { class: 'sheet', 'data-stem': i },
      el('header', {}, el('h3', {}, stem.name), el('span', { class: 'role' }, stem.role.toLowerCase().replace('_', ' ')),
        mute, solo,
        el('span', { class: 'muted levels', title: 'the stem as uploaded, and as the model processed it (alone)' },
          local && isFinite(local.view.lufs) ? 'in ' + local.view.lufs.toFixed(1) + ' LUFS · ' : '',
          el('span', { class: 'out' }))),
      el('div', { class: 'param' }, el('span', { class: 'label' }, 'Intensity'), stemIntensity, intensityOut),
      ...rows,
      el('div', { class: 'views' },
        el('figure', {}, el('canvas', { class: 'eq', height: 70 }), el('figcaption', {}, 'EQ: model ┄ shaped ─')),
        el('figure', {}, el('canvas', { class: 'lane', height: 70 }),
          el('figcaption', {}, laneParam, ' per segment')),
        el('figure', {}, el('canvas', { class: 'gr', height: 70 }),
          el('figcaption', {}, 'compressor gain reduction (the model\'s, as rendered)'))));
    laneParam.addEventListener('change', () => drawSheet(card, i));
    box.append(card);
  });
  requestAnimationFrame(updateSheets);
  processedLoudness(v.stems.length);
}

/**
 * Each processed stem's loudness alone and its compressor's gain reduction over time (the gateway renders the stem
 * once, on the first request), one stem at a time, none while a render of the shaping is on its way.
 */
async function processedLoudness(stems) {
  for (let i = 0; i < stems; i++) {
    // the shaping's renders go first: a stem's is not asked for while one of them is on its way
    while (inFlight) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    try {
      const w = await S.api.get(S.mixPath + '/stems/' + i + '/waveform?points=' + REDUCTION_POINTS);
      S.reduction[i] = w.gainReductionDb;
      requestAnimationFrame(updateSheets);
      const out = document.querySelector('#sheets .sheet[data-stem="' + i + '"] .out');
      if (out) out.textContent = 'out ' + (w.integratedLufs !== undefined ? w.integratedLufs.toFixed(1) + ' LUFS' : 'silent');
    } catch (e) {
      S.errors.push('processed stem ' + i + ': ' + problemText(e));
      return;
    }
  }
}

function fmt(v, p) {
  if (p.name === 'PAN') {
    return Math.abs(v) < 0.005 ? 'C' : (v < 0 ? 'L' : 'R') + Math.round(Math.abs(v) * 100);
  }
  return Number(v).toFixed(1) + ' ' + p.unit;
}

function updateSheets() {
  document.querySelectorAll('#sheets .sheet').forEach((card) => drawSheet(card, Number(card.dataset.stem)));
}

/** The shaped parameters of stem i per segment: the last full render's, else the model's with the locks. */
function shapedAutomation(i) {
  if (S.fullRender && S.fullRender.stems[i]) return S.fullRender.stems[i].automation;
  return null;
}

function drawSheet(card, i) {
  const v = S.result.variants[0];
  const stem = v.stems[i];
  const rate = S.rate;
  const shaped = shapedAutomation(i);
  const asParams = (p) => Object.fromEntries(PARAMS.map((q) => [q.name, p[q.field]]));
  const modelMean = asParams(stem.mean);
  let shapedMean = null;
  if (shaped) {
    shapedMean = Object.fromEntries(PARAMS.map((q) => [q.name, meanOf(shaped, q.name)]));
  }
  drawEq(card.querySelector('canvas.eq'), S.renderer.eq, rate, modelMean, shapedMean);
  const lane = card.querySelector('select').value;
  const p = PARAMS.find((q) => q.name === lane);
  const rg = range(lane);
  drawLane(card.querySelector('canvas.lane'), stem.automation.map((a) => a[p.field]),
    shaped ? shaped.map((a) => a[lane]) : null, rg.min, rg.max,
    S.player ? S.player.position() / totalFrames() : undefined);
  const reduction = S.reduction[i];
  if (reduction) {
    // the model's compressor as the gateway's render of the stem applied it (dB, zero or negative)
    drawReduction(card.querySelector('canvas.gr'), reduction.map((db) => -db), 12);
  }
}

// a share link opened from this page: the page starts again as that link's view
window.addEventListener('hashchange', () => {
  if (new URLSearchParams(location.hash.slice(1)).get('share')) location.reload();
});
window.addEventListener('error', (e) => S.errors.push(String(e.message)));
window.addEventListener('unhandledrejection', (e) => S.errors.push(String(e.reason)));
start();
