// The browser test of the map page (run by .ci/browser.sh): Debian's Chromium loads /map of a
// running mali-admin with every request to another origin recorded and refused; on 2010 it
// must draw the 9 first-level units, today 20 (moving the date slider); at the cercle level a
// hover shows Bankass's name and codes and a click shows its history, Mopti then Bandiagara,
// with a link to the same question in GraphiQL, which opens it; the attribution is shown and
// a screenshot is saved.
//
// usage: node map.mjs <server base URL> <screenshot path>
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openOfflinePage } from './offline.mjs';

const [base, screenshot] = process.argv.slice(2);
if (!base || !screenshot) {
  console.error('usage: node map.mjs <server base URL> <screenshot path>');
  process.exit(2);
}
const origin = new URL(base).origin;
const failures = [];
const fail = (message) => failures.push(message);

const units = (page, count) =>
  page.waitForFunction((n) => document.getElementById('map')?.dataset.units === String(n), count, {
    timeout: 60_000,
  });

let browser;
let page;
let foreign = [];
try {
  ({ browser, page, foreign } = await openOfflinePage(origin, fail));

  // 2010: map A, 9 first-level units.
  await page.goto(`${base}/map?date=2010-01-01&level=regions`, { waitUntil: 'load' });
  await units(page, 9);
  const drawn2010 = await page.locator('#map path.unit').count();
  if (drawn2010 !== 9) fail(`2010: ${drawn2010} units drawn, expected 9`);
  const attribution = await page.locator('#attribution').textContent();
  if (!attribution?.includes('OCHA')) fail(`attribution not shown: ${attribution}`);

  // Today, by moving the slider to its end: 20.
  await page.locator('#date').evaluate((slider) => {
    slider.value = slider.max;
    slider.dispatchEvent(new Event('input'));
  });
  await units(page, 20);
  console.log(`regions drawn: 2010 ${drawn2010}, today ${await page.locator('#map path.unit').count()}`);

  // Cercles of 2010: hover and click Bankass.
  await page.goto(`${base}/map?date=2010-01-01&level=cercles`, { waitUntil: 'load' });
  await units(page, 49);
  const bankass = page.locator('#map path.unit[data-name="Bankass"]');
  await bankass.hover();
  const tip = await page.locator('#tooltip').textContent();
  if (!tip?.includes('Bankass') || !tip.includes('ML0503')) fail(`hover shows: ${tip}`);
  await bankass.click();
  await page.locator('#regions li').nth(1).waitFor({ timeout: 30_000 });
  const regions = (await page.locator('#regions li').allTextContents()).map((t) => t.split(' ')[0]);
  console.log(`Bankass's regions over time: ${regions.join(', ')}`);
  if (JSON.stringify(regions) !== JSON.stringify(['Mopti', 'Bandiagara'])) {
    fail(`Bankass's regions: ${JSON.stringify(regions)}, expected Mopti then Bandiagara`);
  }
  await page.screenshot({ path: screenshot });

  // The same question in GraphiQL: it opens as the first tab.
  const link = await page.locator('#graphiql-link').getAttribute('href');
  if (!link?.startsWith('/?query=')) fail(`GraphiQL link: ${link}`);
  await page.goto(`${base}${link}`, { waitUntil: 'load' });
  const first = page.locator('.graphiql-tab .graphiql-tab-button').first();
  await first.waitFor({ timeout: 30_000 });
  const title = (await first.textContent())?.trim();
  if (title !== 'History') fail(`GraphiQL's first tab is ${title}, expected History`);
} catch (error) {
  fail(`${error.stack ?? error}`);
  if (page) {
    mkdirSync(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot });
  }
} finally {
  await browser?.close();
}

if (foreign.length > 0) fail(`requests to other origins were attempted:\n  ${foreign.join('\n  ')}`);
if (failures.length > 0) {
  console.error(`map browser test FAILED:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log(`map browser test passed: no request left the server's origin; screenshot: ${screenshot}`);
