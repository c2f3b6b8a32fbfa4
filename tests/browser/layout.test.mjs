// Staff pages at phone (390×844) and tablet (768×1024) sizes, as each role opens them:
// no sideways scrolling, no UUID or ISO timestamp in what a person reads, touch-sized
// links and buttons, and times written at the site ("6:00 PM" in Los Angeles).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, assertAccessible, signIn as signInAs } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const ISO_TIMESTAMP = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
// A stored date as it is kept (2026-12-02), in an alert, a refusal or a table.
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/;

const signIn = (page, who) => signInAs(page, server.base, who);

async function token(who) {
  const r = await fetch(`${server.base}/api/v1/auth/token`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${who}@demo.test`, password: 'demo-password' }),
  });
  return (await r.json()).token;
}

async function check(page, width, what) {
  const r = await page.evaluate(() => {
    const text = document.body.innerText;
    const small = [...document.querySelectorAll('main a, main button, main summary')]
      .filter((e) => { const b = e.getBoundingClientRect(); return b.width > 0 && b.height > 0 && b.height < 44; })
      .map((e) => `${e.tagName} "${(e.textContent || '').trim().slice(0, 30)}" ${Math.round(e.getBoundingClientRect().height)}px`);
    return { scroll: document.documentElement.scrollWidth, inner: innerWidth, text, small };
  });
  assert.ok(r.scroll <= r.inner, `${what} at ${width} px scrolls sideways (${r.scroll} > ${r.inner})`);
  assert.doesNotMatch(r.text, UUID, `${what} shows an id`);
  assert.doesNotMatch(r.text, ISO_TIMESTAMP, `${what} shows a stored timestamp`);
  assert.doesNotMatch(r.text, ISO_DATE, `${what} shows a stored date`);
  if (width <= 390) assert.deepEqual(r.small, [], `${what}: touch targets under 44 px`);
  await assertAccessible(page);
}

for (const [width, height] of [[390, 844], [768, 1024]]) {
  test(`staff pages fit a ${width} px screen and read as people write`, async () => {
    const context = await browser.newContext({ viewport: { width, height } });
    try {
      const page = await context.newPage();
      await signIn(page, 'counselor');
      await check(page, width, 'the dashboard');
      await page.goto(`${server.base}/tonight`);
      await check(page, width, 'tonight');
      await page.goto(`${server.base}/census`);
      const chart = await page.locator('main a[href^="/patients/0"]').first().getAttribute('href');
      await page.goto(`${server.base}${chart}`);
      await check(page, width, 'a chart');
      await page.goto(`${server.base}/calendar`);
      const session = await page.locator('main a[href^="/sessions/"]').first().getAttribute('href');
      await page.goto(`${server.base}${session}`);
      await check(page, width, 'a session roster');
      await context.clearCookies();
      // The director's dashboard holds the alerts addressed to directors (staff ratio).
      await signIn(page, 'director');
      await check(page, width, "the director's dashboard");
      await context.clearCookies();
      await signIn(page, 'billing');
      await page.goto(`${server.base}/billing`);
      await check(page, width, 'billing');
      await context.clearCookies();
      await signIn(page, 'admin');
      await page.goto(`${server.base}/admin/audit`);
      await check(page, width, 'the audit log');
    } finally {
      await context.close();
    }
  });
}

test('the menu is one tap away on a phone and always open on a desktop', async () => {
  for (const [width, open] of [[390, false], [1280, true]]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await signIn(page, 'counselor');
    const billing = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calendar' });
    assert.equal(await billing.isVisible(), open, `menu at ${width} px`);
    if (!open) {
      await page.getByText('Menu', { exact: true }).click();
      assert.ok(await billing.isVisible(), 'the menu opens');
    }
    await context.close();
  }
});

test('at a Los Angeles site the program page and tonight say 6:00 PM', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  try {
    const page = await context.newPage();
    await signIn(page, 'director');
    await page.goto(`${server.base}/organisation`);
    await page.getByText('Change the site').first().click();
    await page.getByLabel('Time zone (IANA)').first().fill('America/Los_Angeles');
    await page.getByRole('button', { name: 'Save site' }).first().click();
    await page.goto(`${server.base}/organisation`);
    assert.match(await page.textContent('main'), /America\/Los_Angeles/);
    await context.clearCookies();
    await page.goto(`${server.base}/programs/evening-iop`);
    assert.match(await page.textContent('main'), /6:00 PM/);
    assert.doesNotMatch(await page.textContent('main'), /18:00/);
    await signIn(page, 'counselor');
    await page.goto(`${server.base}/tonight`);
    assert.match(await page.textContent('main'), /6:00 PM/, 'tonight, or the next group, at the site\'s 6:00 PM');
  } finally {
    await context.close();
  }
});

test('every other staff page fits a phone and reads without ids or stored timestamps', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  try {
    const page = await context.newPage();
    const visit = async (who, paths) => {
      await context.clearCookies();
      await signIn(page, who);
      for (const p of paths) {
        await page.goto(`${server.base}${p}`);
        await check(page, 390, p);
      }
    };
    await visit('counselor', ['/calendar', '/patients', '/census', '/staffing', '/closures']);
    await page.goto(`${server.base}/census`);
    const episode = await page.locator('main a[href^="/episodes/"]').first().getAttribute('href');
    const chart = await page.locator('main a[href^="/patients/0"]').first().getAttribute('href');
    await page.goto(`${server.base}${episode}`);
    await check(page, 390, 'an episode');
    await page.goto(`${server.base}${chart}/measures/new?instrument=bam`);
    await check(page, 390, 'the BAM form');
    await visit('director', ['/reports/outcomes', `${chart}/consents`]);
    await visit('admissions', ['/admissions']);
    const inquiry = await page.locator('main a[href^="/admissions/0"]').first().getAttribute('href');
    await page.goto(`${server.base}${inquiry}`);
    await check(page, 390, 'an inquiry');
    await visit('billing', ['/billing/setup', `${chart}/statement`, `${chart}/coverage`]);
    await visit('admin', ['/admin/users', '/organisation', '/staff']);
  } finally {
    await context.close();
  }
});
