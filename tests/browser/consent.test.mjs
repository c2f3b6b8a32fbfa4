// A relative joins the family group only under a consent naming them: added without one,
// the family group's page says why they are not on the roster; once a consent is recorded
// they can be marked present; once it is revoked for them they are off the roster again.
// The clinical director does it: a family group opens to its own facilitator only from
// 24 hours before it starts, and this one is days ahead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, assertAccessible } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('a relative reaches the family-group roster through a consent and leaves it when it is revoked', async () => {
  const auth = await (await fetch(`${server.base}/api/v1/auth/token`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'director@demo.test', password: 'demo-password' }),
  })).json();
  const bearer = { headers: { authorization: `Bearer ${auth.token}` } };
  const day = (n) => new Date(Date.now() + n * 86400e3).toISOString().slice(0, 10);
  const sessions = await (await fetch(`${server.base}/api/v1/sessions?from=${day(1)}&to=${day(40)}`, bearer)).json();
  const family = sessions.find((s) => s.kind === 'family' && s.status === 'scheduled');
  assert.ok(family, 'a family group ahead');
  const roster = await (await fetch(`${server.base}/api/v1/sessions/${family.id}/roster`, bearer)).json();
  const patient = roster.lines[0].patient_id;

  const page = await browser.newPage();
  await page.goto(`${server.base}/login`);
  await page.getByLabel('Email').fill('director@demo.test');
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();

  const relativeRow = async () => {
    await page.goto(`${server.base}/sessions/${family.id}`);
    return page.locator('tr', { hasText: 'Robin Example' });
  };

  await page.goto(`${server.base}/patients/${patient}/consents`);
  await assertAccessible(page);
  const add = page.getByRole('form', { name: 'Add a relative' });
  await add.getByLabel('Name', { exact: true }).fill('Robin Example');
  await add.getByLabel('Relationship').fill('aunt');
  await add.getByRole('button', { name: 'Add' }).click();
  assert.match(await page.getByRole('status').first().textContent(), /Saved/);

  let row = await relativeRow();
  assert.match(await row.textContent(), /Not on the roster: no signed consent names them/);
  assert.equal(await row.getByRole('combobox').count(), 0, 'no attendance control without a consent');

  await page.goto(`${server.base}/patients/${patient}/consents`);
  await page.getByText('Record a signed consent').click();
  const form = page.getByRole('form', { name: 'Record a signed consent' });
  await form.getByLabel('Robin Example (aunt)').check();
  await form.getByLabel('that I am a patient in this program, and my attendance').check();
  await form.getByLabel('what I share and how I take part in the family group sessions').check();
  await form.getByLabel('Purpose').fill('Family involvement in treatment');
  await form.getByLabel('Expires').selectOption('end_of_treatment');
  await form.getByLabel('Signature: the patient\'s typed name, or "signed on paper"').fill('signed on paper');
  await form.getByRole('button', { name: 'Record consent' }).click();
  assert.match(await page.getByRole('status').first().textContent(), /Saved/);

  row = await relativeRow();
  assert.equal(await row.getByLabel('Attendance of Robin Example').count(), 1, 'on the roster under the consent');
  await assertAccessible(page);

  await page.goto(`${server.base}/patients/${patient}/consents`);
  const revoke = page.getByRole('form', { name: 'Revoke for Robin Example' });
  await revoke.getByLabel('How the patient revoked').fill('in writing, letter of today');
  await revoke.getByRole('button', { name: 'Revoke for this recipient' }).click();
  assert.match(await page.textContent('body'), /revoked/);

  row = await relativeRow();
  assert.match(await row.textContent(), /Not on the roster: the patient revoked consent for them/);
});
