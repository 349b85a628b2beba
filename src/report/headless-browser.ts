/**
 * How the report is opened in a real browser for its tests and the README screenshot: Debian's
 * Chromium, headless, with everything that would reach the network switched off (the report must
 * open offline, so any request it makes is a bug the caller can watch for). Only the settings live
 * here; the driver (playwright-core) is a development dependency of the tests and scripts.
 */
export const CHROMIUM_PATH = process.env.SWE_SRL_CHROMIUM ?? '/usr/bin/chromium';

export const HEADLESS_CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-sync',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
  '--disable-breakpad',
  '--disable-crash-reporter',
  '--metrics-recording-only',
  '--no-first-run',
  '--no-default-browser-check',
  '--no-pings',
  '--safebrowsing-disable-auto-update',
  '--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater',
  '--disable-gpu',
  '--disable-dev-shm-usage',
];
