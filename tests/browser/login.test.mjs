// A counselor signs in with a real browser, sees the dashboard, and signs out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, assertAccessible } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('counselor signs in, sees the dashboard and signs out', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.base}/`);
  assert.match(await page.getByRole('heading', { level: 1 }).textContent(), /Our programs/);
  await assertAccessible(page);
  await page.getByRole('link', { name: 'Staff sign-in' }).click();
  await page.waitForURL(/\/login/);
  await assertAccessible(page);
  await page.getByLabel('Email').fill('counselor@demo.test');
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/dashboard$/);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Dashboard');
  assert.match(await page.textContent('body'), /Casey Counselor/);
  await assertAccessible(page);
  assert.equal(await page.getByRole('link', { name: 'Audit log' }).count(), 0, 'counselors have no audit log link');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login\?signed_out=1$/);
  assert.match(await page.textContent('body'), /You are signed out/);
  await page.goto(`${server.base}/dashboard`);
  assert.match(page.url(), /\/login/, 'after signing out the dashboard asks to sign in again');
});

test('a wrong password shows a message and no session', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.base}/login`);
  await page.getByLabel('Email').fill('counselor@demo.test');
  await page.getByLabel('Password', { exact: true }).fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  assert.match(await page.getByRole('alert').textContent(), /email, password or code is not right/);
  const cookies = await page.context().cookies();
  assert.equal(cookies.filter((c) => c.name === 'iop_session').length, 0);
});
