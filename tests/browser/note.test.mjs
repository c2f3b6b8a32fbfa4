// A facilitator takes attendance for a six-patient session and signs one group note with
// six individual entries on one screen; each patient's chart then shows it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, assertAccessible } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('attendance and a signed group note with six entries, then each chart shows it', async () => {
  const auth = await (await fetch(`${server.base}/api/v1/auth/token`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'counselor@demo.test', password: 'demo-password' }),
  })).json();
  const today = new Date();
  const monday = new Date(today); monday.setUTCDate(today.getUTCDate() - ((today.getUTCDay() + 6) % 7));
  const to = new Date(monday.getTime() - 2 * 86400e3).toISOString().slice(0, 10);
  const from = new Date(monday.getTime() - 12 * 86400e3).toISOString().slice(0, 10);
  const sessions = await (await fetch(`${server.base}/api/v1/sessions?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${auth.token}` } })).json();
  const session = sessions.filter((s) => s.kind === 'core' && s.track_name === 'Mon/Tue/Thu' && s.status === 'held').pop();
  assert.ok(session, 'a past Mon/Tue/Thu group');
  assert.equal(session.expected_roster, 6);

  const page = await browser.newPage();
  await page.goto(`${server.base}/login`);
  await page.getByLabel('Email').fill('counselor@demo.test');
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.goto(`${server.base}/sessions/${session.id}`);

  const rows = page.locator('tbody tr');
  assert.equal(await rows.count(), 6);
  await assertAccessible(page);
  const said = [
    'named a craving at work and practiced urge surfing',
    'gave a peer feedback about boundaries with family',
    'described the argument that preceded last use; anger is a trigger',
    'role-played refusing a drink at a wedding',
    'quiet; later spoke about sleep trouble and loneliness',
    'led the review of the coping card and shared a success',
  ];
  const goals = ['names two triggers', 'uses one coping skill daily', 'calls sponsor twice weekly', 'attends every session', 'keeps a sleep diary', 'updates the coping card'];
  const patients = [];
  for (let i = 0; i < 6; i++) {
    const row = rows.nth(i);
    const name = (await row.locator('th a').textContent()).trim();
    patients.push({ name, href: await row.locator('th a').getAttribute('href') });
    await row.getByLabel(`Attendance of ${name}`).selectOption('present');
    await row.getByLabel(`Participation of ${name}`).fill(said[i]);
    await row.getByLabel(`Progress of ${name}`).fill(`Goal: ${goals[i]}.`);
    patients[i].said = said[i];
  }
  await page.getByLabel('Interventions').fill('Psychoeducation on relapse triggers; urge-surfing practice.');
  await page.getByLabel('Group process').fill('Cohesive; members gave each other specific feedback.');
  await page.getByRole('button', { name: 'Save and sign' }).click();
  // Signing asks once.
  await page.getByRole('button', { name: 'Sign now' }).click();
  assert.match(await page.getByRole('status').first().textContent(), /signed/);
  assert.equal(await page.getByRole('button', { name: 'Save and sign' }).count(), 0, 'a signed note has no edit control');
  await assertAccessible(page);

  for (const p of patients) {
    await page.goto(`${server.base}${p.href}`);
    const body = await page.textContent('body');
    assert.match(body, /Psychoeducation on relapse triggers/);
    if (p === patients[0]) await assertAccessible(page);
    assert.ok(body.includes(p.said), `the chart of ${p.name} shows their entry`);
    for (const other of patients.filter((o) => o !== p)) {
      assert.ok(!body.includes(other.said), 'and nobody else\'s');
    }
  }
});

test('on a tablet a facilitator marks all present, makes one late, and a refused signing keeps the text', async () => {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.getByLabel('Email').fill('counselor@demo.test');
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  // A group of theirs whose note is still to write, as the dashboard lists it.
  const open = page.getByRole('region', { name: 'Notes to write' }).getByRole('link').first();
  await page.goto(`${server.base}${await open.getAttribute('href')}`);
  await page.getByRole('button', { name: 'Mark all present' }).click();
  assert.match(await page.getByRole('status').first().textContent(), /present/);
  const rows = page.locator('tbody tr');
  const n = await rows.count();
  assert.ok(n > 0);
  const first = (await rows.nth(0).locator('th a').textContent()).trim();
  await page.getByLabel(`Attendance of ${first}`).selectOption('late');
  await page.getByLabel(`Minutes attended by ${first}`).fill('150');
  await page.getByLabel('Interventions').fill('Relapse-trigger mapping in pairs.');
  await page.getByLabel('Group process').fill('Engaged; two members challenged each other kindly.');
  // Signing without each attendee's entry is refused, and nothing typed is lost.
  await page.getByRole('button', { name: 'Save and sign' }).click();
  // Signing asks once.
  await page.getByRole('button', { name: 'Sign now' }).click();
  assert.equal(await page.getByLabel('Interventions').inputValue(), 'Relapse-trigger mapping in pairs.');
  assert.equal(await page.getByLabel(`Attendance of ${first}`).inputValue(), 'late');
  assert.equal(await page.getByLabel(`Minutes attended by ${first}`).inputValue(), '150');
  assert.ok(await page.getByRole('alert').count() > 0, 'the refusal says why');
  await assertAccessible(page);
  for (let i = 0; i < n; i++) {
    const name = (await rows.nth(i).locator('th a').textContent()).trim();
    const mark = await page.getByLabel(`Attendance of ${name}`).inputValue();
    if (mark.startsWith('absent')) continue;
    await page.getByLabel(`Participation of ${name}`).fill(`${name.split(' ')[0]} named one trigger of their own (${i}).`);
    await page.getByLabel(`Progress of ${name}`).fill(`Goal ${i + 1}: practiced a refusal skill.`);
  }
  await page.getByRole('button', { name: 'Save and sign' }).click();
  // Signing asks once.
  await page.getByRole('button', { name: 'Sign now' }).click();
  assert.match(await page.getByRole('status').first().textContent(), /signed/);
  assert.match(await page.textContent('main'), new RegExp(`${first}[\\s\\S]*Late`));
  await context.close();
});
