// The week calendar as a grid: a director moves and cancels sessions from it, and a
// counselor makes a feed of their own groups that a calendar app can read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, assertAccessible, signIn } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('a director moves one session and cancels another from the week grid', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page, server.base, 'director');
  await page.goto(`${server.base}/calendar`);
  await page.getByRole('link', { name: 'Next week →' }).click();
  assert.equal(await page.locator('.week section.day').count(), 7, 'seven days side by side');
  await assertAccessible(page);
  const first = page.locator('article.slot', { has: page.getByText('Cancel or move') }).first();
  await first.getByText('Cancel or move').click();
  await first.getByLabel('New start (site time)').fill('19:00');
  await first.getByRole('button', { name: 'Move this session' }).click();
  assert.match(await page.getByRole('status').textContent(), /moved/);
  assert.match(await page.textContent('main'), /7:00 PM/);
  const second = page.locator('article.slot', { has: page.getByText('Cancel or move') }).first();
  await second.getByText('Cancel or move').click();
  await second.getByLabel('Why it is cancelled').fill('Facilitator training day');
  await second.getByRole('button', { name: 'Cancel this session' }).click();
  assert.match(await page.getByRole('status').textContent(), /cancelled/);
  assert.match(await page.textContent('main'), /Facilitator training day/);
  await context.close();
});

test('a counselor makes a feed of their groups and a calendar app can read it', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signIn(page, server.base, 'counselor');
  await page.goto(`${server.base}/calendar`);
  await page.getByRole('button', { name: 'Make a feed of my groups' }).click();
  const url = await page.getByLabel('Feed address').inputValue();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/calendar\/[^/]+\.ics$/);
  const ics = await fetch(url);
  assert.equal(ics.status, 200);
  assert.match(await ics.text(), /BEGIN:VCALENDAR/);
  await page.goto(`${server.base}/calendar`);
  await page.getByRole('button', { name: 'Stop this feed' }).click();
  assert.match(await page.getByRole('status').textContent(), /feed is stopped/);
  assert.equal((await fetch(url)).status, 404);
  await context.close();
});
