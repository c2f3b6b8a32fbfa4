// An admissions coordinator takes a new inquiry through screening and admission in the
// pages; the new patient is then on the track's next session roster.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, assertAccessible } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

async function api(path, token, body) {
  const res = await fetch(`${server.base}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return res.json();
}

test('a new inquiry is screened and admitted in the pages and joins the next session roster', async () => {
  const { token } = await api('/api/v1/auth/token', null, { email: 'director@demo.test', password: 'demo-password' });
  const today = new Date().toISOString().slice(0, 10);
  const later = new Date(Date.now() + 21 * 86400e3).toISOString().slice(0, 10);
  const nextMwt = async () => (await api(`/api/v1/sessions?from=${today}&to=${later}`, token))
    .find((s) => s.track_name === 'Mon/Wed/Thu' && s.kind === 'core' && s.status === 'scheduled' && s.local_date > today);
  const before = await nextMwt();

  const page = await browser.newPage();
  await page.goto(`${server.base}/login`);
  await page.getByLabel('Email').fill('admissions@demo.test');
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Admissions' }).click();

  await page.getByLabel('First name', { exact: true }).fill('Quinn');
  await page.getByLabel('Last name', { exact: true }).fill('Harper');
  await page.getByLabel('Phone', { exact: true }).fill('(502) 555-0188');
  await page.getByRole('button', { name: 'Record inquiry' }).click();
  await page.waitForURL(/\/admissions\/[0-9a-f-]+$/);
  assert.match(await page.locator('#status').textContent(), /New/);
  await assertAccessible(page);

  await page.getByLabel('Substances (comma-separated)').fill('alcohol');
  await page.getByLabel('Withdrawal risk').selectOption('low');
  await page.getByRole('button', { name: 'Record screening' }).click();
  assert.match(await page.locator('#status').textContent(), /Screened/);

  await page.getByLabel('Date of birth').fill('1990-05-14');
  await page.getByLabel('Emergency contact name').fill('Jamie Harper');
  await page.getByLabel('Emergency contact phone').fill('(502) 555-0189');
  await page.getByLabel('Program and track').selectOption({ label: 'Evening Intensive Outpatient Program · Mon/Wed/Thu' });
  await page.getByLabel('Diagnoses, ICD-10-CM F10–F19 (principal first)').fill('F10.20');
  await page.getByRole('button', { name: 'Admit' }).click();
  assert.match(await page.getByRole('status').textContent(), /Admitted/);
  assert.match(await page.locator('#status').textContent(), /Admitted/);

  const afterAdmission = await nextMwt();
  assert.equal(afterAdmission.id, before.id);
  assert.equal(afterAdmission.expected_roster, before.expected_roster + 1, 'the new patient is on the next session roster');

  // The clinical director sees the new patient on the census.
  const director = await browser.newPage();
  await director.goto(`${server.base}/login`);
  await director.getByLabel('Email').fill('director@demo.test');
  await director.getByLabel('Password', { exact: true }).fill('demo-password');
  await director.getByRole('button', { name: 'Sign in' }).click();
  await director.goto(`${server.base}/census`);
  assert.match(await director.textContent('body'), /Quinn Harper/);
  await assertAccessible(director);

  // And finds them from the menu's patient search, typed any which way.
  await director.getByRole('link', { name: 'Patients' }).click();
  await director.getByLabel('Name, MRN, date of birth or phone').fill('HARPER qui');
  await director.getByRole('button', { name: 'Search' }).click();
  await director.getByRole('status').filter({ hasText: 'found' }).waitFor();
  await assertAccessible(director);
  await director.getByRole('link', { name: 'Quinn Harper' }).click();
  await director.waitForURL(/\/patients\/[0-9a-f-]+$/);
  assert.match(await director.getByRole('heading', { level: 1 }).textContent(), /Quinn Harper/);
});
