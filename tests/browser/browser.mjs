// What every browser test of palermo shares: Debian's Chromium, started headless by
// playwright-core with no network beyond loopback, and a page that fails the test on any
// console error, uncaught exception or failed request (see ../../../shared/notes/browser.md
// for the flags: without the background-networking ones Chromium keeps calling out).
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/// Opens a browser; `problems` collects every console error, page error and failed request.
export async function openBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'palermo-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
  const problems = [];
  const watch = (page) => {
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  };
  context.on('page', watch);
  return { context, problems, watch };
}

/// Where screenshots go: $SCREENSHOTS or target/screenshots under the repository.
export function screenshotDir() {
  const dir = process.env.SCREENSHOTS || join(process.cwd(), 'target', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/// Fails the test (exit status 1) with a message.
export function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}
