// A league's standings: ratings with their 95 % intervals as a chart and a table, the champion and its history, and
// the lineage of the models (parents -> children). Refreshed every few seconds.

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
const REFRESH_MS = 3000;

function status(text, kind = '') {
  $('status').textContent = text;
  $('status').className = 'status ' + kind;
}

function el(name, attrs = {}, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function chart(models, champion) {
  const svg = $('chart');
  svg.replaceChildren();
  if (!models.length) {
    svg.setAttribute('height', 24);
    svg.append(el('text', { x: 0, y: 16 }, 'No votes counted yet.'));
    return;
  }
  const row = 26;
  const label = 170;
  const width = svg.clientWidth || 700;
  const lo = Math.min(...models.map((m) => m.lower)) - 20;
  const hi = Math.max(...models.map((m) => m.upper)) + 20;
  const x = (v) => label + ((v - lo) / (hi - lo)) * (width - label - 20);
  svg.setAttribute('height', models.length * row + 24);
  models.forEach((m, i) => {
    const y = i * row + 14;
    const g = el('g', { class: m.modelId === champion ? 'champion' : '', 'data-model': m.modelId });
    g.append(el('text', { x: 0, y: y + 4 }, m.modelId));
    g.append(el('line', { class: 'interval', x1: x(m.lower), x2: x(m.upper), y1: y, y2: y }));
    g.append(el('circle', { class: 'point', cx: x(m.rating), cy: y, r: 4 }));
    g.append(el('title', {}, `${m.modelId}: ${m.rating} (${m.lower} to ${m.upper}), ${m.votes} votes`));
    svg.append(g);
  });
  const axisY = models.length * row + 4;
  svg.append(el('line', { class: 'axis', x1: label, x2: width - 20, y1: axisY, y2: axisY }));
  for (const v of [lo + 20, (lo + hi) / 2, hi - 20]) {
    svg.append(el('text', { x: x(v) - 14, y: axisY + 16 }, Math.round(v)));
  }
}

function table(models, champion) {
  $('rows').replaceChildren(
    ...models.map((m) => {
      const tr = document.createElement('tr');
      tr.dataset.model = m.modelId;
      const cells = [m.rank, m.modelId + (m.modelId === champion ? ' (champion)' : ''), m.rating,
        `${m.lower} – ${m.upper}`, m.votes];
      for (const c of cells) {
        const td = document.createElement('td');
        td.textContent = c;
        tr.append(td);
      }
      return tr;
    }),
  );
}

function lineage(entries, ratings) {
  const byId = new Map(entries.map((e) => [e.modelId, e]));
  const children = new Map();
  const roots = [];
  for (const e of entries) {
    const parents = e.parents.filter((p) => byId.has(p));
    if (!parents.length) roots.push(e);
    else {
      // under its first parent (a crossover names both)
      if (!children.has(parents[0])) children.set(parents[0], []);
      children.get(parents[0]).push(e);
    }
  }
  const item = (e) => {
    const li = document.createElement('li');
    const r = ratings.get(e.modelId);
    const bits = [e.operation];
    if (e.generation !== null) bits.push('generation ' + e.generation);
    if (e.parents.length > 1) bits.push('parents ' + e.parents.join(' × '));
    if (r) bits.push('rating ' + r.rating);
    if (e.status !== 'CANDIDATE') bits.push(e.status.toLowerCase());
    const b = document.createElement('b');
    b.textContent = e.modelId;
    li.append(b, ' ', Object.assign(document.createElement('span'), { className: 'muted', textContent: bits.join(' · ') }));
    const kids = (children.get(e.modelId) || []).sort((a, b) => a.createdAtMillis - b.createdAtMillis);
    if (kids.length) {
      const ul = document.createElement('ul');
      ul.className = 'tree';
      ul.append(...kids.map(item));
      li.append(ul);
    }
    return li;
  };
  const ul = document.createElement('ul');
  ul.className = 'tree';
  ul.append(...roots.sort((a, b) => a.createdAtMillis - b.createdAtMillis).map(item));
  $('lineage').replaceChildren(ul);
}

async function refresh() {
  const league = $('league').value;
  const res = await fetch('/api/v1/arena/leagues/' + encodeURIComponent(league));
  if (!res.ok) {
    let text = res.statusText;
    try {
      text = (await res.json()).detail;
    } catch {
      /* not a problem response */
    }
    status(text, 'bad');
    return;
  }
  const s = await res.json();
  const champion = s.champion ? s.champion.modelId : null;
  const models = [...s.models].sort((a, b) => b.rating - a.rating);
  $('votes').textContent = s.votes;
  $('flagged').textContent = s.flaggedVoters;
  $('updated').textContent = s.computedAtMillis ? new Date(s.computedAtMillis).toLocaleTimeString() : '—';
  chart(models, champion);
  table(models, champion);
  $('champion').textContent = champion || '—';
  $('champion-reason').textContent = s.champion && s.champion.reason ? '(' + s.champion.reason + ')' : '';
  $('history').textContent = s.champion ? s.champion.history.join(' → ') : '—';
  lineage(s.lineage, new Map(s.models.map((m) => [m.modelId, m])));
  document.body.dataset.votes = s.votes;
  status('League ' + league + ': ' + s.votes + ' votes.', 'ok');
}

async function init() {
  const res = await fetch('/api/v1/arena');
  if (!res.ok) {
    status('The arena is not running here.', 'bad');
    return;
  }
  const arena = await res.json();
  const wanted = new URLSearchParams(location.search).get('league');
  for (const l of arena.leagues) $('league').append(new Option(l, l, false, l === wanted));
  $('league').addEventListener('change', refresh);
  await refresh();
  setInterval(() => refresh().catch((e) => status(e.message, 'bad')), REFRESH_MS);
}

init();
