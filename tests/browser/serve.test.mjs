// The classroom page in a real browser: start `palermo serve --port 0`, load the page with no
// network beyond loopback, pick the lesson "a crackdown in one transit country", make world B
// differ once more with a control (Caldera's labour inspection), run three replicates, and
// check that both sides' charts fill in, that B differs from A where the lesson says (less
// transit through Caldera, more through its neighbours), that the picture's bands show the
// same displacement (thinner into Caldera, wider into Dravia and Estmark on side B), that
// the B − A table came, that the exports download the bytes `palermo run` writes with the
// command line the page shows (and a scenario file that runs the same), and that no console
// error or failed request occurred. Saves
// target/screenshots/serve.png.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { openBrowser, screenshotDir, fail } from './browser.mjs';

const bin = process.env.PALERMO_BIN;
if (!bin) fail('PALERMO_BIN is not set');

const server = spawn(bin, ['serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
const stderr = [];
server.stderr.on('data', (d) => stderr.push(String(d)));
const url = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: server.stdout });
  lines.once('line', resolve);
  server.once('exit', (code) => reject(new Error(`palermo serve exited (${code}): ${stderr.join('')}`)));
  setTimeout(() => reject(new Error('no address within 20 s')), 20000);
}).catch((e) => fail(e.message));
if (!/^http:\/\/127\.0\.0\.1:\d+\/$/.test(url)) fail(`first line is not the address: ${url}`);

const { context, problems } = await openBrowser();
try {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.querySelectorAll('#lesson option').length > 1);
  await page.selectOption('#lesson', 'crackdown-alone');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('lesson'));
  // One more difference on side B, moved as a teacher would.
  const box = page.locator('#controls-b .control[data-path="country.Caldera.enforcement.labour_inspection"]');
  await page.click('#controls-b details[data-group="Caldera"] summary');
  await box.locator('input.value').fill('0.6');
  await box.locator('input.value').dispatchEvent('change');
  const command = await page.textContent('#cmd-b');
  if (!command.includes('--set country.Caldera.enforcement.labour_inspection=0.6')) fail(`side B's command line: ${command}`);
  if (!command.includes('--set country.Caldera.corruption=0.1')) fail(`the lesson's overrides are not on side B: ${command}`);

  await page.fill('#replicates', '3');
  await page.click('#run');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('done'),
    null, { timeout: 240000 });

  const result = await page.evaluate(() => {
    const rows = [...document.querySelectorAll('#diff tbody tr')].map((tr) =>
      [...tr.children].map((td) => td.textContent));
    const charts = document.querySelectorAll('.chart canvas').length;
    const running = document.querySelectorAll('#running tbody tr').length;
    return { rows, charts, running, status: document.getElementById('status').textContent };
  });
  // The page's own data (its top-level `state`): what the charts were drawn from.
  const series = await page.evaluate(() => {
    const d = state.data[0]; // exploited: weeks, A mean, low, high, B mean, low, high
    return {
      weeks: d[0].length,
      aPoints: d[1].filter((x) => x > 0).length,
      bPoints: d[4].filter((x) => x > 0).length,
      differs: d[1].some((x, i) => x !== d[4][i]),
    };
  });
  if (result.charts < 6) fail(`expected 6 charts, found ${result.charts}`);
  if (result.running !== 6) fail(`the running B − A table has ${result.running} rows, not 6`);
  if (!series || series.weeks < 260) fail(`the charts hold ${series && series.weeks} weeks, not 260`);
  if (!(series.aPoints > 0 && series.bPoints > 0)) fail('a side drew no points');
  if (!series.differs) fail('world B is drawn the same as world A');
  const flow = (country) => result.rows.find((r) => r[0] === 'transit_flow' && r[1] === country);
  const caldera = flow('Caldera');
  if (!caldera) fail(`no transit_flow row for Caldera: ${JSON.stringify(result.rows)}`);
  if (!(Number(caldera[4]) < 0)) fail(`transit through Caldera did not fall: ${caldera}`);
  const neighbours = ['Dravia', 'Estmark'].map(flow);
  if (!neighbours.every((r) => r && Number(r[4]) > 0)) fail(`no displacement to the neighbours: ${JSON.stringify(neighbours)}`);
  if (!result.rows.some((r) => r[0] === 'prevalence_mean')) fail('no prevalence_mean row');

  // The picture: per side, the persons on the bands that cross into a transit country.
  const into = await page.evaluate(() => {
    const sum = (side, to) => [...document.querySelectorAll(`#world-${side} path.band`)]
      .filter((p) => p.dataset.to === to).reduce((t, p) => t + Number(p.dataset.persons), 0);
    const of = (side) => ({ Caldera: sum(side, 'Caldera'), Dravia: sum(side, 'Dravia'), Estmark: sum(side, 'Estmark') });
    return { a: of('a'), b: of('b'), bands: document.querySelectorAll('path.band').length };
  });
  if (into.bands < 4) fail(`the picture has ${into.bands} bands`);
  if (!(into.b.Caldera < into.a.Caldera)) fail(`the bands into Caldera are not thinner on side B: ${JSON.stringify(into)}`);
  const around = (side) => into[side].Dravia + into[side].Estmark;
  if (!(around('b') > around('a'))) fail(`the bands into Dravia and Estmark are not wider on side B: ${JSON.stringify(into)}`);

  // The picture for the README, before the exports change the status line.
  await page.screenshot({ path: join(screenshotDir(), 'serve.png'), fullPage: true });

  // The exports: side B's summary.csv and routes.csv are the files of its command line.
  const line = (await page.textContent('#cmd-b')).trim().split(/\s+/);
  if (line[0] !== 'palermo' || line[1] !== 'run') fail(`not a command line: ${line.join(' ')}`);
  const out = join(mkdtempSync(join(tmpdir(), 'palermo-export-')), 'run');
  const ran = spawnSync(bin, [...line.slice(1), '--out', out, '--quiet'], { encoding: 'utf8' });
  if (ran.status !== 0) fail(`${line.join(' ')}: ${ran.stderr}`);
  for (const file of ['summary.csv', 'routes.csv']) {
    await page.selectOption('#export-file', file);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-b')]);
    const got = readFileSync(await download.path());
    if (!got.equals(readFileSync(join(out, file)))) fail(`the exported ${file} is not the file of ${line.join(' ')}`);
    if (download.suggestedFilename() !== `palermo-b-${file}`) fail(`download named ${download.suggestedFilename()}`);
  }
  // The flow pictures as one SVG file, with the bands of both sides.
  const [svg] = await Promise.all([page.waitForEvent('download'), page.click('#export-svg')]);
  const svgText = readFileSync(await svg.path(), 'utf8');
  const bands = svgText.split('<path').slice(1).filter((p) => p.includes('class="band"'));
  const bandsIn = (color) => bands.filter((p) => p.includes(`stroke="${color}"`)).length;
  if (!svgText.startsWith('<svg') || !(bandsIn('#1f6fb2') >= 4 && bandsIn('#d0592a') >= 4)) {
    fail(`the SVG export lacks the bands of A or B (${bandsIn('#1f6fb2')}, ${bandsIn('#d0592a')})`);
  }

  // Side B as a scenario file: saved under the scenario's name, `palermo run` of it writes
  // the weeks of side B's command line.
  await page.selectOption('#export-file', 'scenario.toml');
  const [toml] = await Promise.all([page.waitForEvent('download'), page.click('#export-b')]);
  if (toml.suggestedFilename() !== 'crackdown-b.toml') fail(`scenario download named ${toml.suggestedFilename()}`);
  const copy = join(mkdtempSync(join(tmpdir(), 'palermo-toml-')), 'crackdown.toml');
  await toml.saveAs(copy);
  const fromFile = join(copy, '..', 'run');
  const again = spawnSync(bin, ['run', copy, '--out', fromFile, '--quiet'], { encoding: 'utf8' });
  if (again.status !== 0) fail(`palermo run of the exported scenario: ${again.stderr}`);
  if (!readFileSync(join(fromFile, 'timeseries.csv')).equals(readFileSync(join(out, 'timeseries.csv')))) {
    fail('the exported scenario does not run as side B\'s command line');
  }

  if (problems.length) fail(problems.join('\n'));
  console.log(`serve: ${result.status}; Caldera ${caldera[4]}, Dravia ${neighbours[0][4]}, Estmark ${neighbours[1][4]}; into Caldera A ${into.a.Caldera.toFixed(0)} B ${into.b.Caldera.toFixed(0)}, into Dravia and Estmark A ${around('a').toFixed(0)} B ${around('b').toFixed(0)}`);
} finally {
  await context.close();
  server.kill();
}
