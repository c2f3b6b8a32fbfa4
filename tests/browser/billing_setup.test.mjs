// Billing staff set up a payer and a contract in the page (a refused payer keeps what
// was typed) and record a patient's authorization on their coverage page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, assertAccessible, signIn } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('a payer, a contract and an authorization are added in the page', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signIn(page, server.base, 'billing');
  await page.goto(`${server.base}/billing`);
  await page.getByRole('link', { name: 'Payers and contracts' }).click();
  await assertAccessible(page);

  await page.getByLabel('Name', { exact: true }).fill('Lakeside Health Plan');
  await page.getByLabel('Payer id (from the clearinghouse\'s list)').fill('LKSD1');
  await page.getByLabel('Kind of plan').selectOption('12');
  await page.getByLabel('Claims address').fill('PO Box 4410');
  await page.getByLabel('City').fill('Louisville');
  await page.getByLabel('State').fill('K');
  await page.getByLabel('ZIP').fill('40202');
  await page.getByRole('button', { name: 'Add payer' }).click();
  assert.ok(await page.getByRole('alert').count() > 0, 'a one-letter state is refused');
  assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Lakeside Health Plan', 'what was typed stays');
  assert.equal(await page.getByLabel('Kind of plan').inputValue(), '12');
  await page.getByLabel('State').fill('KY');
  await page.getByRole('button', { name: 'Add payer' }).click();
  assert.match(await page.getByRole('status').textContent(), /payer is added/);
  assert.match(await page.textContent('main'), /Lakeside Health Plan/);

  await page.getByLabel('With').selectOption({ label: 'Lakeside Health Plan' });
  await page.getByLabel('Fee schedule, one code per line ("S9480 = 210.00")').fill('S9480 = 225.00');
  await page.getByLabel('In force from').fill('2026-01-01');
  await page.getByRole('button', { name: 'Add contract' }).click();
  assert.match(await page.getByRole('status').textContent(), /contract is added/);
  assert.match(await page.textContent('main'), /S9480 \$225\.00/);
  await assertAccessible(page);

  await page.goto(`${server.base}/billing`);
  const statement = await page.locator('main a[href$="/statement"]').first().getAttribute('href');
  await page.goto(`${server.base}${statement.replace('/statement', '/coverage')}`);
  await page.getByLabel('Authorization number').fill('AUTH-77120');
  await page.getByLabel('Units authorized').fill('20');
  await page.getByLabel('First day').fill('2026-12-01');
  await page.getByLabel('Last day').fill('2026-11-30');
  await page.getByRole('button', { name: 'Record authorization' }).click();
  assert.match(await page.getByRole('alert').textContent(), /ends before it starts/);
  assert.equal(await page.getByLabel('Authorization number').inputValue(), 'AUTH-77120', 'what was typed stays');
  await page.getByLabel('Last day').fill('2026-12-31');
  await page.getByRole('button', { name: 'Record authorization' }).click();
  assert.match(await page.getByRole('status').textContent(), /authorization is recorded/);
  await page.goto(`${server.base}/billing`);
  assert.match(await page.textContent('main'), /AUTH-77120/);

  // The payer's concurrent review grants more units and names the next review.
  await page.getByText("Record the payer's review of AUTH-77120").click();
  const review = page.locator('details', { hasText: "Record the payer's review of AUTH-77120" });
  await review.getByLabel('Units granted in all').fill('30');
  await review.getByLabel('Next review (optional)').fill('2026-12-20');
  await review.getByRole('button', { name: 'Save the new terms' }).click();
  assert.match(await page.getByRole('status').textContent(), /new terms are recorded/);
  assert.match(await page.locator('tr', { hasText: 'AUTH-77120' }).first().textContent(), /\/ 30/);
  await context.close();
});
