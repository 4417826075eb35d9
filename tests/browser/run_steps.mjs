// Drives Debian's Chromium (playwright-core, no browser download) through a list
// of conversation steps on the chat page or a page with the widget.
//
//   node tests/browser/run_steps.mjs scenario.json
//
// scenario.json: {baseUrl, steps: [...], artifactsDir, controlUrl?, widget?}
// Prints one JSON object on the last line of stdout:
//   {ok, error, failedStep, sessionIds, axe, consoleErrors, screenshots, timings}
//
// Steps (one key each, plus optional "timeout" in ms):
//   {"open": "/chat?regio=..."}            path on baseUrl, or a full URL
//   {"host_page": {"url": "...", "html": "..."}}  serve html at url (a region's site)
//   {"launcher": true}                     open the widget
//   {"expect_bot": "regex"}                a new bot message matches
//   {"expect_image": "alt regex"}          a new bot image with that alt text, loaded
//   {"click": "Title"}                     click quick reply; its title shows as the user's message
//   {"key_reply": "Title"}                 same, by keyboard only (Shift+Tab from the input, Enter)
//   {"type": "text"}                       type into the input and press Enter
//   {"type_kept": "text"}                  same, but the page must not send it: the text stays in the input
//   {"reload": true}                       reload; transcript and session id must survive
//   {"outage": 3000}                       ask controlUrl to stop the Rasa server for 3 s
//   {"expect_status": "regex"}             the status line (role=status) matches
//   {"expect_user_pending": true}          the last user message waits to be sent
//   {"expect_html_excludes": "text"}       the page's HTML does not contain text
//   {"expect_bot_count": "regex", "count": n}  exactly n bot messages match (after a 1.5 s settle)
//   {"expect_bubbles_between": {"from": "regex", "to": "regex", "max": n}}
//                                          at most n bot messages from the first matching `from`
//                                          up to (not counting) the first matching `to` after it
//   {"expect_image_text_px": {"min": 12, "drawn_px": 28}}  the last bot image is shown so large
//                                          that text drawn drawn_px high in it is at least min px
//   {"axe": true}                          axe-core WCAG 2.1 A/AA: no serious or critical
//   {"screenshot": "name.png"}             saved under artifactsDir
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const scenario = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const base = scenario.baseUrl.replace(/\/$/, '');
const artifacts = scenario.artifactsDir || 'tests/artifacts';
const result = { ok: false, error: null, failedStep: null, sessionIds: [], axe: [],
  consoleErrors: [], pageErrors: [], screenshots: [], timings: [] };

const BOT = '.lp-msg--bot';
const USER = '.lp-msg--user';
let mark = 0; // bot messages present before the last user action

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

async function waitFor(fn, timeout, what) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
}

async function botTexts(page) { return page.locator(BOT).allTextContents(); }

async function storedSession(page) {
  return page.evaluate(() => {
    for (const key of ['leerpunt.chat.page', 'leerpunt.chat.widget']) {
      const raw = window.sessionStorage.getItem(key);
      if (raw) return JSON.parse(raw);
    }
    return null;
  });
}

async function deepActiveText(page) {
  return page.evaluate(() => {
    let a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    return a ? (a.textContent || '').trim() + '|' + a.className : '';
  });
}

async function expectUserShown(page, title, timeout) {
  await waitFor(async () => {
    const users = await page.locator(USER).allTextContents();
    return users.length && users[users.length - 1].includes(title);
  }, timeout, `user message "${title}"`);
}

async function runStep(page, step, timeout) {
  if (step.open !== undefined) {
    const url = /^https?:/.test(step.open) ? step.open : base + step.open;
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    mark = 0;
  } else if (step.host_page) {
    const { url, html } = step.host_page;
    await page.route(url.split('?')[0] + '*', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    mark = 0;
  } else if (step.launcher) {
    await page.locator('.lp-launcher').click({ timeout });
    await page.locator('.lp-input').waitFor({ timeout });
  } else if (step.expect_bot !== undefined) {
    const re = new RegExp(step.expect_bot);
    await waitFor(async () => (await botTexts(page)).slice(mark).some((t) => re.test(t)),
      timeout, `a bot message matching /${step.expect_bot}/`);
  } else if (step.expect_image !== undefined) {
    const re = new RegExp(step.expect_image);
    await waitFor(async () => page.locator(`${BOT} img`).evaluateAll((imgs, src) => {
      const r = new RegExp(src);
      return imgs.some((i) => r.test(i.alt) && i.complete && i.naturalWidth > 0);
    }, re.source), timeout, `a loaded bot image with alt /${step.expect_image}/`);
  } else if (step.click !== undefined) {
    mark = (await botTexts(page)).length;
    const group = page.locator('.lp-replies').last();
    await group.getByRole('button', { name: step.click, exact: true }).click({ timeout });
    await expectUserShown(page, step.click, timeout);
  } else if (step.key_reply !== undefined) {
    mark = (await botTexts(page)).length;
    await page.locator('.lp-input').focus();
    let found = false;
    for (let i = 0; i < 30 && !found; i++) {
      await page.keyboard.press('Shift+Tab');
      const active = await deepActiveText(page);
      found = active.startsWith(step.key_reply + '|') && active.includes('lp-reply');
    }
    if (!found) throw new Error(`quick reply "${step.key_reply}" not reachable by keyboard`);
    await page.keyboard.press('Enter');
    await expectUserShown(page, step.key_reply, timeout);
  } else if (step.type !== undefined) {
    mark = (await botTexts(page)).length;
    const input = page.locator('.lp-input');
    await input.fill(step.type);
    await input.press('Enter');
    await expectUserShown(page, step.type, timeout);
  } else if (step.type_kept !== undefined) {
    const input = page.locator('.lp-input');
    const users = await page.locator(USER).count();
    await input.fill(step.type_kept);
    await input.press('Enter');
    await sleep(500);
    if ((await input.inputValue()) !== step.type_kept) throw new Error('the input lost or cut the text');
    if ((await page.locator(USER).count()) !== users) throw new Error('the text was sent');
  } else if (step.expect_bubbles_between !== undefined) {
    const { from, to, max } = step.expect_bubbles_between;
    const all = await botTexts(page);
    const start = all.findIndex((t) => new RegExp(from).test(t));
    if (start < 0) throw new Error(`no bot message matches /${from}/`);
    const end = all.findIndex((t, i) => i > start && new RegExp(to).test(t));
    if (end < 0) throw new Error(`no bot message after /${from}/ matches /${to}/`);
    if (end - start > max) throw new Error(`${end - start} bot messages from /${from}/ to /${to}/, at most ${max}`);
  } else if (step.expect_image_text_px !== undefined) {
    const { min, drawn_px: drawn } = step.expect_image_text_px;
    const img = page.locator(`${BOT} img`).last();
    await img.waitFor({ timeout });
    const size = await img.evaluate((el) => ({ shown: el.getBoundingClientRect().width, natural: el.naturalWidth }));
    const px = drawn * size.shown / size.natural;
    if (!(px >= min)) throw new Error(`image text shown at ${px.toFixed(1)} px (image ${size.natural} px shown ${size.shown.toFixed(0)} px), at least ${min}`);
  } else if (step.reload) {
    const before = await storedSession(page);
    const count = await page.locator('.lp-msg').count();
    await page.reload({ waitUntil: 'domcontentloaded' });
    if (scenario.widget) {
      // the widget reopens itself when the tab had it open
      await page.locator('.lp-input').waitFor({ timeout });
    }
    await waitFor(async () => (await page.locator('.lp-msg').count()) === count,
      timeout, `the transcript of ${count} messages after reload`);
    const after = await storedSession(page);
    if (!before || !after || before.sessionId !== after.sessionId) {
      throw new Error('session id changed on reload');
    }
    mark = (await botTexts(page)).length;
  } else if (step.outage !== undefined) {
    if (!scenario.controlUrl) throw new Error('outage step needs controlUrl');
    const res = await fetch(`${scenario.controlUrl}/outage?ms=${step.outage}`, { method: 'POST' });
    if (!res.ok) throw new Error(`control server: ${res.status}`);
  } else if (step.expect_status !== undefined) {
    const re = new RegExp(step.expect_status);
    await waitFor(async () => re.test(await page.locator('.lp-status').textContent()),
      timeout, `status matching /${step.expect_status}/`);
  } else if (step.expect_user_pending) {
    await waitFor(async () => (await page.locator(`${USER}.lp-msg--pending`).count()) > 0,
      timeout, 'a pending user message');
  } else if (step.expect_bot_count !== undefined) {
    await sleep(1500); // a late duplicate would have arrived by now
    const re = new RegExp(step.expect_bot_count);
    const n = (await botTexts(page)).filter((t) => re.test(t)).length;
    if (n !== step.count) throw new Error(`${n} bot messages match /${step.expect_bot_count}/, expected ${step.count}`);
  } else if (step.expect_html_excludes !== undefined) {
    const html = await page.content();
    if (html.includes(step.expect_html_excludes)) {
      throw new Error(`page contains ${JSON.stringify(step.expect_html_excludes)}`);
    }
  } else if (step.axe) {
    const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
    if (!hasAxe) await page.addScriptTag({ url: `${base}/static/vendor/axe.min.js` });
    const found = await page.evaluate(async () => {
      const r = await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    });
    result.axe.push(...found);
    const bad = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    if (bad.length) throw new Error(`axe: ${JSON.stringify(bad)}`);
  } else if (step.screenshot) {
    mkdirSync(artifacts, { recursive: true });
    const path = join(artifacts, step.screenshot);
    await page.screenshot({ path, fullPage: false });
    result.screenshots.push(path);
  } else {
    throw new Error(`unknown step ${JSON.stringify(step)}`);
  }
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  const context = await browser.newContext({
    viewport: scenario.viewport || { width: 390, height: 844 },
    deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'nl-NL',
  });
  const page = await context.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') result.consoleErrors.push(msg.text()); });
  page.on('pageerror', (err) => result.pageErrors.push(String(err)));
  for (let i = 0; i < scenario.steps.length; i++) {
    const step = scenario.steps[i];
    const started = Date.now();
    try {
      await runStep(page, step, step.timeout || scenario.timeout || 10000);
    } catch (err) {
      result.failedStep = { index: i, step };
      result.error = String(err && err.message ? err.message : err);
      mkdirSync(artifacts, { recursive: true });
      const path = join(artifacts, `failed-step-${i}.png`);
      await page.screenshot({ path }).catch(() => {});
      result.screenshots.push(path);
      break;
    }
    result.timings.push({ step: Object.keys(step)[0], ms: Date.now() - started });
    const s = await storedSession(page).catch(() => null);
    if (s && !result.sessionIds.includes(s.sessionId)) result.sessionIds.push(s.sessionId);
  }
  const csp = result.consoleErrors.filter((e) => /Content Security Policy|Refused to/.test(e));
  if (!result.error && result.pageErrors.length) result.error = `page errors: ${result.pageErrors.join('; ')}`;
  if (!result.error && csp.length) result.error = `CSP violations: ${csp.join('; ')}`;
  result.ok = !result.error;
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
