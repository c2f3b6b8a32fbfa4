// A counselor enters a PHQ-9 item by item (a refused form keeps every answer), the
// positive item 9 raises a safety alert at the top of the chart, and the counselor
// acknowledges it there with the action taken. A clinical director co-signs a group
// note from the note's own page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, assertAccessible, signIn as signInAs } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const signIn = (page, who) => signInAs(page, server.base, who);

const PHQ9 = ['Several days', 'Not at all', 'More than half the days', 'Several days', null, 'Not at all', 'Several days', 'Not at all', 'Several days'];

test('a PHQ-9 entered item by item, its alert acknowledged at the top of the chart', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signIn(page, 'counselor');
  await page.goto(`${server.base}/census`);
  const chart = await page.locator('main a[href^="/patients/0"]').first().getAttribute('href');
  await page.goto(`${server.base}${chart}`);
  await page.getByRole('link', { name: 'PHQ-9' }).click();
  await assertAccessible(page);
  assert.match(await page.textContent('main'), /Over the last 2 weeks, how often have you been bothered/);
  assert.match(await page.textContent('main'), /No permission required to reproduce/);
  for (let i = 0; i < 9; i++) {
    if (PHQ9[i] === null) continue;
    await page.getByRole('group', { name: new RegExp(`^${i + 1}\\. `) }).getByLabel(PHQ9[i], { exact: true }).check();
  }
  // Item 5 left out: the browser's own check is bypassed to see the server's answer.
  await page.locator('form.measure').evaluate((f) => { f.noValidate = true; });
  await page.getByRole('button', { name: /^Save / }).click();
  assert.match(await page.getByRole('alert').textContent(), /Item 5/);
  const item9 = page.getByRole('group', { name: /^9\. / });
  assert.ok(await item9.getByLabel('Several days', { exact: true }).isChecked(), 'answers given stay given');
  assert.match(await page.getByRole('group', { name: /^5\. / }).textContent(), /choose an answer/);
  await assertAccessible(page);
  await page.getByRole('group', { name: /^5\. / }).getByLabel('Not at all', { exact: true }).check();
  await page.getByRole('button', { name: /^Save / }).click();
  assert.match(await page.getByRole('status').first().textContent(), /PHQ-9.*recorded/);
  assert.match(await page.textContent('main'), /PHQ-9[^\n]*\b6 \(mild\)/);

  const alert = page.locator('section.alert').first();
  assert.match(await alert.textContent(), /Safety alert/);
  await alert.getByLabel('Action taken').fill('Called the patient; safety plan reviewed; no intent or plan.');
  await alert.getByRole('button', { name: 'Acknowledge' }).click();
  assert.equal(await page.locator('section.alert').count(), 0, 'the acknowledged alert leaves the chart');
  assert.match(await page.textContent('main'), /Safety alert, acknowledged[\s\S]*Acknowledged by Casey Counselor, \w{3}, \w{3} \d+, \d+:\d\d [AP]M: Called the patient; safety plan reviewed/);
  await context.close();
});

test('a clinical director co-signs a group note from its own page', async () => {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const page = await context.newPage();
  await signIn(page, 'director');
  const queue = page.getByRole('region', { name: 'Notes awaiting your co-signature' });
  const note = queue.locator('a[href^="/sessions/"]').first();
  assert.equal(await note.count(), 1, 'the demo leaves a group note to co-sign');
  assert.match(await queue.textContent(), /group/i);
  await page.goto(`${server.base}${await note.getAttribute('href')}`);
  await page.getByRole('button', { name: 'Co-sign this note' }).click();
  assert.match(await page.getByRole('status').first().textContent(), /co-signed/);
  assert.match(await page.textContent('main'), /Co-signed \w{3}, \w{3} \d+/);
  await assertAccessible(page);
  await context.close();
});
