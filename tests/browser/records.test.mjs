// A counselor writes a new version of a relapse prevention plan (a refused one keeps
// every line) and records a drug screen, both from the chart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, assertAccessible, signIn } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('a relapse prevention plan version and a drug screen are entered from the chart', async () => {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const page = await context.newPage();
  await signIn(page, server.base, 'counselor');
  await page.goto(`${server.base}/census`);
  const chart = await page.locator('main a[href^="/patients/0"]').first().getAttribute('href');
  await page.goto(`${server.base}${chart}`);
  await page.getByRole('link', { name: 'Write a new version of the plan' }).click();
  await assertAccessible(page);
  await page.getByLabel('Reasons for recovery').fill('my daughter\nkeeping my license');
  await page.getByLabel('External triggers (people, places, things)').fill('the bar after work');
  await page.getByLabel('Internal triggers (feelings, thoughts)').fill('loneliness on Sundays');
  await page.getByLabel('Early warning signs').fill('skipping meals\nnot calling my sponsor');
  await page.getByLabel('Coping strategies').fill('urge surfing\ncall before I act');
  await page.getByLabel('Support people, one per line as "name, phone"').fill('Dana Reyes');
  await page.getByLabel(/^If a lapse happens/).fill('Tell Dana and my counselor the same day.');
  await page.getByRole('button', { name: 'Save new version' }).click();
  assert.match(await page.getByRole('alert').textContent(), /name, phone/);
  assert.equal(await page.getByLabel('Early warning signs').inputValue(), 'skipping meals\nnot calling my sponsor');
  await page.getByLabel('Support people, one per line as "name, phone"').fill('Dana Reyes, (502) 555-0110');
  await page.getByRole('button', { name: 'Save new version' }).click();
  assert.match(await page.getByRole('status').first().textContent(), /relapse prevention plan is saved/);

  await page.getByText('Record a drug screen').click();
  await page.getByLabel('fentanyl').selectOption('negative');
  await page.getByLabel('cocaine').selectOption('positive');
  await page.getByRole('button', { name: 'Record drug screen' }).click();
  assert.match(await page.getByRole('status').first().textContent(), /drug screen is recorded/);
  assert.match(await page.textContent('main'), /cocaine: positive/);
  await assertAccessible(page);
  await context.close();
});
