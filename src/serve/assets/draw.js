// The pictures of the classroom page that are drawn from what a run streamed: the world
// (countries as origin, transit or destination, their borders, each side's cooperation of
// blocs and pairs as links, bars of each side's transit flow), the table of B − A with its 95 % CIs, and the exports (weekly means as CSV, the charts
// as one PNG). Loaded before app.js, whose `state`, `$` and `COLORS` these read when called.
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

function drawWorld() {
  const svg = $('world');
  const view = state.view;
  if (!view) return;
  const ns = 'http://www.w3.org/2000/svg';
  const el = (name, attrs, text) => {
    const e = document.createElementNS(ns, name);
    Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  svg.textContent = '';
  const columns = [[], [], []];
  view.countries.forEach((c, i) => columns[role(c)].push(i));
  const at = [];
  columns.forEach((ids, col) => ids.forEach((i, k) => {
    at[i] = { x: 90 + col * 230, y: 40 + (k + 0.5) * (240 / Math.max(1, ids.length)) };
  }));
  ['origins', 'transit', 'destinations'].forEach((t, col) => el('text', { x: 90 + col * 230, y: 16, 'text-anchor': 'middle', fill: '#666' }, t));
  const index = new Map(view.countries.map((c, i) => [c.name, i]));
  view.countries.forEach((c, i) => (c.borders || []).forEach((n) => {
    const j = index.get(n);
    if (j > i) el('line', { x1: at[i].x, y1: at[i].y, x2: at[j].x, y2: at[j].y, stroke: '#ccc' });
  }));
  // Cooperation above the default (blocs, pairs) as links whose width follows the level: A's
  // drawn just above the line between two countries, B's just below.
  const coop = { a: cooperation('a'), b: cooperation('b') };
  ['a', 'b'].forEach((side, s) => {
    const { level } = coop[side];
    level.forEach((row, i) => row.forEach((v, j) => {
      if (j <= i || v === null) return;
      const w = Math.max(v, level[j][i] ?? 0);
      // Offset across the line, so that A's and B's links lie side by side.
      const len = Math.hypot(at[j].x - at[i].x, at[j].y - at[i].y) || 1;
      const k = (s === 0 ? -3 : 3) / len;
      const ox = -(at[j].y - at[i].y) * k;
      const oy = (at[j].x - at[i].x) * k;
      el('line', { x1: at[i].x + ox, y1: at[i].y + oy, x2: at[j].x + ox, y2: at[j].y + oy, stroke: COLORS[side], 'stroke-opacity': 0.35, 'stroke-width': 1 + 6 * w });
    }));
  });
  el('text', { x: 320, y: 292, 'text-anchor': 'middle', fill: '#666' },
    `links: cooperation of blocs and pairs (width = level); elsewhere A ${coop.a.base}, B ${coop.b.base}`);
  const flows = state.flows || { a: [], b: [] };
  const top = Math.max(1, ...flows.a, ...flows.b);
  view.countries.forEach((c, i) => {
    const { x, y } = at[i];
    el('circle', { cx: x, cy: y, r: 6, fill: '#888' });
    el('text', { x: x - 10, y: y + 4, 'text-anchor': 'end' }, c.name);
    ['a', 'b'].forEach((side, s) => {
      const v = flows[side][i] || 0;
      if (v > 0) el('rect', { x: x + 10, y: y - 8 + s * 8, width: 90 * v / top, height: 7, fill: COLORS[side] });
    });
  });
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

function exportCsv() {
  if (!state.data || !state.data.length) return;
  const names = [...document.querySelectorAll('.chart')].map((c) => c.dataset.metric);
  const head = ['week', 'side', ...names.flatMap((n) => [`${n}_mean`, `${n}_ci_low`, `${n}_ci_high`])];
  const lines = [head.join(',')];
  state.data[0][0].forEach((week, i) => ['A', 'B'].forEach((side, s) => {
    const cells = state.data.flatMap((d) => [d[1 + 3 * s][i], d[2 + 3 * s][i], d[3 + 3 * s][i]]);
    lines.push([week, side, ...cells.map((x) => (x === null ? '' : x))].join(','));
  }));
  download('palermo-page.csv', 'text/csv', lines.join('\n') + '\n');
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

