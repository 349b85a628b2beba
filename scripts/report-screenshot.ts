/**
 * Makes docs/report.png, the README's picture of the run report: opens a run's report.html in
 * Debian's Chromium (headless, offline, as the browser test does) and saves the top of the
 * overview. Run the main job first (`npm start`), then:
 *
 *   npx tsx scripts/report-screenshot.ts [runs/default/report/report.html] [docs/report.png]
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, HEADLESS_CHROMIUM_ARGS } from '../src/report/headless-browser.js';

const report = resolve(process.argv[2] ?? 'runs/default/report/report.html');
const output = resolve(process.argv[3] ?? 'docs/report.png');
if (!existsSync(report)) {
  console.error(`report-screenshot: ${report} does not exist; run the main job first (npm start)`);
  process.exit(1);
}

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...HEADLESS_CHROMIUM_ARGS] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
  await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
  if (errors.length > 0) throw new Error(`the report logged errors: ${errors.join('; ')}`);
  // The page's full height, measured in the browser (this file is not type-checked against the DOM).
  const height = (await page.evaluate('document.documentElement.scrollHeight')) as number;
  await mkdir(dirname(output), { recursive: true });
  await page.screenshot({ path: output, clip: { x: 0, y: 0, width: 1280, height: Math.min(height, 2400) } });
  console.log(`wrote ${output} (1280 × ${Math.min(height, 2400)}) from ${report}`);
} finally {
  await browser.close();
}
