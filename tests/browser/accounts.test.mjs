// An administrator manages a staff account in the page: a new role, a new password,
// and disabling it, which asks once on a page of its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, assertAccessible, signIn } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('an administrator changes a role, sets a password and disables an account after confirming', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signIn(page, server.base, 'admin');
  await page.goto(`${server.base}/admin/users`);
  const row = page.locator('tbody tr', { hasText: 'admissions@demo.test' });
  await row.getByRole('link', { name: /^Manage / }).click();
  await assertAccessible(page);
  await page.getByRole('combobox', { name: 'Role' }).selectOption('billing');
  await page.getByRole('button', { name: 'Change role' }).click();
  assert.match(await page.getByRole('status').textContent(), /role is changed/);
  assert.match(await page.locator('tbody tr', { hasText: 'admissions@demo.test' }).textContent(), /Billing/);

  await page.locator('tbody tr', { hasText: 'admissions@demo.test' }).getByRole('link', { name: /^Manage / }).click();
  await page.locator('#m-pw').fill('short');
  await page.locator('form[action$="/password"]').evaluate((f) => { f.noValidate = true; });
  await page.getByRole('button', { name: 'Set password' }).click();
  assert.ok(await page.getByRole('alert').count() > 0, 'a short password is refused');
  await page.locator('#m-pw').fill('a-long-new-passphrase-2026');
  await page.getByRole('button', { name: 'Set password' }).click();
  assert.match(await page.getByRole('status').textContent(), /password is set/);

  await page.locator('tbody tr', { hasText: 'admissions@demo.test' }).getByRole('link', { name: /^Manage / }).click();
  await page.getByRole('button', { name: 'Disable the account' }).click();
  assert.match(await page.locator('h1').textContent(), /Disable this account\?/);
  await assertAccessible(page);
  await page.getByRole('button', { name: 'Disable the account' }).click();
  assert.match(await page.locator('tbody tr', { hasText: 'admissions@demo.test' }).textContent(), /disabled/);
  await context.close();
});
