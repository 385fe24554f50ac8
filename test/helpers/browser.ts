import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Headless Chromium for the console's browser tests: Debian's `chromium`
 * package (`.ci/run` installs it), driven by playwright-core, which never
 * downloads a browser. `CHROMIUM_PATH` points elsewhere (a Mac's Chromium).
 */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Chromium's flags: headless, no sandbox (CI containers run as root), and
 * loopback only: every host name but 127.0.0.1 and localhost resolves to
 * nothing, and background networking is off, so a test can reach only the
 * stack it started and a page that asked for a CDN would fail, not fetch.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-dev-shm-usage',
  '--disable-extensions',
  '--no-first-run',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

/**
 * Why the browser tests cannot run here, or `undefined` when they can. On a
 * machine without Chromium they are skipped with this message; in CI
 * (`CI` set) they never are: `.ci/run` installs Chromium, so a missing one
 * must fail the run, not hide it.
 *
 * @example
 * describe.skipIf(browserSkipReason() !== undefined)('the console', () => { ... });
 */
const browserSkipReason = (): string | undefined => {
  if (existsSync(CHROMIUM_PATH) || process.env.CI) return undefined;
  return `no Chromium at ${CHROMIUM_PATH}: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH`;
};

/** A page with what it did that a test must see: dialogs (dismissed), script errors, console errors. */
interface WatchedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly dialogs: string[];
  readonly errors: string[];
}

/**
 * Starts headless Chromium, bounded: launching takes at most 20 s and the
 * caller closes it in `afterAll`.
 *
 * @example
 * const browser = await launchBrowser();
 * afterAll(() => browser.close());
 */
const launchBrowser = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, timeout: 20_000 });

/**
 * Opens a fresh context (its own sessionStorage) and page, 1280x800, with
 * short action timeouts, recording every dialog (and dismissing it: an
 * `alert` that fires is a test failure, not a hang), uncaught script error
 * and console error but a 4xx answer (a CSP violation shows there).
 *
 * @example
 * const { page, dialogs } = await watchedPage(browser);
 */
const watchedPage = async (browser: Browser): Promise<WatchedPage> => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // An answered 4xx is logged as "Failed to load resource": the console shows those answers on purpose.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      errors.push(message.text());
  });
  return { page, context, dialogs, errors };
};

export { browserSkipReason, launchBrowser, watchedPage, CHROMIUM_PATH };
export type { WatchedPage };
