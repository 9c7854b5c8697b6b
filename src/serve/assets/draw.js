// The pictures of the classroom page that are drawn from what a run streamed: the world of
// each side (countries as origin, transit or destination, their borders, the side's
// cooperation of blocs and pairs as links, its trafficking flows by route as bands on one
// scale for both sides), the table of B − A with its 95 % CIs, and the exports (the files of
// `palermo run` for either side, the two scenarios as TOML, the charts as one PNG). Loaded before app.js, whose `state`, `$` and `COLORS` these read when called.
'use strict';

// ---- the world picture --------------------------------------------------------------------

function role(c) {
  if (c.network_density > 0) return 0;
  return c.wage >= 0.6 ? 2 : 1;
}

// A side's cooperation between countries, resolved as the model does (world/cooperation.rs):
// the default, then each bloc's level between its members, then each pair (both ways, or
// one way when directed), from the side's current control values and extra overrides.
function cooperation(side) {
  const view = state.view;
  const values = state.values[side];
  const n = view.countries.length;
  const index = new Map(view.countries.map((c, i) => [c.name, i]));
  const base = Number(values['cooperation.default'] ?? view.cooperation_default);
  const level = Array.from({ length: n }, () => Array(n).fill(null));
  const set = (i, j, v) => { if (i !== undefined && j !== undefined && i !== j) level[i][j] = v; };
  for (const b of view.blocs) {
    const v = values[`bloc.${b.name}.cooperation`] ?? b.cooperation;
    if (v === null || v === undefined) continue;
    for (const x of b.members) for (const y of b.members) set(index.get(x), index.get(y), Number(v));
  }
  const pairs = view.pairs.map((p) => [p.a, p.b, values[`pair.${p.a}.${p.b}.cooperation`] ?? p.cooperation, p.directed]);
  for (const text of state.extra[side]) {
    const m = /^pair\.([^.]+)\.([^.]+)\.cooperation=(.+)$/.exec(text);
    if (m) pairs.push([m[1], m[2], Number(m[3]), false]);
  }
  for (const [a, b, v, directed] of pairs) {
    set(index.get(a), index.get(b), Number(v));
    if (!directed) set(index.get(b), index.get(a), Number(v));
  }
  return { base, level };
}

// The legs of a side's routes: persons recruited onto routes so far (mean of replicates),
// summed by the border they cross (origin → transit, transit → destination, or origin →
// destination for a direct route), so that the bands through a country add up.
function legs(side) {
  const out = new Map();
  const add = (i, j, v) => { if (v > 0) out.set(`${i}>${j}`, (out.get(`${i}>${j}`) || 0) + v); };
  for (const r of state.routes || []) {
    const v = r[side];
    if (r.transit === null || r.transit === undefined) add(r.origin, r.destination, v);
    else { add(r.origin, r.transit, v); add(r.transit, r.destination, v); }
  }
  return out;
}

// Where each country stands: origins left, transit countries in the middle, destinations
// right (by the role its parameters give it).
function layout(view) {
  const columns = [[], [], []];
  view.countries.forEach((c, i) => columns[role(c)].push(i));
  const at = [];
  columns.forEach((ids, col) => ids.forEach((i, k) => {
    at[i] = { x: 90 + col * 230, y: 44 + (k + 0.5) * (224 / Math.max(1, ids.length)) };
  }));
  return at;
}

// Both sides' pictures on one scale: the widest leg of either side is BAND_MAX pixels wide.
const BAND_MAX = 18;

function drawWorld() {
  const view = state.view;
  if (!view) return;
  const legsOf = { a: legs('a'), b: legs('b') };
  const top = Math.max(0, ...legsOf.a.values(), ...legsOf.b.values());
  ['a', 'b'].forEach((side) => drawSide(side, view, legsOf[side], top));
}

function drawSide(side, view, sideLegs, top) {
  const svg = $(`world-${side}`);
  const ns = 'http://www.w3.org/2000/svg';
  const el = (name, attrs, text) => {
    const e = document.createElementNS(ns, name);
    Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  svg.textContent = '';
  const at = layout(view);
  el('text', { x: 8, y: 16, fill: COLORS[side], 'font-weight': 'bold' }, `World ${side.toUpperCase()}`);
  ['origins', 'transit', 'destinations'].forEach((t, col) => el('text', { x: 90 + col * 230, y: 16, 'text-anchor': 'middle', fill: '#666' }, t));
  const index = new Map(view.countries.map((c, i) => [c.name, i]));
  view.countries.forEach((c, i) => (c.borders || []).forEach((n) => {
    const j = index.get(n);
    if (j > i) el('line', { x1: at[i].x, y1: at[i].y, x2: at[j].x, y2: at[j].y, stroke: '#e4e4e4' });
  }));
  // Cooperation of blocs and pairs as dashed links whose width follows the level.
  const coop = cooperation(side);
  coop.level.forEach((row, i) => row.forEach((v, j) => {
    if (j <= i || v === null) return;
    const w = Math.max(v, coop.level[j][i] ?? 0);
    el('line', { x1: at[i].x, y1: at[i].y, x2: at[j].x, y2: at[j].y, stroke: '#2a7d3a', 'stroke-opacity': 0.45, 'stroke-dasharray': '5 3', 'stroke-width': 1 + 5 * w, class: 'coop' });
  }));
  // The flows as bands, width ∝ persons on the same scale for A and B. A direct route
  // bends away from the middle column so that it does not run through a transit country.
  for (const [key, persons] of sideLegs) {
    const [i, j] = key.split('>').map(Number);
    const a = at[i];
    const b = at[j];
    const mx = (a.x + b.x) / 2;
    const bend = Math.abs(b.x - a.x) > 300 ? (a.y + b.y) / 2 + (a.y <= 150 ? -30 : 30) : (a.y + b.y) / 2;
    const d = Math.abs(b.x - a.x) > 300
      ? `M${a.x},${a.y} Q${mx},${bend} ${b.x},${b.y}`
      : `M${a.x},${a.y} C${mx},${a.y} ${mx},${b.y} ${b.x},${b.y}`;
    const path = el('path', { d, fill: 'none', stroke: COLORS[side], 'stroke-opacity': 0.5, 'stroke-width': Math.max(1, BAND_MAX * persons / top), class: 'band' });
    path.dataset.from = view.countries[i].name;
    path.dataset.to = view.countries[j].name;
    path.dataset.persons = persons;
    const title = document.createElementNS(ns, 'title');
    title.textContent = `${view.countries[i].name} → ${view.countries[j].name}: ${Math.round(persons)} persons`;
    path.append(title);
  }
  // Each country with the persons routed through it (transit) or from it (origin) so far.
  const through = view.countries.map(() => 0);
  const from = view.countries.map(() => 0);
  for (const r of state.routes || []) {
    from[r.origin] += r[side];
    if (r.transit !== null && r.transit !== undefined) through[r.transit] += r[side];
  }
  view.countries.forEach((c, i) => {
    const { x, y } = at[i];
    el('circle', { cx: x, cy: y, r: 6, fill: '#888' });
    el('text', { x: x - 10, y: y + 4, 'text-anchor': 'end' }, c.name);
    const n = role(c) === 0 ? from[i] : through[i];
    if (state.routes && n > 0) el('text', { x: x + 10, y: y + 4, fill: COLORS[side], class: 'through' }, fmt(Math.round(n)));
  });
  const scale = top > 0 ? `; widest band ${fmt(Math.round(top))} persons` : '';
  el('text', { x: 320, y: 292, 'text-anchor': 'middle', fill: '#666' },
    `bands: persons recruited onto each route so far${scale}; dashed: cooperation above ${coop.base}`);
}

// ---- the B − A table ----------------------------------------------------------------------

const fmt = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '–'
  : Math.abs(x) >= 1000 ? x.toFixed(0) : Number(x.toPrecision(4)).toString());

// The running B − A of each charted column (totals so far), from the last week event.
function showRunning() {
  const body = $('running').querySelector('tbody');
  body.textContent = '';
  (state.running || []).forEach((band, m) => {
    const tr = document.createElement('tr');
    if (band.low > 0) tr.className = 'up';
    if (band.high < 0) tr.className = 'down';
    const ci = Number.isFinite(band.low) ? `[${fmt(band.low)}, ${fmt(band.high)}]` : '–';
    for (const [text, cls] of [[state.charted[m]], [''], [fmt(band.mean), 'd'], [ci]]) {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) td.className = cls;
      tr.append(td);
    }
    body.append(tr);
  });
}

function showDifferences(rows) {
  const body = $('diff').querySelector('tbody');
  body.textContent = '';
  state.rows = rows;
  for (const r of rows) {
    if (r.country && r.a_mean === 0 && r.b_mean === 0) continue;
    const tr = document.createElement('tr');
    if (r.low > 0) tr.className = 'up';
    if (r.high < 0) tr.className = 'down';
    const ci = Number.isFinite(r.low) ? `[${fmt(r.low)}, ${fmt(r.high)}]` : '–';
    for (const [text, cls] of [[r.outcome], [r.country || ''], [fmt(r.a_mean)], [fmt(r.b_mean)],
      [fmt(r.diff), 'd'], [ci], [String(r.n)]]) {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) td.className = cls;
      tr.append(td);
    }
    body.append(tr);
  }
}

function download(name, type, content) {
  const a = document.createElement('a');
  a.href = typeof content === 'string' && content.startsWith('data:') ? content
    : URL.createObjectURL(new Blob([content], { type }));
  a.download = name;
  a.click();
}

// A side's file as `palermo run` writes it (POST /api/export with the page's request), saved
// under the name the server gives it.
async function exportFile(side) {
  const file = $('export-file').value;
  const res = await fetch(`/api/export?side=${side}&file=${encodeURIComponent(file)}`, {
    method: 'POST', body: JSON.stringify(request(Number($('weeks').value) || undefined)),
  });
  if (!res.ok) { setStatus((await res.json()).error, true); return; }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '');
  download(name ? name[1] : file, res.headers.get('content-type'), await res.blob());
  setStatus(`exported ${name ? name[1] : file} of world ${side.toUpperCase()}: ${$(`cmd-${side}`).textContent}`);
}

// The two flow pictures, A above B, as one SVG file (for slides): the pictures' own
// elements, with the page's text style written in.
function exportSvg() {
  const ns = 'http://www.w3.org/2000/svg';
  const out = document.createElementNS(ns, 'svg');
  out.setAttribute('xmlns', ns);
  out.setAttribute('viewBox', '0 0 640 600');
  out.setAttribute('width', '640');
  out.setAttribute('height', '600');
  const style = document.createElementNS(ns, 'style');
  style.textContent = 'text { font: 11px "DejaVu Sans", sans-serif; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; } text.through { font-weight: bold; }';
  const back = document.createElementNS(ns, 'rect');
  Object.entries({ width: 640, height: 600, fill: '#fff' }).forEach(([k, v]) => back.setAttribute(k, v));
  out.append(style, back);
  ['a', 'b'].forEach((side, k) => {
    const g = document.createElementNS(ns, 'g');
    g.setAttribute('transform', `translate(0 ${300 * k})`);
    for (const child of $(`world-${side}`).children) g.append(child.cloneNode(true));
    out.append(g);
  });
  download('palermo-flows.svg', 'image/svg+xml', new XMLSerializer().serializeToString(out));
}

function exportPng() {
  const canvases = [...document.querySelectorAll('.chart canvas')];
  if (!canvases.length) return;
  const out = document.createElement('canvas');
  out.width = canvases[0].width * 2;
  out.height = canvases[0].height * Math.ceil(canvases.length / 2);
  const g = out.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, out.width, out.height);
  canvases.forEach((c, k) => g.drawImage(c, (k % 2) * c.width, Math.floor(k / 2) * c.height));
  download('palermo-charts.png', 'image/png', out.toDataURL('image/png'));
}

