// The stems a musician brings: files read in the browser, checked, described (length, rate, a mini waveform,
// loudness), given a role guessed from the name (editable). A bad file gets its reason beside it; the rest go on.

import { parseWav, overview } from './wav.js';

const MINI_COLUMNS = 160;

const ROLE_WORDS = [
  ['BACKING_VOCALS', /(backing|bgv|bvox|harmony|choir|backvoc)/],
  ['VOCALS', /(vocal|vox|voice|sing|lead ?voc)/],
  ['PERCUSSION', /(perc|shaker|conga|bongo|tamb|clap)/],
  ['DRUMS', /(drum|kick|snare|hat|tom|overhead|cymbal|beat)/],
  ['BASS', /(bass|sub)/],
  ['GUITAR', /(guitar|gtr|acoustic)/],
  ['KEYS', /(key|piano|organ|rhodes|wurli)/],
  ['SYNTH', /(synth|arp)/],
  ['PAD', /(pad|drone|ambient)/],
  ['STRINGS', /(string|violin|viola|cello|orch)/],
  ['BRASS', /(brass|horn|trumpet|trombone|sax)/],
  ['LEAD', /(lead|melody|solo)/],
  ['FX', /(fx|sfx|riser|sweep|noise|impact)/],
];

export function guessRole(name) {
  const n = name.toLowerCase();
  for (const [role, re] of ROLE_WORDS) {
    if (re.test(n)) {
      return role;
    }
  }
  return 'OTHER';
}

function stemName(file) {
  const path = file.webkitRelativePath || file.name;
  return path.replace(/^.*\//, '').replace(/\.[^.]*$/, '').slice(0, 200) || 'stem';
}

/** Reads and checks one file: { file, name, role, info, view } or { file, name, error }. */
export async function readStem(file) {
  const name = stemName(file);
  try {
    const buffer = await file.arrayBuffer();
    const info = parseWav(buffer);
    const view = overview(buffer, info, MINI_COLUMNS);
    return { file, name, role: guessRole(name), info, view, error: null };
  } catch (e) {
    return { file, name, error: e.message || String(e) };
  }
}

/** Files from a drop: folders walked (one level of nesting and more), only files kept. */
export async function droppedFiles(dataTransfer) {
  const entries = [];
  for (const item of dataTransfer.items || []) {
    const entry = item.webkitGetAsEntry ? item.webkitGetAsEntry() : null;
    if (entry) {
      entries.push(entry);
    }
  }
  if (entries.length === 0) {
    return Array.from(dataTransfer.files || []);
  }
  const files = [];
  const walk = async (entry) => {
    if (entry.isFile) {
      files.push(await new Promise((res, rej) => entry.file(res, rej)));
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
        if (batch.length === 0) break;
        for (const e of batch) await walk(e);
      }
    }
  };
  for (const e of entries) await walk(e);
  return files.filter((f) => !f.name.startsWith('.'));
}

export function formatTime(seconds) {
  if (!isFinite(seconds) || seconds < 0) return '0:00';
  const m = Math.floor(seconds / 60);
  const s = Math.floor(seconds % 60);
  return m + ':' + String(s).padStart(2, '0');
}
