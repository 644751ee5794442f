// The arena: two loudness-matched mixes of one song, played in step (switching keeps the position), a vote once both
// have been heard long enough, then which models they were. The next battle is fetched and decoded while this one is
// judged. The listener is a signed cookie the gateway sets; nothing here chooses who votes.

const API = '/api/v1/arena';
const $ = (id) => document.getElementById(id);

const state = {
  battle: null, // {id, audioMillis, neededMillis, a, b, vote}
  next: null,
  buffers: null, // {A: AudioBuffer, B: AudioBuffer}
  side: 'A',
  playing: false,
  sources: [],
  gains: null,
  startedAt: 0, // AudioContext time at which position `offset` was playing
  offset: 0,
  heard: { A: 0, B: 0 },
  lastTick: 0,
  voted: false,
  busy: false,
};
const decoded = new Map(); // battle id -> Promise<{A, B}>
let ctx = null;

function audioContext() {
  if (!ctx) ctx = new AudioContext();
  return ctx;
}

function status(text, kind = '') {
  const s = $('status');
  s.textContent = text;
  s.className = 'status ' + kind;
}

async function problemText(res) {
  try {
    const p = await res.json();
    return p.detail || p.title || res.statusText;
  } catch {
    return res.statusText;
  }
}

/** Both sides of a battle, fetched and decoded once. */
function load(battle) {
  if (!decoded.has(battle.id)) {
    const one = async (url) => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(await problemText(res));
      return audioContext().decodeAudioData(await res.arrayBuffer());
    };
    const p = Promise.all([one(battle.a), one(battle.b)]).then(([A, B]) => ({ A, B }));
    p.catch(() => decoded.delete(battle.id));
    decoded.set(battle.id, p);
  }
  return decoded.get(battle.id);
}

function duration() {
  return state.buffers ? Math.min(state.buffers.A.duration, state.buffers.B.duration) : 0;
}

function position() {
  const d = duration();
  if (!d) return 0;
  const p = state.playing ? state.offset + (ctx.currentTime - state.startedAt) : state.offset;
  return ((p % d) + d) % d;
}

function stopSources() {
  for (const s of state.sources) {
    try {
      s.stop();
    } catch {
      /* already stopped */
    }
  }
  state.sources = [];
}

/** Both mixes start together at `from`; only the chosen side is audible. */
function startAt(from) {
  stopSources();
  const c = audioContext();
  state.gains = {};
  const when = c.currentTime + 0.03;
  for (const side of ['A', 'B']) {
    const src = c.createBufferSource();
    src.buffer = state.buffers[side];
    src.loop = true;
    const g = c.createGain();
    g.gain.value = side === state.side ? 1 : 0;
    src.connect(g).connect(c.destination);
    src.start(when, from);
    state.sources.push(src);
    state.gains[side] = g;
  }
  state.startedAt = when;
  state.offset = from;
}

async function play() {
  if (!state.buffers || state.voted) return;
  await audioContext().resume();
  if (state.playing) {
    state.offset = position();
    stopSources();
    state.playing = false;
  } else {
    startAt(state.offset);
    state.playing = true;
    state.lastTick = performance.now();
  }
  render();
}

function choose(side) {
  if (!state.buffers || state.voted) return;
  state.side = side;
  if (state.gains) {
    const t = ctx.currentTime;
    for (const s of ['A', 'B']) {
      const g = state.gains[s].gain;
      g.cancelScheduledValues(t);
      g.setTargetAtTime(s === side ? 1 : 0, t, 0.005); // a 5 ms crossfade: no click
    }
  }
  render();
}

function seek(seconds) {
  if (!state.buffers) return;
  const d = duration();
  const to = Math.max(0, Math.min(d - 0.01, seconds));
  if (state.playing) startAt(to);
  else state.offset = to;
  render();
}

/** Half of the listening a vote needs, for each side. */
function eachNeeded() {
  return state.battle ? Math.ceil(state.battle.neededMillis / 2) : Infinity;
}

function canVote() {
  return !state.voted && !state.busy && state.heard.A >= eachNeeded() && state.heard.B >= eachNeeded();
}

function fmt(s) {
  const m = Math.floor(s / 60);
  return m + ':' + String(Math.floor(s % 60)).padStart(2, '0');
}

function render() {
  const ready = !!state.buffers && !state.voted;
  for (const side of ['A', 'B']) {
    const b = $('side-' + side.toLowerCase());
    b.disabled = !ready;
    b.setAttribute('aria-pressed', String(side === state.side));
    $('heard-' + side.toLowerCase()).textContent = (state.heard[side] / 1000).toFixed(1) + ' s';
  }
  $('play').disabled = !ready;
  $('play').textContent = state.playing ? 'Pause' : 'Play';
  const d = duration();
  const p = position();
  $('position').style.width = d ? (100 * p) / d + '%' : '0';
  $('clock').textContent = fmt(p) + ' / ' + fmt(d);
  const votable = canVote();
  for (const id of ['vote-a', 'vote-b', 'vote-tie', 'vote-bad']) $(id).disabled = !votable;
  if (state.battle && !state.voted) {
    const each = eachNeeded();
    const left = ['A', 'B'].filter((s) => state.heard[s] < each);
    $('hint').textContent = votable
      ? 'Vote when you are sure (keys 1–4).'
      : 'Listen to ' + left.join(' and ') + ' for at least ' + (each / 1000).toFixed(1) + ' s each to vote.';
  }
}

function tick() {
  const now = performance.now();
  if (state.playing && !state.voted) {
    state.heard[state.side] += now - state.lastTick;
  }
  state.lastTick = now;
  render();
}

async function nextBattle() {
  stopSources();
  Object.assign(state, {
    battle: null, buffers: null, playing: false, offset: 0, heard: { A: 0, B: 0 }, voted: false, side: 'A',
  });
  $('reveal').hidden = true;
  $('hint').textContent = 'Loading the battle…';
  render();
  for (;;) {
    const res = await fetch(API + '/next');
    if (res.ok) {
      const body = await res.json();
      $('my-votes').textContent = body.votes;
      state.battle = body.battle;
      state.next = body.next;
      break;
    }
    const text = await problemText(res);
    if (res.status !== 503) {
      status(text, 'bad');
      return;
    }
    status('Mixing the next battle… (' + text + ')');
    await new Promise((r) => setTimeout(r, 1000));
  }
  try {
    state.buffers = await load(state.battle);
  } catch (e) {
    status('The battle\'s audio did not load: ' + e.message, 'bad');
    return;
  }
  status('Battle ready: ' + (state.battle.audioMillis / 1000).toFixed(1) + ' s of music.', 'ok');
  document.body.dataset.battle = state.battle.id;
  // only this battle and the next stay decoded (each is megabytes of samples)
  for (const id of [...decoded.keys()]) {
    if (id !== state.battle.id && (!state.next || id !== state.next.id)) decoded.delete(id);
  }
  if (state.next) load(state.next).catch(() => {}); // preloaded while this one is judged
  render();
}

async function vote(outcome) {
  if (!canVote()) return;
  state.busy = true;
  render();
  let res;
  try {
    res = await fetch(state.battle.vote, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        outcome,
        listenedMillis: { a: Math.round(state.heard.A), b: Math.round(state.heard.B) },
      }),
    });
  } catch (e) {
    status('The vote was not sent: ' + e.message, 'bad');
    return;
  } finally {
    state.busy = false;
  }
  if (!res.ok) {
    const text = await problemText(res);
    if (res.status === 404 || res.status === 409) {
      // the battle has gone (closed, or filled) or is no longer this listener's: on to the next
      status('That battle has moved on (' + text + '); here is the next.', 'bad');
      nextBattle();
      return;
    }
    status('The vote was not taken: ' + text, 'bad');
    render();
    return;
  }
  const r = await res.json();
  state.voted = true;
  state.offset = position();
  stopSources();
  state.playing = false;
  $('my-votes').textContent = r.votes;
  const said = { A: 'A', B: 'B', TIE: 'about the same', BOTH_BAD: 'both bad' }[r.outcome];
  $('reveal-text').textContent = 'You said ' + said + '. A was ' + r.modelA + ', B was ' + r.modelB + '.';
  $('reveal').hidden = false;
  status('Vote counted.', 'ok');
  document.body.dataset.voted = r.battle;
  render();
  $('next').focus();
}

function keys(e) {
  if (e.target instanceof HTMLInputElement || e.target instanceof HTMLButtonElement && e.key === 'Enter') return;
  const k = e.key;
  if (k === ' ') {
    e.preventDefault();
    play();
  } else if (k === 'a' || k === 'A') choose('A');
  else if (k === 'b' || k === 'B') choose('B');
  else if (k === 'ArrowLeft') seek(position() - 5);
  else if (k === 'ArrowRight') seek(position() + 5);
  else if (k === '1') vote('A');
  else if (k === '2') vote('B');
  else if (k === '3') vote('TIE');
  else if (k === '4') vote('BOTH_BAD');
  else if (k === 'Enter' && state.voted) {
    e.preventDefault();
    nextBattle();
  }
}

/** Creates an account or signs in (the cookie becomes the account's listener), or signs out. */
async function account(path) {
  const body = path === '/sign-out' ? '{}'
    : JSON.stringify({ name: $('account-name').value.trim(), password: $('account-password').value });
  const res = await fetch(API + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  if (!res.ok) {
    status(await problemText(res), 'bad');
    return;
  }
  const r = await res.json();
  $('account-password').value = '';
  status(path === '/sign-out' ? 'Signed out: you are a new anonymous listener.'
    : (path === '/account' ? 'Account ' + r.name + ' created.' : 'Signed in as ' + r.name + '.'), 'ok');
  if (r.votes !== undefined) $('my-votes').textContent = r.votes;
  if (path !== '/account') nextBattle();
}

async function init() {
  $('account-form').addEventListener('submit', (e) => {
    e.preventDefault();
    account('/account');
  });
  $('account-sign-in').addEventListener('click', () => account('/sign-in'));
  $('account-sign-out').addEventListener('click', () => account('/sign-out'));
  $('side-a').addEventListener('click', () => choose('A'));
  $('side-b').addEventListener('click', () => choose('B'));
  $('play').addEventListener('click', play);
  $('seek').addEventListener('click', (e) => {
    const r = e.currentTarget.getBoundingClientRect();
    seek(((e.clientX - r.left) / r.width) * duration());
  });
  $('vote-a').addEventListener('click', () => vote('A'));
  $('vote-b').addEventListener('click', () => vote('B'));
  $('vote-tie').addEventListener('click', () => vote('TIE'));
  $('vote-bad').addEventListener('click', () => vote('BOTH_BAD'));
  $('next').addEventListener('click', nextBattle);
  document.addEventListener('keydown', keys);
  setInterval(tick, 100);
  const res = await fetch(API);
  if (!res.ok) {
    status(await problemText(res), 'bad');
    return;
  }
  const me = await res.json();
  $('my-votes').textContent = me.votes;
  await nextBattle();
}

init();
