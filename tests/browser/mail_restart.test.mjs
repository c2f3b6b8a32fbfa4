// Mail survives the mail server being down and our server restarting: a reset link
// written while the relay refuses connections waits in the outbox, and arrives once the
// server is started again with a working relay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, freePort } from './harness.mjs';

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

async function askReset(base, email) {
  const form = await fetch(`${base}/portal/reset`);
  const cookie = form.headers.get('set-cookie').split(';')[0];
  const csrf = (await form.text()).match(/name="csrf" value="([^"]+)"/)[1];
  const res = await fetch(`${base}/portal/reset`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ email, csrf }),
  });
  assert.equal(res.status, 200);
}

function subjects(box) {
  const dir = join(box, 'new');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((f) => (readFileSync(join(dir, f), 'utf8').match(/^Subject: (.*)$/m) ?? [])[1]);
}

test('a message written while the relay is down arrives after the server restarts', { timeout: 180000 }, async () => {
  const dead = await freePort();
  const first = await startServer({ env: { IOP_SMTP_URL: `smtp://127.0.0.1:${dead}` } });
  await askReset(first.base, 'patient@demo.test');
  // Long enough for the sender to try once and fail (it runs every 5 seconds).
  await new Promise((r) => setTimeout(r, 7000));
  await first.stop({ keep: true });

  const maildir = mkdtempSync(join(tmpdir(), 'iop-mail-'));
  const port = await freePort();
  const smtp = spawn('python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', join(maildir, 'box')], { stdio: 'inherit' });
  await listening(port);
  const second = await startServer({ dir: first.dir, env: { IOP_SMTP_URL: `smtp://127.0.0.1:${port}` } });
  try {
    // The failed try waits a minute before the next.
    let got = [];
    for (const end = Date.now() + 100000; Date.now() < end && !got.includes('Password reset');) {
      await new Promise((r) => setTimeout(r, 1000));
      got = subjects(join(maildir, 'box'));
    }
    assert.ok(got.includes('Password reset'), `the reset arrived after the restart: ${got}`);
  } finally {
    await second.stop();
    smtp.kill();
    rmSync(maildir, { recursive: true, force: true });
  }
});
