// The browser test of GraphiQL (run by .ci/browser.sh): Debian's Chromium loads the page of a
// running mali-admin, every request to another origin is recorded and refused, the example tabs
// must be there, the first (the full tree) runs through the run button and the response pane
// must show the expected figures; a screenshot is saved.
//
// usage: node graphiql.mjs <server base URL> <screenshot path>
import { readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openOfflinePage } from './offline.mjs';

const [base, screenshot] = process.argv.slice(2);
if (!base || !screenshot) {
  console.error('usage: node graphiql.mjs <server base URL> <screenshot path>');
  process.exit(2);
}
const origin = new URL(base).origin;
const examplesDir = join(dirname(fileURLToPath(import.meta.url)), '../../graphiql/examples');

// The operation names of the examples, in the order the page opens them as tabs.
const expectedTabs = readdirSync(examplesDir)
  .filter((file) => file.endsWith('.graphql'))
  .sort()
  .map((file) => readFileSync(join(examplesDir, file), 'utf8').match(/^query (\w+)/m)[1]);

const failures = [];
const fail = (message) => failures.push(message);

let browser;
let page;
let foreign = [];
try {
  ({ browser, page, foreign } = await openOfflinePage(origin, fail));

  await page.goto(`${base}/`, { waitUntil: 'load' });

  // The example tabs, titled by their operation names.
  const tabs = page.locator('.graphiql-tab');
  await tabs.nth(expectedTabs.length - 1).waitFor({ timeout: 30_000 });
  const titles = (await tabs.locator('.graphiql-tab-button').allTextContents()).map((text) => text.trim());
  if (JSON.stringify(titles) !== JSON.stringify(expectedTabs)) {
    fail(`tabs: expected ${JSON.stringify(expectedTabs)}, found ${JSON.stringify(titles)}`);
  }

  // The Examples pane (sidebar) lists every example; choosing one goes to its tab.
  await page.getByRole('button', { name: 'Show Examples' }).click();
  const entries = page.locator('.mali-examples li button');
  const entryCount = await entries.count();
  if (entryCount !== expectedTabs.length) {
    fail(`Examples pane: ${entryCount} entries, expected ${expectedTabs.length}`);
  }
  await entries.nth(3).click({ timeout: 10_000 });
  const activeAfterPick = (await page.locator('.graphiql-tab-active .graphiql-tab-button').textContent())?.trim();
  if (activeAfterPick !== expectedTabs[3]) {
    fail(`Examples pane: picking the 4th example showed tab ${activeAfterPick}`);
  }

  // An example whose tab was closed opens again in a new tab.
  await page.locator('.graphiql-tab-active .graphiql-tab-close').click();
  await tabs.nth(expectedTabs.length - 2).waitFor({ state: 'visible' });
  if ((await tabs.count()) !== expectedTabs.length - 1) fail('closing a tab did not close it');
  await entries.nth(3).click({ timeout: 10_000 });
  await page
    .locator('.graphiql-tab-active .graphiql-tab-button', { hasText: expectedTabs[3] })
    .waitFor({ timeout: 10_000 });
  if ((await tabs.count()) !== expectedTabs.length) fail('the closed example did not reopen');

  // Run the full tree from its tab with the run button.
  await tabs.nth(0).locator('button').first().click();
  // GraphiQL reads the operation name off the query editor 100 ms (debounced) after its text
  // changes; a run before that would send the previous tab's name.
  await page.waitForFunction(
    (name) => document.querySelector('.graphiql-query-editor .CodeMirror')?.CodeMirror?.operationName === name,
    expectedTabs[0],
    { timeout: 10_000 },
  );
  const answer = page.waitForResponse(
    (response) => response.url() === `${origin}/graphql` && response.request().method() === 'POST',
  );
  await page.locator('.graphiql-execute-button').click();
  const response = await answer;
  if (response.status() !== 200) fail(`POST /graphql answered ${response.status()}`);

  // The response pane shows the top of the answer (Bamako District and its 2009 census
  // comes first); its editor holds all of it.
  const pane = page.locator('.graphiql-response .CodeMirror');
  await pane.getByText('"Bamako"').first().waitFor({ timeout: 30_000 });
  await pane.getByText('1810366').first().waitFor({ timeout: 5_000 });
  const shown = await pane.evaluate((element) => element.CodeMirror.getValue());
  const data = JSON.parse(shown).data;
  const regions = data?.regions ?? [];
  const bankass = regions
    .find((region) => region.name === 'Mopti')
    ?.cercles.find((cercle) => cercle.name === 'Bankass');
  const communes = regions.reduce((sum, region) => sum + region.communes.length, 0);
  console.log(
    `response pane: ${regions.length} regions, ${communes} communes, Bankass 2009: ${bankass?.population}`,
  );
  if (regions.length !== 9) fail(`response pane: ${regions.length} regions, expected 9`);
  if (communes !== 703) fail(`response pane: ${communes} communes, expected 703`);
  if (bankass?.population !== 264776) {
    fail(`response pane: Bankass 2009 is ${bankass?.population}, expected 264776`);
  }

} catch (error) {
  fail(`${error.stack ?? error}`);
} finally {
  // Also after a failure: the picture shows what went wrong.
  if (page) {
    mkdirSync(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot });
    console.log(`screenshot: ${screenshot}`);
  }
  await browser?.close();
}

if (foreign.length > 0) {
  fail(`requests to other origins were attempted:\n  ${foreign.join('\n  ')}`);
}
if (failures.length > 0) {
  console.error(`GraphiQL browser test FAILED:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('GraphiQL browser test passed: no request left the server\'s origin');
