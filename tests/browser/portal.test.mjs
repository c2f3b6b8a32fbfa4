// The portal end to end, with real mail: a local SMTP server (Python's aiosmtpd) takes
// what the server sends. A counselor invites a patient; the invitation arrives; its link
// sets a password on a 390 px phone; the patient sees their next group at the site's
// time, answers a PHQ-9 with item 9 = 1 and sees the 988 line; the counselor's dashboard
// shows the alert; a reminder arrives the day before a group; a reset arrives. No
// message, sender name or link says anything about treatment or names anyone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, signIn, freePort } from './harness.mjs';

const bin = process.env.IOP_BIN ?? new URL('../../target/debug/iop', import.meta.url).pathname;

// The words the issue lists, those of our own list, the demo organisation's names.
const REVEALING = ['addiction', 'substance', 'recovery', 'treatment', 'rehab', 'alcohol', 'drug',
  'sober', 'relapse', 'counsel', 'therapy', 'clinic', 'program', 'diagnos', 'outpatient',
  'Riverside', 'Evening Intensive', 'demo.test'];

let smtp, server, browser, maildir, smtpUrl;

async function listening(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => {
      const s = connect(port, '127.0.0.1', () => { s.end(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('aiosmtpd did not start');
}

before(async () => {
  maildir = mkdtempSync(join(tmpdir(), 'iop-mail-'));
  const port = await freePort();
  smtp = spawn('python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', join(maildir, 'box')], { stdio: 'inherit' });
  await listening(port);
  smtpUrl = `smtp://127.0.0.1:${port}`;
  server = await startServer({ env: { IOP_SMTP_URL: smtpUrl } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  smtp?.kill();
  rmSync(maildir, { recursive: true, force: true });
});

// Every message in the mailbox: headers, and the body with quoted-printable undone.
function messages() {
  const dir = join(maildir, 'box', 'new');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((f) => {
    const raw = readFileSync(join(dir, f), 'utf8').replace(/\r\n/g, '\n');
    const [head, ...rest] = raw.split('\n\n');
    const header = (name) => (head.match(new RegExp(`^${name}: (.*)$`, 'mi')) ?? [])[1] ?? '';
    let body = rest.join('\n\n');
    if (/quoted-printable/i.test(header('Content-Transfer-Encoding'))) {
      body = body.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
    }
    return { to: header('To'), from: header('From'), subject: header('Subject'), body };
  });
}

async function mailTo(address, subject, timeout = 30000) {
  for (const end = Date.now() + timeout; Date.now() < end;) {
    const m = messages().find((x) => x.to.includes(address) && x.subject === subject);
    if (m) return m;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`no "${subject}" to ${address}; mailbox: ${JSON.stringify(messages().map((m) => [m.to, m.subject]))}`);
}

function linkOf(m) {
  const line = m.body.split('\n').find((l) => l.startsWith('http'));
  assert.ok(line, `a link in "${m.subject}"`);
  return line.trim();
}

function assertNeutral(m, names) {
  const display = m.from.replace(/<.*>/, '').replace(/"/g, '').trim();
  const path = new URL(linkOf(m)).pathname;
  for (const [what, text] of [['subject', m.subject], ['body', m.body], ['sender name', display], ['link path', path]]) {
    for (const word of [...REVEALING, ...names]) {
      assert.ok(!text.toLowerCase().includes(word.toLowerCase()), `the ${what} of "${m.subject}" says "${word}": ${text}`);
    }
  }
}

test('an invited patient sets a password from the email, signs in on a phone, answers a PHQ-9 and the counselor sees the alert; reminders and resets arrive and reveal nothing', async () => {
  // The counselor picks one of her patients with questionnaires due and no account yet.
  const staff = await browser.newPage();
  await signIn(staff, server.base, 'counselor');
  const due = await staff.locator('#due-h + ul a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  let patient;
  for (const href of due) {
    await staff.goto(`${server.base}${href}/portal`);
    if ((await staff.textContent('main')).includes('No one has a portal account yet')) { patient = href; break; }
  }
  assert.ok(patient, `a patient of hers without an account among ${due}`);
  const label = (await staff.locator('main p a').first().textContent()).trim();
  const names = label.replace(/\(.*\)/, '').trim().split(/\s+/);
  await staff.locator('#email').fill('invitee@example.org');
  await staff.getByRole('button', { name: 'Send the invitation' }).first().click();
  await staff.getByText('The invitation is on its way').waitFor();

  const invitation = await mailTo('invitee@example.org', 'Your account invitation');
  assertNeutral(invitation, names);

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await phone.newPage();
  await page.goto(linkOf(invitation));
  await page.getByLabel(/New password/).fill('copper kettle lantern meadow');
  await page.getByRole('button', { name: /Save password/ }).click();
  await page.waitForURL(/\/portal\?done=password/);
  // Signed in by the link; out and in again through the form, as on any later day.
  await page.getByText('Menu').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/portal\/login/);
  await page.getByLabel('Email').fill('invitee@example.org');
  await page.getByLabel('Password', { exact: true }).fill('copper kettle lantern meadow');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/portal$/);
  const next = await page.locator('.next-group').textContent();
  assert.match(next, /6:00 PM – 9:00 PM/, 'the next group at the site\'s time');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the portal scrolls sideways at 390 px (${width})`);

  await page.getByRole('link', { name: /PHQ-9/ }).first().click();
  for (let i = 1; i <= 8; i++) await page.locator(`input[name="item_${i}"][value="0"]`).check();
  await page.locator('input[name="item_9"][value="1"]').check();
  await page.getByRole('button', { name: 'Send my answers' }).click();
  await page.getByRole('link', { name: '988' }).first().waitFor();

  await staff.goto(`${server.base}/dashboard`);
  const dashboard = await staff.textContent('main');
  assert.ok(dashboard.includes('PHQ-9 item 9') && dashboard.includes(names[0]), 'the alert on her dashboard');

  // Group reminders are opt-in: the patient turns them on, and one arrives the day
  // before a group (the reminder pass run as of 10:30 AM at the site on each of the
  // next days until one is due).
  await page.goto(`${server.base}/portal/settings`);
  await page.getByLabel('Reminder the day before a group night').check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Your settings are saved').waitFor();
  let reminder;
  for (let d = 0; d < 8 && !reminder; d++) {
    const day = new Date(Date.now() + d * 86400000).toISOString().slice(0, 10);
    execFileSync(bin, ['dev', 'remind', '--at', `${day}T15:30:00Z`, '--data-dir', server.dir], {
      env: { ...process.env, IOP_SMTP_URL: smtpUrl, IOP_LOG: 'warn' },
    });
    reminder = messages().find((m) => m.to.includes('invitee@example.org') && m.subject === 'Reminder for tomorrow');
  }
  assert.ok(reminder, 'a reminder the day before a group');
  assertNeutral(reminder, names);

  const out = await browser.newPage();
  await out.goto(`${server.base}/portal/reset`);
  await out.getByLabel('Email').fill('invitee@example.org');
  await out.getByRole('button', { name: 'Send the link' }).click();
  await out.getByText('If an account uses that address').waitFor();
  const reset = await mailTo('invitee@example.org', 'Password reset');
  assertNeutral(reset, names);
  await phone.close();
});
