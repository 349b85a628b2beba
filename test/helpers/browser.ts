/**
 * A real browser for the report tests: Debian's Chromium driven by playwright-core, headless and
 * without background traffic. Every request the page makes is recorded, and anything that is not
 * the file itself is refused, so a report that reaches for the network fails its test.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH, HEADLESS_CHROMIUM_ARGS } from '../../src/report/headless-browser.js';

export const skipWithoutChromium: false | string = existsSync(CHROMIUM_PATH) ? false : `${CHROMIUM_PATH} is not installed (apt-get install chromium)`;

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught page errors. */
  errors: string[];
  /** Requests to anything but the report file. */
  outside: string[];
  close(): Promise<void>;
}

export async function openInBrowser(file: string, viewport = { width: 1280, height: 900 }): Promise<OpenedPage> {
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...HEADLESS_CHROMIUM_ARGS] });
  try {
    const page = await browser.newPage({ viewport });
    const errors: string[] = [];
    const outside: string[] = [];
    const own = pathToFileURL(file).href;
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.split('#')[0] === own) return route.continue();
      outside.push(url);
      return route.abort();
    });
    await page.goto(own, { waitUntil: 'load' });
    return { page, errors, outside, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
