// Starts the real `iop` binary on a fresh demo database and Debian's Chromium.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';

const bin = process.env.IOP_BIN ?? new URL('../../target/debug/iop', import.meta.url).pathname;

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

// Options: `env`, extra environment for the server (IOP_SMTP_URL …); `dir`, the data
// directory of an earlier server to start again on (kept when this one stops).
export async function startServer({ env = {}, dir: again } = {}) {
  const dir = again ?? mkdtempSync(join(tmpdir(), 'iop-browser-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = spawn(bin, ['serve', '--demo', '--data-dir', dir, '--addr', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, IOP_LOG: 'warn', ...env },
  });
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    dir,
    async stop({ keep = false } = {}) {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // Every page any test loads is checked with axe-core as it loads; closing the browser
  // fails the file when one had a critical or serious violation.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.on('page', watchAccessibility);
    return context;
  };
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (options) => {
    const page = await newPage(options);
    watchAccessibility(page);
    return page;
  };
  const close = browser.close.bind(browser);
  browser.close = async () => {
    await Promise.all(pending);
    await close();
    const found = [...new Set(violations)];
    violations.length = 0;
    assert.deepEqual(found, [], 'axe-core on the pages the tests loaded');
  };
  return browser;
}

const pending = [];
const violations = [];

function watchAccessibility(page) {
  page.on('load', () => {
    const url = page.url();
    pending.push(
      axeViolations(page)
        .then((found) => violations.push(...found.map((v) => `${new URL(url).pathname}: ${v}`)))
        // A page that navigates on while it is checked is checked at its next load.
        .catch(() => {}),
    );
  });
}

// One axe run at a time on a page (axe refuses a second while one runs).
const queues = new WeakMap();

function axeViolations(page) {
  const run = (queues.get(page) ?? Promise.resolve()).catch(() => {}).then(async () => {
    await page.evaluate(axeSource);
    return page.evaluate(async () => {
      const r = await globalThis.axe.run(document, { resultTypes: ['violations'] });
      return r.violations
        .filter((v) => v.impact === 'critical' || v.impact === 'serious')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    });
  });
  queues.set(page, run);
  return run;
}

const axeSource = readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

// axe-core on the page as it is now (run through the debugging protocol, which the
// page's Content-Security-Policy does not govern): no critical or serious violation.
export async function assertAccessible(page) {
  assert.deepEqual(await axeViolations(page), [], `axe-core on ${page.url()}`);
}

// Signs in through the login form as one of the demo accounts and waits for the dashboard.
export async function signIn(page, base, who) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(`${who}@demo.test`);
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/dashboard/);
}
