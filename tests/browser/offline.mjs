// What both browser tests share: Debian's Chromium, kept from calling home, and a page on which
// every request to another origin than the server's is recorded and refused, and every console
// or page error is a failure.
import { chromium } from 'playwright-core';

/// Opens a page on `origin`; `fail` receives each console or page error. Returns the browser
/// (to close), the page, and the list of foreign requests it attempted.
export async function openOfflinePage(origin, fail) {
  const foreign = [];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    chromiumSandbox: false,
    // Playwright gives each launch a fresh, temporary user-data-dir. These switches keep
    // Chromium from calling home (updates, sync, field trials), which a closed network would
    // refuse.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      // No name resolves but the loopback: a stray request fails fast instead of hanging.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    const requestOrigin = url.startsWith('data:') ? origin : new URL(url).origin;
    if (requestOrigin === origin) return route.continue();
    foreign.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    // A Content-Security-Policy violation or a failed load shows up here.
    if (message.type() === 'error') fail(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => fail(`page error: ${error.message}`));
  return { browser, page, foreign };
}
