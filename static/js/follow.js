// "Follow my DJ software" on the DJ dashboard: reads the folder the DJ picked (File System
// Access API, Chrome and Edge) as the pika-dj agent reads it, and posts each new play to
// the live set. Plays wait in IndexedDB while the network is away and go out in order.
import {
  NOW_PLAYING_RE, enrich, fileDay, fileLines, looksBinary, parseDatabase, parseHistory, parseNowPlaying, parseTracklist,
  payload, stillPlaying,
} from "./follow-vdj.js";

const MAX_FILE_BYTES = 50 * 1024 * 1024;
const MAX_RETRY_MS = 5000;
const DB_NAME = "pika-follow";
// VirtualDJ's paths compare case-insensitively on Windows, as the agent compares them there.
const WINDOWS = /Windows/.test(navigator.userAgent);

const root = document.getElementById("follower");
if (root) start(root);

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore("folders");
      db.createObjectStore("seen");
      db.createObjectStore("queue", { autoIncrement: true });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function tx(db, store, mode, work) {
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(store, mode);
    const result = work(transaction.objectStore(store));
    transaction.oncomplete = () => resolve(result && "result" in result ? result.result : result);
    transaction.onerror = () => reject(transaction.error);
  });
}

const count = (n, noun) => `${n} ${noun}${n === 1 ? "" : "s"}`;
const clockOf = (body) => (body.played_at ? new Date(body.played_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }) : "--:--");
const line = (body) => `${clockOf(body)}  ${body.artist} — ${body.title}`;

async function start(root) {
  const el = (name) => root.querySelector(`[data-follow-${name}]`);
  const setCode = root.dataset.set;
  const pollMs = Number(root.dataset.pollMs) || 2000;
  const settleMs = Number(root.dataset.settleMs) || 2000;
  const status = el("status");
  const say = (text) => { status.textContent = text; };
  const log = (text) => {
    const item = document.createElement("li");
    item.textContent = text;
    el("log").prepend(item);
    while (el("log").children.length > 8) el("log").lastElementChild.remove();
  };

  if (!("showDirectoryPicker" in window) || !window.indexedDB || !navigator.locks) {
    el("supported").hidden = true;
    el("unsupported").hidden = false;
    return;
  }
  const db = await openDb();
  let folder = null;          // the FileSystemDirectoryHandle being followed
  let following = false;
  let stopFollowing = null;   // releases the tab lock
  let failures = 0, retryAt = 0, offline = false, blocked = "";
  const skipped = new Set();  // files already reported as too large or binary
  const cache = new Map();    // file name -> [size, lastModified, settled, plays]
  let database = { stamp: "", songs: null };  // database.xml, parsed when it changes
  let seen = null;
  let flushTimer = null, flushing = false;

  const queued = () => tx(db, "queue", "readonly", (s) => s.getAll());
  const queuedKeys = () => tx(db, "queue", "readonly", (s) => s.getAllKeys());

  async function showQueue() {
    const items = (await queued()).filter((item) => item.set === setCode);
    el("queue").hidden = items.length === 0;
    el("queue-count").textContent = offline ? `Offline — ${count(items.length, "track")} queued; they go out in order when the network returns.`
      : `${count(items.length, "track")} waiting to be sent.`;
    const list = el("queue-list");
    list.replaceChildren(...items.map((item) => {
      const li = document.createElement("li");
      li.textContent = line(item.body);
      return li;
    }));
  }

  // A DJ has one live set: plays still queued for an earlier one cannot be posted any more.
  async function dropEarlierSets() {
    const keys = await queuedKeys();
    const items = await queued();
    const stale = keys.filter((_, i) => items[i].set !== setCode);
    if (!stale.length) return;
    await tx(db, "queue", "readwrite", (s) => stale.forEach((key) => s.delete(key)));
    log(`${count(stale.length, "track")} queued for an earlier set could not be sent (that set has ended).`);
  }

  async function loadSeen() {
    const keys = await tx(db, "seen", "readonly", (s) => s.getAllKeys(IDBKeyRange.bound(`${setCode}\x1f`, `${setCode}\x1f\uffff`)));
    seen = new Set(keys.map((key) => key.slice(setCode.length + 1)));
  }

  // Remembered folder: one click (a permission prompt) to follow it again after a restart.
  const remembered = await tx(db, "folders", "readonly", (s) => s.get("folder"));
  if (remembered) {
    el("again").hidden = false;
    el("folder-name").textContent = remembered.name;
  }
  await loadSeen();
  await dropEarlierSets();
  await showQueue();
  if ((await queued()).some((item) => item.set === setCode)) flushSoon();

  el("pick").addEventListener("click", async () => {
    let handle;
    try {
      handle = await window.showDirectoryPicker({ id: "pika-history", mode: "read" });
    } catch (error) {
      if (error.name !== "AbortError") say(`The folder could not be opened: ${error.message}`);
      return;
    }
    await tx(db, "folders", "readwrite", (s) => s.put(handle, "folder"));
    follow(handle);
  });
  el("again").addEventListener("click", async () => {
    const handle = await tx(db, "folders", "readonly", (s) => s.get("folder"));
    if (handle && (await handle.requestPermission({ mode: "read" })) === "granted") follow(handle);
    else say("Pika! may not read that folder. Pick it again with “Follow my DJ software”.");
  });
  el("stop").addEventListener("click", () => stop("Stopped following. Tracks you type or the agent sends still post."));
  el("pick").disabled = false;  // disabled in the HTML until these listeners exist

  function stop(message) {
    following = false;
    if (stopFollowing) stopFollowing();
    stopFollowing = null;
    el("stop").hidden = true;
    el("pick").hidden = false;
    say(message);
  }

  function follow(handle) {
    // Two tabs following one folder would race each other: the first one follows.
    navigator.locks.request("pika-follow", { ifAvailable: true }, (lock) => {
      if (!lock) {
        say("Another tab is already following your DJ software. Close it, or stop it there, to follow here.");
        return undefined;
      }
      folder = handle;
      following = true;
      cache.clear();
      el("stop").hidden = false;
      el("again").hidden = true;
      el("folder-name").textContent = handle.name;
      say(`Following ${handle.name}…`);
      tick();
      return new Promise((resolve) => { stopFollowing = resolve; });
    });
  }

  async function tick() {
    if (!following) return;
    try {
      await collect();
    } catch (error) {
      if (error.name === "NotAllowedError" || error.name === "SecurityError") {
        const waiting = (await queued()).filter((item) => item.set === setCode).length;
        stop(`Pika! can no longer read ${folder.name} (permission withdrawn). ${count(waiting, "queued track")} kept. Click “Follow again” to carry on.`);
        el("again").hidden = false;
        flushSoon();
        return;
      }
      say(`Cannot read ${folder.name} right now (${error.message}); trying again.`);
    }
    await flush();
    if (following) setTimeout(tick, pollMs);
  }

  async function readFolder() {
    if ((await folder.queryPermission({ mode: "read" })) !== "granted") {
      throw new DOMException("permission withdrawn", "NotAllowedError");
    }
    let history = folder;
    const files = new Map();
    for await (const [name, entry] of folder.entries()) {
      if (entry.kind === "directory" && name.toLowerCase() === "history") history = entry;
      else if (entry.kind === "file") files.set(name.toLowerCase(), entry);
    }
    const playlists = [];
    const here = history === folder ? files : new Map();
    if (history !== folder) {
      for await (const [name, entry] of history.entries()) if (entry.kind === "file") here.set(name.toLowerCase(), entry);
    }
    for (const entry of here.values()) {
      if (entry.name.toLowerCase().endsWith(".m3u")) playlists.push([entry, await entry.getFile()]);
    }
    // The two most recently written playlists, oldest first: after midnight VirtualDJ may
    // start a new day's file or keep writing the old one.
    playlists.sort((a, b) => a[1].lastModified - b[1].lastModified || (a[1].name < b[1].name ? -1 : 1));
    // database.xml sits beside History: reachable when the DJ picked VirtualDJ's own folder.
    const databaseFile = history !== folder ? files.get("database.xml") : undefined;
    if (playlists.length) return { kind: "history", files: playlists.slice(-2), database: databaseFile };
    const tracklist = here.get("tracklist.txt") || files.get("tracklist.txt");
    if (tracklist) return { kind: "tracklist", files: [[tracklist, await tracklist.getFile()]] };
    // A now-playing file (DJUCED, djay, …): the most recently written one.
    const nowPlaying = [];
    for (const entry of files.values()) {
      if (NOW_PLAYING_RE.test(entry.name)) nowPlaying.push([entry, await entry.getFile()]);
    }
    nowPlaying.sort((a, b) => a[1].lastModified - b[1].lastModified || (a[1].name < b[1].name ? -1 : 1));
    if (nowPlaying.length) return { kind: "now-playing", files: nowPlaying.slice(-1) };
    return { kind: "none", files: [] };
  }

  async function readPlays() {
    const found = await readFolder();
    if (found.kind === "none") {
      say(`No history in ${folder.name} yet. Expected VirtualDJ's History folder (dated playlists such as 2026-03-14.m3u), a tracklist.txt or a now-playing file (nowplaying.txt); still watching.`);
      return { plays: [], none: true };
    }
    const plays = [];
    for (const [, file] of found.files) {
      if (file.size > MAX_FILE_BYTES || (await isBinary(file))) {
        if (!skipped.has(file.name)) {
          skipped.add(file.name);
          log(`Skipped ${file.name}: ${file.size > MAX_FILE_BYTES ? `${Math.round(file.size / 1048576)} MB is too large for a history file` : "it is not a text file"}.`);
        }
        continue;
      }
      const settled = Date.now() - file.lastModified >= settleMs;
      const known = cache.get(file.name);
      if (known && known[0] === file.size && known[1] === file.lastModified && known[2] === settled) {
        plays.push(...known[3]);
        continue;
      }
      const bytes = new Uint8Array(await file.arrayBuffer());
      let parsed;
      if (found.kind === "now-playing") parsed = await parseNowPlaying(bytes, file.lastModified);
      else {
        const lines = fileLines(bytes, file.lastModified, settleMs);
        parsed = found.kind === "history" ? await parseHistory(lines, fileDay(file.name)) : await parseTracklist(lines);
      }
      cache.set(file.name, [file.size, file.lastModified, settled, parsed]);
      plays.push(...parsed);
    }
    if (found.database) await refreshDatabase(await found.database.getFile());
    return { plays: found.database ? plays.map((play) => enrich(play, database.songs, WINDOWS)) : plays, none: false };
  }

  async function refreshDatabase(file) {
    const stamp = `${file.size}:${file.lastModified}`;
    if (stamp === database.stamp) return;
    if (file.size > MAX_FILE_BYTES) {
      if (!skipped.has(file.name)) log(`BPM and key not read: ${file.name} is over 50 MB (the agent reads it).`);
      skipped.add(file.name);
      return;
    }
    const songs = parseDatabase(await file.text(), WINDOWS);
    if (songs) database = { stamp, songs };  // unparsable: VirtualDJ is saving it, read it next time
  }

  async function isBinary(file) {
    return looksBinary(new Uint8Array(await file.slice(0, 8192).arrayBuffer()));
  }

  async function collect() {
    const { plays, none } = await readPlays();
    const baselineKey = `baseline:${folder.name}`;
    if (!seen.has(baselineKey)) {
      // Plays already in the history belong to earlier sets, except the one playing now.
      const now = plays.length && stillPlaying(plays[plays.length - 1]) ? plays[plays.length - 1] : null;
      const earlier = plays.filter((play) => play !== now).map((play) => play.source_id);
      await markSeen([baselineKey, ...earlier]);
      if (earlier.length) log(`Skipping what was played before this set (${count(earlier.length, "play")} in the history).`);
    }
    const fresh = plays.filter((play) => !seen.has(play.source_id));
    if (fresh.length) {
      await new Promise((resolve, reject) => {
        const transaction = db.transaction(["queue", "seen"], "readwrite");
        for (const play of fresh) {
          transaction.objectStore("queue").add({ set: setCode, body: payload(play) });
          transaction.objectStore("seen").put(true, `${setCode}\x1f${play.source_id}`);
        }
        transaction.oncomplete = resolve;
        transaction.onerror = () => reject(transaction.error);
      });
      fresh.forEach((play) => seen.add(play.source_id));
      await showQueue();
    }
    if (!none && !offline && !blocked) say(`Following ${folder.name} · read at ${new Date().toLocaleTimeString([], { hourCycle: "h23" })}`);
  }

  async function markSeen(ids) {
    await tx(db, "seen", "readwrite", (s) => ids.forEach((id) => s.put(true, `${setCode}\x1f${id}`)));
    ids.forEach((id) => seen.add(id));
  }

  function flushSoon() {
    if (flushTimer || following) return;  // while following, every tick flushes
    flushTimer = setTimeout(async () => { flushTimer = null; await flush(); }, Math.max(0, retryAt - Date.now()));
  }

  async function flush() {
    if (flushing || blocked || Date.now() < retryAt) { if (!following) flushSoon(); return; }
    flushing = true;
    try {
      await flushQueue();
    } finally {
      flushing = false;
    }
    await showQueue();
    if (!following && (offline || Date.now() < retryAt)) flushSoon();
  }

  async function flushQueue() {
    const keys = await queuedKeys();
    const items = await queued();
    for (let i = 0; i < items.length; i += 1) {
      if (items[i].set !== setCode) continue;
      const body = items[i].body;
      let response;
      try {
        response = await post(body);
        if (response.status === 400 && "played_at" in body && (await fieldOf(response.clone())) === "played_at") {
          // The server refuses times in its future: this computer's clock is ahead.
          log("This computer's clock is ahead of the server's; the server's time is used instead.");
          const { played_at: _, ...rest } = body;
          response = await post(rest);
        }
      } catch {
        return goneOffline("cannot connect");
      }
      if (response.status >= 500) return goneOffline(`the server answered ${response.status}`);
      if (response.status === 429) {
        retryAt = Date.now() + 1000 * (Number(response.headers.get("Retry-After")) || 5);
        say("The server asks to slow down; retrying by itself.");
        return undefined;
      }
      if (response.status === 401 || response.status === 403) {
        blocked = "signed-out";
        say(`You are signed out. Sign in again (reload this page); ${count(items.length - i, "queued track")} kept until then.`);
        return undefined;
      }
      if (response.status === 404 || response.status === 409) {
        blocked = "ended";
        stop(`This set has ended; ${count(items.length - i, "queued track")} could not be delivered. Go live again to follow a new set.`);
        return undefined;
      }
      if (response.status !== 201) {
        const reason = (await response.json().catch(() => ({}))).error?.message || response.status;
        log(`Skipped ${line(body)}: the server refused it (${reason}).`);
      } else {
        log(line(body));
      }
      await tx(db, "queue", "readwrite", (s) => s.delete(keys[i]));
    }
    if (offline) log("Back online — every queued track is sent.");
    failures = 0;
    offline = false;
    return undefined;
  }

  function post(body) {
    return fetch(root.dataset.postUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf },
      body: JSON.stringify(body),
    });
  }

  async function fieldOf(response) {
    return (await response.json().catch(() => ({}))).error?.field;
  }

  async function goneOffline(reason) {
    failures += 1;
    retryAt = Date.now() + Math.min(MAX_RETRY_MS, pollMs * 2 ** (failures - 1));
    offline = true;
    const waiting = (await queued()).filter((item) => item.set === setCode).length;
    // Not following (stopped, or the folder's permission withdrawn): that message stays.
    if (following) say(`Offline — ${count(waiting, "track")} queued (${reason}); retrying by itself.`);
  }

  window.addEventListener("online", () => { retryAt = 0; flushSoon(); });
}
