// Episodes in the page: an eligible patient graduates from the census (through the
// episode's checklist), another is discharged from their chart; a refused discharge
// keeps what was chosen and typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, assertAccessible, signIn } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('an eligible patient graduates from the census and another is discharged from the chart', async () => {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const page = await context.newPage();
  await signIn(page, server.base, 'director');
  await page.goto(`${server.base}/census`);
  const episodes = await page.locator('main a[href^="/episodes/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(episodes.length > 1, 'the census links each episode');
  let graduated = null;
  for (const href of episodes) {
    await page.goto(`${server.base}${href}`);
    if ((await page.textContent('main')).includes('Eligible to graduate.')) { graduated = href; break; }
  }
  assert.ok(graduated, 'the demo has a patient eligible to graduate');
  await assertAccessible(page);
  await page.getByRole('button', { name: 'Graduate' }).click();
  assert.match(await page.getByRole('status').textContent(), /Graduated/);
  assert.match(await page.textContent('main'), /graduated on/);

  await page.goto(`${server.base}/census`);
  // A patient in treatment who has come to groups already (not one starting next week).
  const charts = await page.locator('main a[href^="/patients/0"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  let found = false;
  for (const chart of charts.filter((h) => !h.includes('/', 10))) {
    await page.goto(`${server.base}${chart}`);
    const text = await page.textContent('main');
    if (!text.includes('No attendance yet') && text.includes('Graduate, discharge or extend')) { found = true; break; }
  }
  assert.ok(found, 'a patient in treatment with attendance');
  await page.getByRole('link', { name: 'Graduate, discharge or extend' }).click();
  await page.getByRole('combobox', { name: 'Reason' }).selectOption('ama');
  await page.locator('form[action$="/discharge"]').evaluate((f) => { f.noValidate = true; });
  await page.getByRole('button', { name: 'Discharge' }).click();
  assert.match(await page.getByRole('alert').textContent(), /summary/);
  assert.equal(await page.locator('#d-reason').inputValue(), 'ama', 'the chosen reason stays chosen');
  await page.getByLabel('Discharge summary').fill('Left the program against advice after week three; given the crisis line and referrals.');
  await page.getByRole('button', { name: 'Discharge' }).click();
  assert.match(await page.getByRole('status').textContent(), /Discharged/);
  await assertAccessible(page);
  await context.close();
});
