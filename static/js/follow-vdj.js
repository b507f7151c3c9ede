// VirtualDJ's history as the pika-dj agent reads it (agent/pika_dj/sources/virtualdj.py),
// rule for rule, so a play read here and by the agent has the same source_id and the
// server stores it once. tests/browser/test_follow_parity.py runs both on the same lines.

const TAG_RE = /<([A-Za-z_][\w.-]*)>([\s\S]*?)<\/\1>/g;
const ENTITY_RE = /&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g;
const NAMED = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const CLOCK_RE = /(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?/;
const FILE_DAY_RE = /(\d{4})-(\d{2})-(\d{2})/;
const TRACKLIST_LINE_RE = /^\s*(\d{1,2}:\d{2}(?::\d{2})?)\s*:\s*(.+?)\s*$/;
const TRACKLIST_DAY_RE = /(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})/;
const MIDNIGHT_JUMP_MS = 6 * 3600 * 1000;
const TEXT_LIMIT = 500;
const KEY_LIMIT = 16;
const TEN_MINUTES_MS = 10 * 60 * 1000;

function unescape(value) {
  return value.replace(ENTITY_RE, (_, name) => {
    if (name.startsWith("#x")) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return NAMED[name];
  });
}

// Python's str.strip() and str.split() whitespace, which differs from JavaScript's \s.
const SPACE = "[\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const EDGES_RE = new RegExp(`^${SPACE}+|${SPACE}+$`, "g");
const SPACES_RE = new RegExp(`${SPACE}+`);
const strip = (text) => text.replace(EDGES_RE, "");

export function parseTags(text) {
  const tags = {};
  for (const match of text.matchAll(TAG_RE)) tags[match[1].toLowerCase()] = strip(unescape(match[2]));
  return tags;
}

function parseClock(text) {
  const match = CLOCK_RE.exec(text);
  if (!match) return null;
  let hour = +match[1];
  const minute = +match[2], second = +(match[3] || 0);
  if (match[4]) hour = (hour % 12) + (match[4].toLowerCase() === "pm" ? 12 : 0);
  if (hour > 23 || minute > 59 || second > 59) return null;
  return [hour, minute, second];
}

// Wall-clock times of one file as moments in this computer's time zone, across midnight.
class LocalClock {
  constructor(day) { this.day = day; this.previous = null; }

  at(clock) {
    if (!this.day || !clock) return null;
    let moment = new Date(this.day[0], this.day[1] - 1, this.day[2], ...clock);
    if (this.previous && this.previous - moment > MIDNIGHT_JUMP_MS) {
      const next = new Date(this.day[0], this.day[1] - 1, this.day[2] + 1);
      this.day = [next.getFullYear(), next.getMonth() + 1, next.getDate()];
      moment = new Date(this.day[0], this.day[1] - 1, this.day[2], ...clock);
    }
    this.previous = moment;
    return moment;
  }
}

const dayText = (day) => (day ? `${day[0]}-${String(day[1]).padStart(2, "0")}-${String(day[2]).padStart(2, "0")}` : "None");

function number(text) {
  const clean = strip((text || "").replaceAll(",", "."));
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(clean)) return null;
  const value = Number(clean);
  return value > 0 ? value : null;
}

function bpmOf(text) {
  let value = number(text);
  // VirtualDJ stores tempo as seconds per beat (0.5 = 120 BPM); tags hold real BPM.
  if (value !== null && value < 10) value = 60 / value;
  return value;
}

export function withVersion(title, version) {
  version = strip(version || "");
  if (!version || title.toLowerCase().includes(version.toLowerCase())) return title;
  return `${title} (${version})`;
}

export function splitArtistTitle(text) {
  const at = text.indexOf(" - ");
  if (at < 0) return ["", strip(text)];
  return [strip(text.slice(0, at)), strip(text.slice(at + 3))];
}

export function fromFileName(path) {
  if (!path) return ["", ""];
  let name = path.split(/[\\/]/).pop();
  if (/^[A-Za-z]:/.test(name) && !/[\\/]/.test(path)) name = name.slice(2);
  const dot = name.lastIndexOf(".");
  const stem = dot > 0 && dot < name.length - 1 ? name.slice(0, dot) : name;
  return splitArtistTitle(stem);
}

async function shortDigest(...parts) {
  const bytes = new TextEncoder().encode(parts.join("\x1f"));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("").slice(0, 16);
}

export function fileDay(name) {
  const match = FILE_DAY_RE.exec(name);
  return match ? [+match[1], +match[2], +match[3]] : null;
}

// Plays in a history playlist, in file order. An #EXTVDJ line still waiting for its path
// line is left out: it is the play VirtualDJ is writing now, read again next time.
export async function parseHistory(lines, day = null) {
  const plays = [];
  const clock = new LocalClock(day);
  const repeats = new Map();
  let pending = null;
  for (const line of lines) {
    const text = strip(line);
    if (!text) continue;
    if (text.slice(0, 8).toUpperCase() === "#EXTVDJ:") {
      if (pending !== null) plays.push(await historyPlay(pending, "", day, clock, repeats));
      pending = parseTags(text.slice(8));
    } else if (text.startsWith("#")) {
      continue;
    } else {
      plays.push(await historyPlay(pending || {}, text, day, clock, repeats));
      pending = null;
    }
  }
  return plays;
}

async function historyPlay(tags, path, day, clock, repeats) {
  let artist = tags.artist || "", title = tags.title || "";
  if (!artist || !title) {
    const [nameArtist, nameTitle] = fromFileName(path);
    artist = artist || nameArtist;
    title = title || nameTitle;
  }
  title = withVersion(title, tags.remix || "");
  const lastPlay = tags.lastplaytime || "";
  let playedAt, sourceId;
  if (/^[0-9]+$/.test(lastPlay)) {
    playedAt = new Date(Number(lastPlay) * 1000);
    sourceId = `vdj-${lastPlay}-${await shortDigest(path, artist, title)}`;
  } else {
    playedAt = clock.at(parseClock(tags.time || ""));
    const base = await shortDigest(dayText(day), tags.time || "", path, artist, title);
    repeats.set(base, (repeats.get(base) || 0) + 1);
    sourceId = `vdj-${base}-${repeats.get(base)}`;
  }
  const length = number(tags.songlength);
  return {
    source_id: sourceId, artist, title, album: tags.album || "", played_at: playedAt,
    bpm: bpmOf(tags.bpm), key: tags.key || "", duration_ms: length ? Math.round(length * 1000) : null, path,
  };
}

// tracklist.txt: '22:47 : Artist - Title' lines under a dated header line.
export async function parseTracklist(lines) {
  const plays = [];
  let clock = new LocalClock(null);
  const repeats = new Map();
  for (const line of lines) {
    const track = TRACKLIST_LINE_RE.exec(line);
    if (!track) {
      const day = TRACKLIST_DAY_RE.exec(line);
      if (day) clock = new LocalClock([+day[1], +day[2], +day[3]]);
      continue;
    }
    const [, stamp, text] = track;
    const [artist, title] = splitArtistTitle(text);
    const base = await shortDigest(dayText(clock.day), stamp, text);
    repeats.set(base, (repeats.get(base) || 0) + 1);
    plays.push({
      source_id: `vdj-tl-${base}-${repeats.get(base)}`, artist, title, album: "",
      played_at: clock.at(parseClock(stamp)), bpm: null, key: "", duration_ms: null,
    });
  }
  return plays;
}

function decodeLine(bytes) {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

// Complete lines, and the text after the last newline (maybe half-written).
export function splitLines(bytes) {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (utf16) {
    const text = new TextDecoder(bytes[0] === 0xff ? "utf-16le" : "utf-16be").decode(bytes.subarray(2));
    const parts = text.split("\n").map((part) => part.replace(/\r$/, ""));
    const tail = parts.pop();
    return [parts, tail];
  }
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const lines = [];
  for (let at = bytes.indexOf(0x0a, start); at >= 0; at = bytes.indexOf(0x0a, start)) {
    const end = at > start && bytes[at - 1] === 0x0d ? at - 1 : at;
    lines.push(decodeLine(bytes.subarray(start, end)));
    start = at + 1;
  }
  let end = bytes.length;
  if (end > start && bytes[end - 1] === 0x0d) end -= 1;
  return [lines, decodeLine(bytes.subarray(start, end))];
}

// The file's lines. An unterminated last line counts once the file has not changed for
// `settleMs`: until then the writer may be mid-line.
export function fileLines(bytes, lastModified, settleMs, now = Date.now()) {
  const [lines, tail] = splitLines(bytes);
  if (strip(tail) && now - lastModified >= settleMs) lines.push(tail);
  return lines;
}

// Binary files (an audio file, a database) have NUL bytes; UTF-16 text is told by its BOM.
export function looksBinary(bytes) {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return false;
  return bytes.subarray(0, 8192).includes(0);
}

function clip(text, limit = TEXT_LIMIT) {
  const clean = text.split(SPACES_RE).filter(Boolean).join(" ");
  const chars = Array.from(clean);
  return chars.length <= limit ? clean : chars.slice(0, limit - 1).join("") + "…";
}

// The JSON body the token API expects for a play (agent/pika_dj/tracks.py Play.payload).
export function payload(play) {
  const body = {
    artist: clip(play.artist) || "Unknown artist",
    title: clip(play.title) || "Unknown title",
    source_id: play.source_id,
  };
  if (play.album) body.album = clip(play.album);
  if (play.played_at) body.played_at = play.played_at.toISOString();
  if (play.bpm) body.bpm = Math.round(play.bpm * 100) / 100;
  if (play.key) body.key = strip(strip(play.key).slice(0, KEY_LIMIT));
  if (play.duration_ms) body.duration_ms = play.duration_ms;
  return body;
}

// When following starts, the newest play counts as playing now for its length (or 10 min).
export function stillPlaying(play, now = Date.now()) {
  if (!play || !play.played_at) return false;
  return play.played_at.getTime() + (play.duration_ms || TEN_MINUTES_MS) > now;
}

// A now-playing text file (agent/pika_dj/sources/nowplaying.py): one line, rewritten at
// each track; a play is named by its text and the second the file was written.
export const NOW_PLAYING_RE = /^now[ _-]?playing.*\.txt$/i;

export async function parseNowPlaying(bytes, lastModified) {
  const [lines, tail] = splitLines(bytes);
  const text = [...lines, tail].map(strip).find(Boolean) || "";
  if (!text) return [];
  const second = Math.floor(lastModified / 1000);
  const [artist, title] = splitArtistTitle(text);
  return [{
    source_id: `np-${await shortDigest(text)}-${second}`, artist, title, album: "",
    played_at: new Date(second * 1000), bpm: null, key: "", duration_ms: null,
  }];
}

// BPM, key and length from VirtualDJ's database.xml beside History, which the history
// lacks (VirtualDJDatabase in the agent). Paths compare as the agent's os.path.normcase
// does on the DJ's system: case-insensitive and either slash on Windows.
const normcase = (path, windows) => (windows ? path.replaceAll("/", "\\").toLowerCase() : path);

export function parseDatabase(text, windows) {
  const doc = new DOMParser().parseFromString(text, "application/xml");
  if (doc.getElementsByTagName("parsererror").length) return null;  // VirtualDJ is saving it
  const songs = new Map();
  for (const song of doc.getElementsByTagName("Song")) {
    const child = (name) => Array.from(song.children).find((element) => element.tagName === name);
    const scan = child("Scan"), infos = child("Infos");
    const length = infos ? number(infos.getAttribute("SongLength")) : null;
    songs.set(normcase(song.getAttribute("FilePath") || "", windows), [
      scan ? bpmOf(scan.getAttribute("Bpm")) : null,
      scan ? scan.getAttribute("Key") || "" : "",
      length ? Math.round(length * 1000) : null,
    ]);
  }
  return songs;
}

export function enrich(play, songs, windows) {
  if ((play.bpm && play.key && play.duration_ms) || !play.path || !songs) return play;
  const found = songs.get(normcase(play.path, windows));
  if (!found) return play;
  const [bpm, key, durationMs] = found;
  return { ...play, bpm: play.bpm || bpm, key: play.key || key, duration_ms: play.duration_ms || durationMs };
}
