// A counselor writes a new version of a relapse prevention plan (a refused one keeps
// every line) and records a drug screen, both from the chart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, assertAccessible, signIn } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('a relapse prevention plan version and a drug screen are entered from the chart', async () => {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const page = await context.newPage();
  await signIn(page, server.base, 'counselor');
  await page.goto(`${server.base}/census`);
  const chart = await page.locator('main a[href^="/patients/0"]').first().getAttribute('href');
  await page.goto(`${server.base}${chart}`);
  await page.getByRole('link', { name: 'Write a new version of the plan' }).click();
  await assertAccessible(page);
  await page.getByLabel('Reasons for recovery').fill('my daughter\nkeeping my license');
  await page.getByLabel('External triggers (people, places, things)').fill('the bar after work');
  await page.getByLabel('Internal triggers (feelings, thoughts)').fill('loneliness on Sundays');
  await page.getByLabel('Early warning signs').fill('skipping meals\nnot calling my sponsor');
  await page.getByLabel('Coping strategies').fill('urge surfing\ncall before I act');
  await page.getByLabel('Support people, one per line as "name, phone"').fill('Dana Reyes');
  await page.getByLabel(/^If a lapse happens/).fill('Tell Dana and my counselor the same day.');
  await page.getByRole('button', { name: 'Save new version' }).click();
  assert.match(await page.getByRole('alert').textContent(), /name, phone/);
  assert.equal(await page.getByLabel('Early warning signs').inputValue(), 'skipping meals\nnot calling my sponsor');
  await page.getByLabel('Support people, one per line as "name, phone"').fill('Dana Reyes, (502) 555-0110');
  await page.getByRole('button', { name: 'Save new version' }).click();
  assert.match(await page.getByRole('status').first().textContent(), /relapse prevention plan is saved/);

  await page.getByText('Record a drug screen').click();
  const today = await page.getByLabel('Collected on').inputValue();
  await page.getByLabel('fentanyl').selectOption('negative');
  await page.getByLabel('cocaine').selectOption('positive');
  // A screen collected in the future is refused and the panel stays as chosen.
  await page.getByLabel('Collected on').fill('2030-01-02');
  await page.getByRole('button', { name: 'Record drug screen' }).click();
  assert.ok(await page.getByRole('alert').count() > 0, 'a future collection is refused');
  assert.equal(await page.getByLabel('cocaine').inputValue(), 'positive');
  assert.equal(await page.getByLabel('fentanyl').inputValue(), 'negative');
  await page.getByLabel('Collected on').fill(today);
  await page.getByRole('button', { name: 'Record drug screen' }).click();
  assert.match(await page.getByRole('status').first().textContent(), /drug screen is recorded/);
  assert.match(await page.textContent('main'), /cocaine: positive/);
  await assertAccessible(page);
  await context.close();
});

test('a treatment plan with several problems and goals is written in the page', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signIn(page, server.base, 'counselor');
  await page.goto(`${server.base}/census`);
  const chart = await page.locator('main a[href^="/patients/0"]').first().getAttribute('href');
  await page.goto(`${server.base}${chart}`);
  await page.getByRole('link', { name: 'Write a new version of the treatment plan' }).click();
  await assertAccessible(page);
  const boxes = page.locator('fieldset.card');
  const before = await boxes.count();
  const last = boxes.nth(before - 1);
  await last.getByLabel('Problem').fill('Sleep disturbance');
  await last.getByLabel('Goal').fill('Sleeps seven hours on most nights');
  await last.getByLabel(/^Measurable objectives/).fill('Keeps a sleep diary five nights a week by 2027-01-15');
  await last.getByLabel(/^Interventions/).fill('Sleep hygiene psychoeducation');
  await page.getByRole('button', { name: 'Add another goal' }).click();
  assert.equal(await boxes.count(), before + 1, 'one more empty box, nothing lost');
  assert.equal(await boxes.nth(before - 1).getByLabel('Goal').inputValue(), 'Sleeps seven hours on most nights');
  const added = boxes.nth(before);
  await added.getByLabel('Problem').fill('Sleep disturbance');
  await added.getByLabel('Goal').fill('No screens after 10 PM');
  await added.getByLabel(/^Measurable objectives/).fill('Screens off by 10 PM five nights a week by 2027-01-31');
  await added.getByLabel(/^Interventions/).fill('Behavioral activation');
  await page.getByRole('button', { name: 'Save new version' }).click();
  assert.match(await page.getByRole('status').first().textContent(), /treatment plan is saved/);
  const plan = await page.locator('#treatment-plan').textContent();
  assert.match(plan, /Problem: Sleep disturbance/);
  assert.match(plan, /No screens after 10 PM/);
  await context.close();
});
