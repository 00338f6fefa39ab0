// End-to-end journeys through Guildhall's pages in headless Chromium
// (Debian's `chromium`, driven by playwright-core), against a running
// instance with two accounts. Run by tests/it/browser.rs; by hand:
//
//   GUILDHALL_URL=http://localhost:8080 GUILDHALL_USERS=ada,grace \
//   GUILDHALL_PASSWORD='correct horse battery' node tests/browser/journeys.mjs
//
// With JavaScript on (the pages ship none; the CSP forbids it anyway):
// sign in, start a community with a charter (a bad field first), post,
// reply, an XSS attempt, plan an event and RSVP, give kudos (an unknown
// recipient first), edit the charter and compare versions, remove a post
// as a moderator, search the directory, block an instance as an admin, a
// forged CSRF token, an expired session. With JavaScript off: sign in, join, post, RSVP, reply. Each main page is checked with axe-core
// (serious or critical violations fail), for overflow at 360 px, and saved
// as screenshots at 1280 and 375 px in GUILDHALL_ARTIFACTS.

import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import path from 'node:path';

const base = process.env.GUILDHALL_URL;
const [alice, bob] = (process.env.GUILDHALL_USERS ?? 'ada,grace').split(',');
const password = process.env.GUILDHALL_PASSWORD ?? 'correct horse battery';
const artifacts = process.env.GUILDHALL_ARTIFACTS ?? 'target/browser-artifacts';
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
assert.ok(base, 'GUILDHALL_URL is required');
mkdirSync(artifacts, { recursive: true });

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const axeReport = {};

function log(line) {
  console.log(line);
}

async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
  } catch (err) {
    log(`FAIL ${name}`);
    throw err;
  }
  log(`ok   ${name} (${Date.now() - started} ms)`);
}

/** Fails the journey if the page ever runs a dialog (an XSS would). */
function watch(page) {
  page.on('dialog', async (dialog) => {
    log(`FAIL a dialog opened: ${dialog.message()}`);
    process.exitCode = 1;
    await dialog.dismiss();
  });
}

async function signIn(page, user, { path: from = '/login' } = {}) {
  if (from) await page.goto(base + from);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState();
}

/** The message shown next to the field with id `id`. */
async function fieldError(page, id) {
  return page.locator(`[id="${id}-error"]`).innerText();
}

/**
 * Checks the page with axe-core, checks that nothing overflows at 360 px,
 * and saves screenshots at 1280 and 375 px wide.
 */
async function inspect(page, name) {
  const found = {};
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.evaluate(axeSource);
    const result = await page.evaluate(() =>
      // eslint-disable-next-line no-undef
      axe.run(document, { resultTypes: ['violations'] }),
    );
    for (const v of result.violations) {
      found[v.id] = { impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) };
    }
    await page.screenshot({ path: path.join(artifacts, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 360, height: 800 });
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  await page.setViewportSize({ width: 1280, height: 900 });
  axeReport[name] = found;
  const serious = Object.entries(found).filter(([, v]) => ['serious', 'critical'].includes(v.impact));
  assert.deepEqual(serious, [], `axe-core on ${name}: ${JSON.stringify(serious, null, 1)}`);
  assert.ok(overflow <= 0, `${name} overflows a 360 px screen by ${overflow} px`);
  log(`     ${name}: axe ${Object.keys(found).length ? JSON.stringify(Object.keys(found)) : 'clean'}, screenshots saved`);
}

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  watch(page);
  let threadPath;
  let eventPath;
  let xssPath;

  await step('a form page sends a signed-out visitor to sign in, and back', async () => {
    await page.goto(`${base}/communities/new`);
    assert.match(page.url(), /\/login\?next=%2Fcommunities%2Fnew$/);
    await inspect(page, 'sign-in');
    await signIn(page, alice, { path: null });
    assert.equal(new URL(page.url()).pathname, '/communities/new');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByRole('navigation', { name: 'Site' }).getByText(alice).waitFor();
  });

  await step('a community is started with its charter; a bad field is shown next to it, what was typed kept', async () => {
    await page.getByLabel('Handle').fill('secguild');
    await page.getByLabel('Title', { exact: true }).fill('Security Guild');
    await page.getByLabel('Summary').fill('Practitioners raising the **security** bar across teams.');
    await page.getByLabel('Domain', { exact: true }).fill('Application security');
    await page.getByLabel('Topics').fill('threat modelling, appsec');
    await page.getByLabel('Purpose').fill('Raise the security bar of every product team.');
    await page.getByLabel('Who it is for', { exact: true }).fill('Developers, testers and architects who care about security.');
    await page.getByLabel('Where and how often it meets').fill('Every second Tuesday, 09:00 Berlin time, room 4 and online.');
    await page.getByLabel('Practice 1 name').fill('Threat modelling clinic');
    await page.getByLabel('Cadence').first().fill('fortnightly');
    await page.getByLabel('Content link 1 label').fill('Wiki');
    await page.getByLabel('Address').first().fill('https://wiki.example.org/secguild');
    await page.getByLabel('Stage', { exact: true }).selectOption('active');
    await page.getByLabel('Languages').fill('en, english!');
    await inspect(page, 'new-community');
    await page.getByRole('button', { name: 'Start the community' }).click();
    assert.match(await fieldError(page, 'charter.languages'), /BCP 47/);
    assert.equal(await page.getByLabel('Purpose').inputValue(), 'Raise the security bar of every product team.');
    assert.equal(await page.getByLabel('Languages').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Languages').fill('en, de');
    await page.getByRole('button', { name: 'Start the community' }).click();
    assert.equal(new URL(page.url()).pathname, '/c/secguild');
    await page.getByRole('heading', { level: 1, name: 'Security Guild' }).waitFor();
    await page.getByText('Raise the security bar of every product team.').waitFor();
  });

  await step('a post is written and opens as its thread', async () => {
    await page.getByRole('link', { name: 'Write a post' }).click();
    await page.getByLabel('Title').fill('Our first threat model');
    await page.getByLabel('Text').fill('We modelled the **payment flow** today. Notes to follow.');
    await page.getByRole('button', { name: 'Publish' }).click();
    assert.match(page.url(), /\/p\/\d+$/);
    threadPath = new URL(page.url()).pathname;
    await page.getByRole('heading', { level: 1, name: 'Our first threat model' }).waitFor();
    await page.locator('article strong', { hasText: 'payment flow' }).waitFor();
  });

  await step('a reply shows in the thread', async () => {
    await page.getByLabel('Your reply').fill('Thanks! The refund path needs a look too.');
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    await page.getByText('The refund path needs a look too.').waitFor();
    await page.getByRole('heading', { name: '1 reply' }).waitFor();
    await inspect(page, 'thread');
  });

  await step('an XSS attempt in a post shows as text and runs nothing', async () => {
    const title = '<script>alert("title")</script><img src=x onerror=alert(1)>';
    await page.goto(`${base}/c/secguild/posts/new`);
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Text').fill('Hello <script>alert("body")</script><img src="x" onerror="alert(2)"> [link](javascript:alert(3))');
    await page.getByRole('button', { name: 'Publish' }).click();
    assert.equal(await page.locator('h1').innerText(), title);
    assert.equal(await page.locator('main script').count(), 0);
    assert.equal(await page.locator('main [onerror]').count(), 0);
    assert.equal(await page.locator('main a[href^="javascript:"]').count(), 0);
    assert.equal(process.exitCode ?? 0, 0, 'no dialog opened');
    xssPath = new URL(page.url()).pathname;
  });

  await step('an event is planned and answered: going', async () => {
    await page.goto(`${base}/c/secguild`);
    await page.getByRole('link', { name: 'Plan an event' }).click();
    await page.getByLabel('Title').fill('Threat modelling clinic');
    await page.getByLabel('What happens').fill('Bring a design; we model it together.');
    await page.getByLabel('Starts').fill('2027-03-09T09:00');
    await page.getByLabel('Ends').fill('2027-03-09T10:30');
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await page.getByLabel('Place', { exact: true }).fill('Room 4');
    await page.getByRole('button', { name: 'Create the event' }).click();
    assert.match(page.url(), /\/events\/\d+$/);
    eventPath = new URL(page.url()).pathname;
    await page.getByRole('heading', { level: 1, name: 'Threat modelling clinic' }).waitFor();
    await page.getByRole('button', { name: 'Going', exact: true }).click();
    await page.getByText('Your answer: Going').waitFor();
    assert.match(await page.locator('#rsvp').innerText(), /1\s+going/);
    await inspect(page, 'event');
  });

  await step('kudos are given; an unknown recipient is shown next to the field', async () => {
    await page.goto(`${base}/c/secguild`);
    await page.getByRole('link', { name: 'Give kudos' }).click();
    await page.getByLabel('Who you thank').fill('nobody-here');
    await page.getByLabel('What for').fill('running the incident drill');
    await page.getByRole('button', { name: 'Give kudos' }).click();
    assert.match(await fieldError(page, 'recipient'), /nobody-here/);
    assert.equal(await page.getByLabel('What for').inputValue(), 'running the incident drill');
    await page.getByLabel('Who you thank').fill(bob);
    await page.getByRole('button', { name: 'Give kudos' }).click();
    assert.equal(new URL(page.url()).pathname, '/c/secguild');
    await page.locator('#kudos ~ ul.kudos', { hasText: 'running the incident drill' }).waitFor();
    await inspect(page, 'community');
  });

  await step('the charter is edited, and the history shows what changed', async () => {
    await page.goto(`${base}/c/secguild/charter`);
    await inspect(page, 'charter-editor');
    await page.getByLabel('Purpose').fill('Raise the security bar of every product team, together.');
    await page.getByRole('button', { name: 'Save a new version' }).click();
    await page.getByText('Raise the security bar of every product team, together.').waitFor();
    await page.getByRole('link', { name: 'history' }).click();
    await page.getByRole('heading', { name: 'Changes from version 1 to 2' }).waitFor();
    assert.match(await page.locator('.diff del').first().innerText(), /every product team\.$/);
    assert.match(await page.locator('.diff ins').first().innerText(), /together\.$/);
    await inspect(page, 'charter-history');
  });

  await step('a moderator removes a post with a reason, and the log shows it', async () => {
    await page.goto(base + xssPath);
    await page.getByText('Moderate this post').click();
    await page.getByLabel('Action').selectOption('remove');
    await page.getByLabel('Reason').fill('script injection attempt');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.goto(`${base}/c/secguild`);
    await page.getByRole('link', { name: 'Moderation: bans and the log' }).click();
    await page.getByRole('cell', { name: 'script injection attempt' }).waitFor();
    await page.getByRole('cell', { name: 'remove_post' }).waitFor();
    await inspect(page, 'moderation');
  });

  await step('the directory finds the community by words and filters', async () => {
    await page.goto(base + '/');
    await inspect(page, 'front');
    await page.getByLabel('Search').fill('threat modelling');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Security Guild' }).waitFor();
    await page.getByLabel('Stage').selectOption('dormant');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No community matches this search.').waitFor();
    await page.getByLabel('Stage').selectOption('active');
    await page.getByLabel('Language').fill('de');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Security Guild' }).waitFor();
    await inspect(page, 'directory');
    await page.getByLabel('Language').fill('not a tag!');
    await page.getByRole('button', { name: 'Search' }).click();
    assert.match(await fieldError(page, 'lang'), /language tag/);
  });

  await step('an admin blocks an instance and sees its delivery state', async () => {
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('textbox', { name: 'Instance (required)' }).fill('spam.example');
    await page.getByLabel('Action').selectOption('block');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('rowheader', { name: 'spam.example' }).waitFor();
    await page.getByRole('cell', { name: 'blocked' }).waitFor();
    await inspect(page, 'admin');
  });

  await step('a forged CSRF token gets a clear 403 page and changes nothing', async () => {
    const res = await context.request.post(`${base}/c/secguild/posts`, {
      form: { title: 'forged', content: 'from elsewhere', csrf: 'forged-token' },
      maxRedirects: 0,
    });
    assert.equal(res.status(), 403);
    assert.match(await res.text(), /This form expired or did not come from this site/);
    await page.goto(`${base}/c/secguild`);
    assert.equal(await page.getByText('from elsewhere').count(), 0);
  });

  await step('an expired session sends the visitor to sign in, and back to the form', async () => {
    await context.clearCookies({ name: 'guildhall_session' });
    await page.goto(`${base}/c/secguild/posts/new`);
    assert.match(page.url(), /\/login\?next=/);
    await signIn(page, alice, { path: null });
    assert.equal(new URL(page.url()).pathname, '/c/secguild/posts/new');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
  });

  // The same journeys with JavaScript off: the pages never needed it.
  const noScript = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 800 } });
  const plain = await noScript.newPage();
  watch(plain);

  await step('without JavaScript: sign in, join, post', async () => {
    await signIn(plain, bob, { path: '/login?next=/c/secguild' });
    assert.equal(new URL(plain.url()).pathname, '/c/secguild');
    await plain.getByRole('button', { name: 'Join Security Guild' }).click();
    await plain.getByText('You are a member.').waitFor();
    await plain.getByRole('link', { name: 'Write a post' }).click();
    await plain.getByLabel('Title').fill('Posted without JavaScript');
    await plain.getByLabel('Text').fill('Forms work with scripts off.');
    await plain.getByRole('button', { name: 'Publish' }).click();
    await plain.getByRole('heading', { level: 1, name: 'Posted without JavaScript' }).waitFor();
    await plain.screenshot({ path: path.join(artifacts, 'no-js-thread-375.png'), fullPage: true });
  });

  await step('without JavaScript: RSVP', async () => {
    await plain.goto(base + eventPath);
    await plain.getByRole('button', { name: 'Interested', exact: true }).click();
    await plain.getByText('Your answer: Interested').waitFor();
    assert.match(await plain.locator('#rsvp').innerText(), /1\s+going\s+·\s+1\s+interested/);
    await plain.screenshot({ path: path.join(artifacts, 'no-js-event-375.png'), fullPage: true });
  });

  await step('without JavaScript: the reply form works too', async () => {
    await plain.goto(base + threadPath);
    await plain.getByLabel('Your reply').fill('Replying with scripts off.');
    await plain.getByRole('button', { name: 'Reply', exact: true }).click();
    await plain.getByText('Replying with scripts off.').waitFor();
  });
} finally {
  writeFileSync(path.join(artifacts, 'axe.json'), JSON.stringify(axeReport, null, 2));
  await browser.close();
}
log(`screenshots and axe.json in ${artifacts}`);
