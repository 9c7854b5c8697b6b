// The classroom page of `palermo serve`: two worlds A and B of one scenario, each with its
// controls (every one a `--set PATH=VALUE`), run side by side with common random numbers.
// The server streams each week as a server-sent event (POST /api/run, read with fetch);
// the page draws the bands of both sides on the same axes as they come, a picture of the
// trafficking flows by route of each side, and at the end the paired B − A table of
// `palermo compare`.
'use strict';

const $ = (id) => document.getElementById(id);
const COLORS = { a: '#1f6fb2', b: '#d0592a' };
const FILL = { a: 'rgba(31,111,178,0.18)', b: 'rgba(208,89,42,0.18)' };

const state = {
  scenarios: [],
  lessons: [],
  view: null, // the scenario as GET /api/scenario describes it
  values: { a: {}, b: {} }, // control path -> value, per side
  extra: { a: [], b: [] }, // overrides with no control (a lesson's new pair, say)
  lookAt: ['transit_flow'],
  charts: [],
  data: null, // per charted metric: [weeks, aMean, aLow, aHigh, bMean, bLow, bHigh]
  routes: null, // the last week's routes: persons recruited so far per route, A and B means
  weeksShown: 0,
  controller: null,
  rows: [],
  charted: [],
  running: null, // the last week's B − A so far, per charted column
};

function setStatus(text, isError) {
  const s = $('status');
  s.textContent = text;
  s.className = isError ? 'error' : '';
}

async function getJson(url) {
  const res = await fetch(url);
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || res.statusText);
  return body;
}

// ---- the controls of one side -------------------------------------------------------------

function sameValue(x, y) {
  if (Array.isArray(x) || Array.isArray(y)) {
    return JSON.stringify([...(x || [])].sort()) === JSON.stringify([...(y || [])].sort());
  }
  if (x === null || y === null || x === undefined || y === undefined) return x === y;
  return Number(x) === Number(y);
}

function overrides(side) {
  const out = [];
  for (const c of state.view.controls) {
    const v = state.values[side][c.path];
    if (v === undefined || v === null || sameValue(v, c.value)) continue;
    out.push(`${c.path}=${Array.isArray(v) ? v.join(',') : v}`);
  }
  return out.concat(state.extra[side]);
}

function numberControl(side, c, box) {
  const row = document.createElement('div');
  row.className = 'row';
  const range = document.createElement('input');
  range.type = 'range';
  range.min = c.min;
  range.max = c.max;
  range.step = c.max - c.min > 1 ? 'any' : (c.max - c.min) / 1000;
  const text = document.createElement('input');
  text.type = 'number';
  text.className = 'value';
  text.step = 'any';
  text.min = c.min;
  text.max = c.max;
  const show = () => {
    const v = state.values[side][c.path];
    range.value = v ?? c.min;
    text.value = v ?? '';
    box.classList.toggle('changed', v !== null && v !== undefined && !sameValue(v, c.value));
  };
  const set = (v) => { state.values[side][c.path] = v === '' ? null : Number(v); show(); changed(); };
  range.addEventListener('input', () => set(range.value));
  text.addEventListener('change', () => set(text.value));
  box.show = show;
  row.append(range, text);
  box.append(row);
}

function offencesControl(side, c, box) {
  const row = document.createElement('div');
  row.className = 'offences';
  const boxes = state.view.offences.map((name) => {
    const label = document.createElement('label');
    const check = document.createElement('input');
    check.type = 'checkbox';
    check.value = name;
    check.addEventListener('change', () => {
      state.values[side][c.path] = boxes.filter((b) => b.checked).map((b) => b.value);
      box.show();
      changed();
    });
    label.append(check, ' ' + name);
    row.append(label);
    return check;
  });
  const all = document.createElement('button');
  all.textContent = 'harmonize to the full Palermo set';
  all.addEventListener('click', () => {
    state.values[side][c.path] = [...state.view.offences];
    box.show();
    changed();
  });
  box.show = () => {
    const v = state.values[side][c.path] || [];
    boxes.forEach((b) => { b.checked = v.includes(b.value); });
    box.classList.toggle('changed', state.values[side][c.path] != null && !sameValue(v, c.value));
  };
  box.append(row, all);
}

function buildControls(side) {
  const root = $(`controls-${side}`);
  root.textContent = '';
  const groups = new Map();
  for (const c of state.view.controls) {
    if (!groups.has(c.group)) {
      const d = document.createElement('details');
      const s = document.createElement('summary');
      s.textContent = c.group === 'all' ? 'every country (all.)' : c.group;
      d.append(s);
      d.dataset.group = c.group;
      d.open = c.group === 'cooperation' || c.group === 'all';
      groups.set(c.group, d);
      root.append(d);
    }
    const box = document.createElement('div');
    box.className = 'control';
    box.dataset.path = c.path;
    const path = document.createElement('div');
    path.className = 'path';
    path.textContent = c.path;
    path.title = `${c.meaning} (${c.unit})`;
    box.append(path);
    if (c.kind === 'offences') offencesControl(side, c, box); else numberControl(side, c, box);
    groups.get(c.group).append(box);
    box.show();
  }
  const extra = document.createElement('div');
  extra.className = 'cmd';
  extra.id = `extra-${side}`;
  root.append(extra);
}

function showControls() {
  for (const side of ['a', 'b']) {
    document.querySelectorAll(`#controls-${side} .control`).forEach((box) => box.show());
    $(`extra-${side}`).textContent = state.extra[side].length
      ? 'also: ' + state.extra[side].map((o) => `--set ${o}`).join(' ') : '';
  }
}

function changed() {
  const note = (side) => overrides(side).map((o) => `--set ${o}`).join(' ');
  const path = state.view ? state.view.path : '';
  $('cmd-a').textContent = `palermo run ${path} ${note('a')}`;
  $('cmd-b').textContent = `palermo run ${path} ${note('b')}`;
  drawWorld();
}

function resetValues() {
  for (const side of ['a', 'b']) {
    state.values[side] = {};
    for (const c of state.view.controls) state.values[side][c.path] = c.value;
    state.extra[side] = [];
  }
}

// Applies "PATH=VALUE" texts (a lesson's) to a side: a control's value, or an extra override.
function applyOverrides(side, texts) {
  for (const text of texts) {
    const i = text.indexOf('=');
    const path = text.slice(0, i).trim();
    const value = text.slice(i + 1).trim();
    const c = state.view.controls.find((x) => x.path === path);
    if (!c) { state.extra[side].push(text); continue; }
    state.values[side][path] = c.kind === 'offences'
      ? value.split(',').map((s) => s.trim()).filter((s) => s) : Number(value);
  }
}

// ---- charts -------------------------------------------------------------------------------

function buildCharts(charted) {
  state.charts.forEach((u) => u.destroy());
  state.charts = [];
  $('charts').textContent = '';
  state.data = charted.map(() => [[], [], [], [], [], [], []]);
  charted.forEach((name, m) => {
    const box = document.createElement('div');
    box.className = 'chart';
    box.dataset.metric = name;
    const title = document.createElement('div');
    title.className = 'title';
    title.textContent = name;
    box.append(title);
    $('charts').append(box);
    const line = (side, label) => ({ label, stroke: COLORS[side], width: 2 });
    const edge = (side, label) => ({ label, stroke: COLORS[side], width: 0, points: { show: false } });
    const opts = {
      width: Math.max(300, box.clientWidth - 8),
      height: 170,
      scales: { x: { time: false } },
      axes: [{ label: 'week' }, { size: 60 }],
      series: [{ label: 'week' }, line('a', 'A'), edge('a', 'A low'), edge('a', 'A high'),
        line('b', 'B'), edge('b', 'B low'), edge('b', 'B high')],
      bands: [{ series: [3, 2], fill: FILL.a }, { series: [6, 5], fill: FILL.b }],
      legend: { show: false },
    };
    state.charts.push(new uPlot(opts, state.data[m], box));
  });
}

let drawPending = false;
function redraw() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    state.charts.forEach((u, m) => u.setData(state.data[m]));
    drawWorld();
    showRunning();
  });
}

function addWeek(w) {
  state.data.forEach((d, m) => {
    d[0].push(w.week);
    for (const [k, side] of [[1, w.a], [4, w.b]]) {
      const band = side.charted[m];
      d[k].push(band.mean);
      d[k + 1].push(band.low);
      d[k + 2].push(band.high);
    }
  });
  state.routes = w.routes;
  state.weeksShown = w.week + 1;
  state.running = w.running;
}

// ---- running ------------------------------------------------------------------------------

function request(weeks) {
  return {
    scenario: $('scenario').value,
    replicates: Number($('replicates').value),
    seed: $('seed').value === '' ? undefined : Number($('seed').value),
    weeks,
    a: overrides('a'),
    b: overrides('b'),
    look_at: state.lookAt,
  };
}

async function setup() {
  const body = await postJson('/api/check', request(Number($('weeks').value) || undefined));
  if (body) setStatus(`ready: ${state.view.countries.length} countries; A and B differ in ${diffCount()} settings`);
}

function diffCount() {
  const a = new Set(overrides('a'));
  const b = new Set(overrides('b'));
  return [...a].filter((x) => !b.has(x)).length + [...b].filter((x) => !a.has(x)).length;
}

async function postJson(url, body) {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) { setStatus(json.error, true); return null; }
  return json;
}

async function run(weeks) {
  if (state.controller) return;
  const started = performance.now();
  state.controller = new AbortController();
  $('stop').disabled = false;
  setStatus('building the worlds (burn-in)…');
  try {
    const res = await fetch('/api/run', {
      method: 'POST', body: JSON.stringify(request(weeks)), signal: state.controller.signal,
    });
    if (!res.ok) { setStatus((await res.json()).error, true); return; }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let total = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let kind = 'message';
        let data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) kind = line.slice(6).trim();
          else if (line.startsWith('data:')) data += line.slice(5).trim();
        }
        if (!data) continue;
        const event = JSON.parse(data);
        if (kind === 'start') {
          total = event.weeks;
          buildCharts(event.charted);
          state.charted = event.charted;
          state.running = null;
          state.routes = null;
          $('cmd-a').textContent = event.command_a;
          $('cmd-b').textContent = event.command_b;
          showDifferences([]);
        } else if (kind === 'week') {
          addWeek(event);
          setStatus(`running week ${event.week + 1} of ${total}`);
          redraw();
        } else if (kind === 'done') {
          showDifferences(event.differences);
          const s = ((performance.now() - started) / 1000).toFixed(1);
          setStatus(`done: ${total} weeks, ${event.seeds.length} replicates of A and of B (same seeds) in ${s} s`);
        } else if (kind === 'error') {
          setStatus(event, true);
        }
      }
    }
  } catch (e) {
    if (e.name === 'AbortError') setStatus(`stopped at week ${state.weeksShown}`);
    else setStatus(String(e), true);
  } finally {
    state.controller = null;
    $('stop').disabled = true;
    redraw();
  }
}

// ---- scenario, lessons, buttons -----------------------------------------------------------

async function loadScenario(name) {
  state.view = await getJson(`/api/scenario?name=${encodeURIComponent(name)}`);
  $('scenario').value = name;
  $('weeks').value = state.view.weeks;
  $('seed').value = state.view.seed;
  resetValues();
  buildControls('a');
  buildControls('b');
  showControls();
  changed();
  state.routes = null;
  state.weeksShown = 0;
  drawWorld();
}

async function pickLesson(id) {
  const lesson = state.lessons.find((l) => l.id === id);
  $('lesson-box').hidden = !lesson;
  if (!lesson) { state.lookAt = ['transit_flow']; return; }
  await loadScenario(lesson.scenario);
  applyOverrides('a', lesson.a);
  applyOverrides('b', lesson.b);
  state.lookAt = ['transit_flow', ...lesson.look_at.filter((m) => m !== 'transit_flow')];
  showControls();
  changed();
  $('lesson-title').textContent = lesson.title;
  $('lesson-question').textContent = lesson.question;
  $('lesson-look').textContent = lesson.look_at.join(', ');
  setStatus(`lesson "${lesson.title}": press Run`);
}

async function start() {
  try {
    const list = await getJson('/api/scenarios');
    state.scenarios = list.scenarios;
    $('replicates').max = list.max_replicates;
    for (const s of list.scenarios) $('scenario').append(new Option(s.name, s.name));
    state.lessons = (await getJson('/api/lessons')).lessons;
    for (const l of state.lessons) $('lesson').append(new Option(l.title, l.id));
    await loadScenario(list.default);
    setStatus('ready: pick a lesson, or move a control of world B, then press Run');
  } catch (e) {
    setStatus(String(e.message || e), true);
  }
  $('scenario').addEventListener('change', () => { $('lesson').value = ''; $('lesson-box').hidden = true; loadScenario($('scenario').value).catch((e) => setStatus(e.message, true)); });
  $('lesson').addEventListener('change', () => pickLesson($('lesson').value).catch((e) => setStatus(e.message, true)));
  $('setup').addEventListener('click', () => setup());
  $('run').addEventListener('click', () => run(Number($('weeks').value) || undefined));
  $('step').addEventListener('click', () => run(Math.min(state.weeksShown + 52, state.view.weeks)));
  $('stop').addEventListener('click', () => state.controller && state.controller.abort());
  $('reset').addEventListener('click', () => {
    if (state.view) loadScenario(state.view.name);
    buildCharts([]);
    state.running = null;
    showRunning();
    showDifferences([]);
    setStatus('reset to the scenario');
  });
  $('export-a').addEventListener('click', () => exportFile('a').catch((e) => setStatus(String(e), true)));
  $('export-b').addEventListener('click', () => exportFile('b').catch((e) => setStatus(String(e), true)));
  $('export-png').addEventListener('click', exportPng);
  $('export-svg').addEventListener('click', exportSvg);
}

start();
