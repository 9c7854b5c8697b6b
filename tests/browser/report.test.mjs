// palermo report in a real browser: a report of each kind of directory (a run of two
// scenarios, a two-parameter grid sweep with a sensitivity.csv, a comparison), made by the
// binary, opened from a file:// URL in headless Chromium. Fails on any console error, page
// error or failed request, on a chart that did not render (an <svg> with no size) and on a
// missing kind of chart; saves screenshots (the top of each page, and the world's
// recruitment chart of the run, which README shows).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openBrowser, screenshotDir, fail } from './browser.mjs';

const bin = process.env.PALERMO_BIN;
if (!bin) fail('PALERMO_BIN is not set (run through tests/browser/run.sh)');
const work = mkdtempSync(join(tmpdir(), 'palermo-report-'));
const palermo = (...args) => execFileSync(bin, [...args, '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
const small = ['--replicates', '3', '--set', 'run.burn_in=52'];

// A run of two scenarios (the baseline and a copy without cooperation), overlaid.
palermo('run', 'scenarios/baseline.toml', 'scenarios/sweeps/cooperation_corruption.toml',
  '--out', join(work, 'run'), ...small, '--report');
palermo('sweep', 'scenarios/sweeps/cooperation_corruption.toml', '--out', join(work, 'sweep'),
  '--weeks', '60', ...small);
copyFileSync('tests/fixtures/report/sensitivity_sobol.csv', join(work, 'sweep', 'sensitivity.csv'));
palermo('report', join(work, 'sweep'));
palermo('compare', 'scenarios/baseline.toml', 'scenarios/sweeps/cooperation_corruption.toml',
  '--weeks', '330', ...small, '--out', join(work, 'compare'), '--report');

const { context, problems } = await openBrowser();
const page = await context.newPage();
const shots = screenshotDir();
const kinds = [
  // [directory, least charts, selectors that must each match at least one element]
  ['run', 6 * 10, ['svg.lines', 'svg.lines polygon.band', 'svg.lines g.policy', 'svg.lines g.shock', 'table.outcomes']],
  ['sweep', 29 * 3, ['svg.heatmap', 'svg.errorbars', 'svg.bars', 'svg.bars line.whisker']],
  ['compare', 1, ['svg.forest', 'svg.forest g.row', 'table.compare']],
];
for (const [kind, least, selectors] of kinds) {
  await page.goto(pathToFileURL(join(work, kind, 'report.html')).href);
  const sizes = await page.$$eval('svg.chart', (all) => all.map((s) => {
    const r = s.getBoundingClientRect();
    return [r.width, r.height];
  }));
  if (sizes.length < least) fail(`${kind}: ${sizes.length} charts, expected at least ${least}`);
  const empty = sizes.filter(([w, h]) => !(w > 0 && h > 0)).length;
  if (empty > 0) fail(`${kind}: ${empty} of ${sizes.length} charts have no size`);
  for (const sel of selectors) {
    const box = await page.$eval(sel, (e) => {
      const r = e.getBoundingClientRect();
      return r.width + r.height;
    }).catch(() => 0);
    if (!(box > 0)) fail(`${kind}: nothing rendered for ${sel}`);
  }
  await page.screenshot({ path: join(shots, `report-${kind}.png`) });
  console.log(`${kind}: ${sizes.length} charts rendered`);
}
// The chart README shows: the world's recruitment over ten years, two scenarios overlaid,
// the baseline's policies and its shock on the time axis.
await page.goto(pathToFileURL(join(work, 'run', 'report.html')).href);
await (await page.$('#world figure:nth-child(2)')).screenshot({ path: join(shots, 'report-chart.png') });
await (await page.$('#countries figure')).screenshot({ path: join(shots, 'report-country.png') });
await page.goto(pathToFileURL(join(work, 'sweep', 'report.html')).href);
await (await page.$('#grid figure')).screenshot({ path: join(shots, 'report-heatmap.png') });
await (await page.$('#sensitivity figure')).screenshot({ path: join(shots, 'report-sensitivity.png') });
await (await page.$('#outcomes figure')).screenshot({ path: join(shots, 'report-errorbars.png') });
await page.goto(pathToFileURL(join(work, 'compare', 'report.html')).href);
await (await page.$('#differences figure')).screenshot({ path: join(shots, 'report-forest.png') });
await context.close();
if (problems.length > 0) fail(`browser problems:\n${problems.join('\n')}`);
console.log('report pages passed');
