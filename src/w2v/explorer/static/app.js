// w2v explore: the page. Every word from the model is untrusted text: it is only ever set as
// textContent, a value, or drawn on a canvas; never as markup.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { models: [], neighbors: [], map: null, highlight: new Set() };

async function api(endpoint, params = {}) {
  const query = new URLSearchParams(params).toString();
  const response = await fetch(`/api/${endpoint}${query ? "?" + query : ""}`);
  const body = await response.json();
  if (!response.ok) {
    const error = new Error(body.error || response.statusText);
    error.body = body;
    throw error;
  }
  return body;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

function item(list, text, onClick) {
  const li = document.createElement("li");
  if (onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "link";
    b.textContent = text;
    b.addEventListener("click", onClick);
    li.appendChild(b);
  } else {
    li.textContent = text;
  }
  list.appendChild(li);
  return li;
}

function say(text) {
  $("message").textContent = text;
}

// -- the state lives in the URL's hash: every view has a shareable address, back/forward work --
function go(changes) {
  location.hash = new URLSearchParams(with_(changes)).toString();
}

async function route() {
  const p = new URLSearchParams(location.hash.slice(1));
  if (p.has("w") && p.get("w") !== state.shownWord) {
    state.shownWord = p.get("w");
    await showNeighbors(p.get("w"));
  }
  const question = ["a", "b", "c", "m"].map((k) => p.get(k) || "").join("\u0000");
  if (p.has("a") && question !== state.shownQuestion) {
    state.shownQuestion = question;
    await showAnalogy(p.get("a"), p.get("b") || "", p.get("c") || "", p.get("m") || "3cosadd");
  }
  const axes = ["xp", "xm", "yp", "ym", "an"].map((k) => p.get(k) || "");
  const key = p.get("map") || (p.has("xp") ? axes.join("\u0000") : "");
  if (key && key !== state.mapKey) {
    state.mapKey = key;
    if (p.has("map")) {
      const [n, skip, stop, method] = p.get("map").split(":");
      $("map-n").value = n;
      $("map-skip").value = skip || 0;
      $("map-stop").checked = stop === "1";
      $("map-method").value = method || "pca";
      await showMap({ n, skip: skip || 0, stopwords: stop === "1", method: method || "pca" });
    } else {
      const [x_plus, x_minus, y_plus, y_minus, n] = axes; // each word its own key: words may hold ":"
      const ends = { "x-plus": x_plus, "x-minus": x_minus, "y-plus": y_plus, "y-minus": y_minus };
      for (const [id, v] of Object.entries(ends)) $(id).value = v || "";
      await showMap({ x_plus, x_minus, y_plus, y_minus, n: n || 2000 }, "axes");
    }
  }
}

// The view's address holds the word, the analogy and the map together: every view can be shared.
function with_(changes) {
  const p = new URLSearchParams(location.hash.slice(1));
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) p.delete(k);
    else p.set(k, v);
  }
  return Object.fromEntries(p);
}

// Each panel keeps only the answer to its latest request (an older one arriving late is dropped).
const latest = {};
function ticket(panel) {
  latest[panel] = (latest[panel] || 0) + 1;
  const mine = latest[panel];
  return () => latest[panel] === mine;
}

async function showNeighbors(word) {
  const current = ticket("neighbors");
  $("word").value = word;
  $("neighbors-of").textContent = `of ${word}`;
  clear($("neighbors"));
  say("");
  try {
    const r = await api("neighbors", { word, topn: 20 });
    if (!current()) return;
    state.neighbors = r.neighbors;
    for (const n of r.neighbors) {
      const li = item($("neighbors"), n.word, () => go({ w: n.word }));
      const s = document.createElement("span");
      s.className = "sim";
      s.textContent = n.similarity.toFixed(3);
      li.appendChild(s);
    }
    state.highlight = new Set([word, ...r.neighbors.map((n) => n.word)]);
    draw();
  } catch (e) {
    if (!current()) return;
    state.neighbors = [];
    const hints = (e.body && e.body.suggestions) || [];
    say(e.message + (hints.length ? " Did you mean:" : ""));
    for (const h of hints) item($("neighbors"), h, () => go({ w: h }));
  }
  if (state.models.length === 2) await showCompare(word);
}

async function showCompare(word) {
  const current = ticket("compare");
  $("compare").hidden = false;
  clear($("compare-a"));
  clear($("compare-b"));
  try {
    const r = await api("compare", { word, topn: 10 });
    if (!current()) return;
    $("compare-summary").textContent = `${r.models[0]} and ${r.models[1]} share ${r.shared} of 10 neighbours`;
    r.neighbors[0].forEach((n) => item($("compare-a"), n.word, () => go({ w: n.word })));
    r.neighbors[1].forEach((n) => item($("compare-b"), n.word, () => go({ w: n.word })));
  } catch (e) {
    $("compare-summary").textContent = e.message;
  }
}

async function showChanged() {
  const r = await api("changed", { n: 20 });
  clear($("changed"));
  for (const c of r.words) item($("changed"), `${c.word} (overlap ${c.overlap})`, () => go({ w: c.word }));
}

async function showAnalogy(a, b, c, method) {
  const current = ticket("analogy");
  $("a").value = a;
  $("b").value = b;
  $("c").value = c;
  $("method").value = method;
  clear($("answers"));
  try {
    const r = await api("analogy", { a, b, c, method, topn: 10 });
    if (!current()) return;
    for (const n of r.answers) item($("answers"), `${n.word} ${n.similarity.toFixed(3)}`, () => go({ w: n.word }));
  } catch (e) {
    item($("answers"), e.message);
  }
}

// -- the map: points on a canvas; d3-zoom pans and zooms it, a d3 quadtree finds the point under
// the pointer; labels go where they do not overlap one already drawn --
function toScreen(i) {
  return state.transform.apply([state.bx[i], state.by[i]]);
}

const LABEL_CANDIDATES = 5000; // the most frequent words that may get a label (their widths are kept)

function draw() {
  const canvas = $("map");
  const g = canvas.getContext("2d");
  g.fillStyle = "#fff";
  g.fillRect(0, 0, canvas.width, canvas.height);
  const m = state.map;
  if (!m) return;
  const { k, x: tx, y: ty } = state.transform;
  const { bx, by } = state;
  const W = canvas.width;
  const H = canvas.height;
  g.fillStyle = "rgba(60, 90, 160, 0.5)";
  g.beginPath(); // every point in one path, filled once
  for (let i = 0; i < bx.length; i++) {
    const px = bx[i] * k + tx;
    const py = by[i] * k + ty;
    if (px >= 0 && py >= 0 && px <= W && py <= H) g.rect(px - 1, py - 1, 2, 2);
  }
  g.fill();
  g.font = "11px sans-serif";
  if (!state.widths) state.widths = m.words.slice(0, LABEL_CANDIDATES).map((w) => g.measureText(w).width);
  const taken = new Set();
  const cell = 14;
  let labels = 0;
  const place = (i, force) => {
    const px = bx[i] * k + tx;
    const py = by[i] * k + ty;
    if (px < 0 || py < 0 || px > W || py > H) return;
    const width = i < state.widths.length ? state.widths[i] : g.measureText(m.words[i]).width;
    const w = Math.ceil(width / cell) + 1;
    const gx = Math.floor(px / cell);
    const gy = Math.floor(py / cell);
    if (!force) for (let dx = 0; dx < w; dx++) if (taken.has(gx + dx + gy * 4096)) return;
    for (let dx = 0; dx < w; dx++) taken.add(gx + dx + gy * 4096);
    labels++;
    g.fillStyle = force ? "#c0392b" : "#333";
    if (force) g.fillRect(px - 3, py - 3, 6, 6);
    g.fillText(m.words[i], px + 4, py + 4);
  };
  for (const w of state.highlight) {
    const i = m.index.get(w);
    if (i !== undefined) place(i, true); // the searched word and its neighbours first
  }
  const candidates = Math.min(bx.length, LABEL_CANDIDATES);
  for (let i = 0; i < candidates && labels < 400; i++) place(i, false); // then by frequency
}

async function showMap(params, endpoint = "map") {
  const current = ticket("map");
  say("");
  try {
    const m = await api(endpoint, params);
    if (!current()) return;
    const c = $("map");
    const sx = d3.scaleLinear().domain(d3.extent(m.x)).range([20, c.width - 20]);
    const sy = d3.scaleLinear().domain(d3.extent(m.y)).range([c.height - 20, 20]);
    state.bx = Float64Array.from(m.x, sx);
    state.by = Float64Array.from(m.y, sy);
    m.index = new Map(m.words.map((w, i) => [w, i]));
    state.tree = d3.quadtree(d3.range(m.words.length), (i) => state.bx[i], (i) => state.by[i]);
    state.map = m;
    state.widths = null;
    state.transform = d3.zoomIdentity;
    d3.select(c).call(state.zoom.transform, d3.zoomIdentity);
    c.dataset.points = String(m.words.length);
    draw();
  } catch (e) {
    say(e.message);
  }
}

function nearest(px, py) {
  if (!state.map) return -1;
  const [x, y] = state.transform.invert([px, py]);
  const found = state.tree.find(x, y, 10 / state.transform.k);
  return found === undefined ? -1 : found;
}

function canvasPoint(event) {
  const c = $("map");
  const r = c.getBoundingClientRect();
  return [((event.clientX - r.left) * c.width) / r.width, ((event.clientY - r.top) * c.height) / r.height];
}

// -- exports: the neighbour list as CSV or JSON, the map as PNG or SVG --
function download(name, blob) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function csvField(text) {
  // a word a spreadsheet would read as a formula gets a leading apostrophe
  const safe = /^[=+\-@\t\r]/.test(text) ? "'" + text : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function svgOfMap() {
  const m = state.map;
  const c = $("map");
  const doc = document.implementation.createDocument("http://www.w3.org/2000/svg", "svg", null);
  const svg = doc.documentElement;
  svg.setAttribute("width", c.width);
  svg.setAttribute("height", c.height);
  for (let i = 0; m && i < Math.min(m.words.length, 2000); i++) {
    const [x, y] = toScreen(i);
    const t = doc.createElementNS("http://www.w3.org/2000/svg", "text");
    t.setAttribute("x", x.toFixed(1));
    t.setAttribute("y", y.toFixed(1));
    t.setAttribute("font-size", "10");
    t.textContent = m.words[i];
    svg.appendChild(t);
  }
  return new XMLSerializer().serializeToString(doc);
}

async function start() {
  const info = await api("model");
  state.models = info.models;
  $("models").textContent = info.models.map((m) => `${m.name}: ${m.words} words × ${m.dimensions}`).join("  |  ");
  const card = info.models[0];
  const rows = [["words", card.words], ["dimensions", card.dimensions], ["kind", card.kind]];
  if (card.parameters) for (const [k, v] of Object.entries(card.parameters)) rows.push([k, String(v)]);
  for (const [k, v] of rows) {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = v;
    $("card").append(dt, dd);
  }
  api("evaluate")
    .then((e) => {
      if (!e.analogies) return;
      const dt = document.createElement("dt");
      dt.textContent = "Google analogies";
      const dd = document.createElement("dd");
      dd.textContent = `${(100 * e.analogies.overall).toFixed(1)} %`;
      $("card").append(dt, dd);
      for (const s of e.analogies.sections) {
        const tr = $("sections").insertRow();
        tr.insertCell().textContent = s.section;
        tr.insertCell().textContent = `${s.correct} / ${s.total}`;
      }
    })
    .catch(() => {});
  drawLoss(card.loss_per_epoch || []);
  if (info.models.length === 2) {
    $("compare").hidden = false;
    showChanged().catch((e) => ($("changed").textContent = e.message));
  }

  $("search").addEventListener("submit", (e) => {
    e.preventDefault();
    if ($("word").value) go({ w: $("word").value });
  });
  $("word").addEventListener("input", async () => {
    const prefix = $("word").value;
    if (!prefix) return;
    try {
      const r = await api("suggest", { prefix, limit: 10 });
      clear($("completions"));
      for (const w of r.words) {
        const o = document.createElement("option");
        o.value = w;
        $("completions").appendChild(o);
      }
    } catch (e) {
      /* a prefix too long: no completions */
    }
  });
  $("analogy-form").addEventListener("submit", (e) => {
    e.preventDefault();
    go({ a: $("a").value, b: $("b").value, c: $("c").value, m: $("method").value });
  });
  $("map-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const stop = $("map-stop").checked ? 1 : 0;
    const none = { xp: null, xm: null, yp: null, ym: null, an: null };
    go({ map: `${$("map-n").value}:${$("map-skip").value}:${stop}:${$("map-method").value}`, ...none });
  });
  $("axes-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const [xp, xm, yp, ym] = ["x-plus", "x-minus", "y-plus", "y-minus"].map((id) => $(id).value);
    go({ xp, xm, yp, ym, an: $("map-n").value, map: null });
  });
  const canvas = $("map");
  state.transform = d3.zoomIdentity;
  state.zoom = d3.zoom().scaleExtent([0.2, 500]).on("zoom", (e) => {
    state.transform = e.transform;
    draw();
  });
  d3.select(canvas).call(state.zoom);
  canvas.addEventListener("mousemove", (e) => {
    const i = nearest(...canvasPoint(e));
    $("hover").textContent = i >= 0 ? state.map.words[i] : "";
  });
  canvas.addEventListener("click", (e) => {
    const i = nearest(...canvasPoint(e));
    if (i >= 0) go({ w: state.map.words[i] });
  });
  $("export-csv").addEventListener("click", () => {
    const lines = ["word,similarity", ...state.neighbors.map((n) => `${csvField(n.word)},${n.similarity}`)];
    download("neighbors.csv", new Blob([lines.join("\n") + "\n"], { type: "text/csv" }));
  });
  $("export-json").addEventListener("click", () => {
    download("neighbors.json", new Blob([JSON.stringify(state.neighbors, null, 1)], { type: "application/json" }));
  });
  $("export-png").addEventListener("click", () => canvas.toBlob((b) => download("map.png", b)));
  $("export-svg").addEventListener("click", () => download("map.svg", new Blob([svgOfMap()], { type: "image/svg+xml" })));
  window.addEventListener("hashchange", route);
  await route();
}

function drawLoss(losses) {
  const c = $("loss");
  const g = c.getContext("2d");
  const ok = losses.filter((x) => x !== null);
  if (ok.length < 1) return;
  const lo = Math.min(...ok);
  const hi = Math.max(...ok);
  g.strokeStyle = "#3c5aa0";
  g.beginPath();
  ok.forEach((v, i) => {
    const x = 10 + (i * (c.width - 20)) / Math.max(ok.length - 1, 1);
    const y = c.height - 10 - ((v - lo) / (hi - lo || 1)) * (c.height - 20);
    i ? g.lineTo(x, y) : g.moveTo(x, y);
  });
  g.stroke();
  g.fillStyle = "#333";
  g.fillText(`loss per epoch: ${ok[0].toFixed(3)} → ${ok[ok.length - 1].toFixed(3)}`, 10, 12);
}

document.addEventListener("DOMContentLoaded", () => start().catch((e) => say(e.message)));
