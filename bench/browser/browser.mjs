// The browser half of bench/run.sh, in the distribution's headless Chromium (never Playwright's downloads).
//
//   node browser.mjs upload <baseUrl> <user> <password> <bearerToken> <file> <runs> <signalrBaseUrl>
//       Per run, the same file three ways: the dashboard on <baseUrl> (default threshold: tus PATCHes
//       over HTTP), the dashboard on <signalrBaseUrl> (a second instance whose threshold is above the
//       file's size: bytes over the SignalR circuit; same user name and password there), and fetch()
//       POSTing it to <baseUrl>/api/files with the bearer token; prints
//       {"kind":"upload","run":i,"signalrSeconds":..,"tusSeconds":..,"fetchSeconds":..}.
//   node browser.mjs threshold <tusBaseUrl> <user> <password> <signalrBaseUrl> <runs> <file...>
//       Per run and file, the dashboard's upload on <signalrBaseUrl> (every file over the circuit) and
//       on <tusBaseUrl> (an instance whose threshold is 0: every file over tus), to find the size below
//       which the circuit is as fast (after one unmeasured upload each way); prints {"kind":"threshold","run":i,"bytes":..,"signalrSeconds":..,"tusSeconds":..}.
//   node browser.mjs render <baseUrl> <user> <password> <expectedRows> <loads>
//       Per load: time from page.goto('/') to the grid's rows being visible; one warm-up load first;
//       prints {"kind":"render","load":i,"ms":..}.
//   node browser.mjs gallery <baseUrl> <user> <password> <folderId> <files> <label>
//       Opens the folder in the grid layout (switching to it first) and, page by page, scrolls each
//       card into view until every card's thumbnail has loaded (made on demand where missing); prints
//       {"kind":"gallery","label":..,"ms":..,"pages":..} for the time from navigation to the last page's last thumbnail.
//
// One JSON object per line on stdout; anything else goes to stderr.
import { chromium } from 'playwright-core';
import { linkSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const CHROMIUM = process.env.BLAZORVAULT_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const [mode, baseUrl, user, password, ...rest] = process.argv.slice(2);
const emit = o => process.stdout.write(JSON.stringify(o) + '\n');

async function signIn(page, base = baseUrl) {
  await page.goto(`${base}/login`);
  await page.fill('#login-username', user);
  await page.fill('#login-password', password);
  await Promise.all([
    page.waitForURL(u => new URL(u).pathname === '/', { timeout: 30_000 }),
    page.click('form button[type=submit]'),
  ]);
}

// The dashboard sets data-circuit-ready on <body> after its first interactive render: from then on
// InputFile listens.
async function waitForInteractive(page) {
  await page.waitForSelector('body[data-circuit-ready]', { timeout: 30_000, state: 'attached' });
}

// The dashboard's own upload: choose the file in its active InputFile, wait for the upload row to say
// Stored (after the server answered; the row is the user's "done"). Which path the bytes take (the
// SignalR circuit or tus PATCHes over HTTP) is the server's Vault:Uploads:BrowserThresholdBytes.
// Timed on the page's own clock, like fetch() below: from the input's change event to the DOM change
// that shows the row Stored (a MutationObserver), so that Playwright's own latencies (setInputFiles over
// the DevTools protocol, waitForSelector's polling) count on neither side.
// Each dashboard upload gets a name of its own (a hard link to the same bytes): a name already in the
// folder would stop the batch at the dashboard's "keep both / replace / skip" question.
// The link lives beside the file (the bench's work directory), on the same file system.
let uniqueCount = 0;
function uniquelyNamed(file) {
  const dir = join(dirname(file), `names-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${++uniqueCount}-${basename(file)}`);
  linkSync(file, path);
  return path;
}

async function dashboardUpload(page, base, file, what) {
  file = uniquelyNamed(file);
  await page.goto(`${base}/`);
  await waitForInteractive(page);
  await page.evaluate(() => {
    window.benchTimes = { chosen: 0, done: 0 };
    document.addEventListener('change', () => { window.benchTimes.chosen ||= performance.now(); }, true);
    new MutationObserver(() => {
      if (!window.benchTimes.done && document.querySelector(
        '[data-testid=upload-row][data-upload-state=Stored], [data-testid=upload-row][data-upload-state=Failed]')) {
        window.benchTimes.done = performance.now();
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-upload-state'] });
  });
  await page.setInputFiles('input.drop-zone-input:not([hidden])', file);
  await page.waitForSelector('[data-testid=upload-row][data-upload-state=Stored], [data-testid=upload-row][data-upload-state=Failed]',
    { timeout: 900_000, state: 'attached' });
  const failed = await page.$('[data-testid=upload-row][data-upload-state=Failed]');
  if (failed) throw new Error(`${what} upload failed: ${await failed.innerText()}`);
  const { chosen, done } = await page.evaluate(() => window.benchTimes);
  if (!chosen || !done) throw new Error(`${what} upload: no change event or Stored row seen by the page`);
  return (done - chosen) / 1000;
}

// fetch(): the same file (from a plain file input of our own), streamed as one POST body to /api/files.
async function fetchUpload(page, file, token, run) {
  await page.goto(`${baseUrl}/`);
  await waitForInteractive(page);
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'bench-file';
    input.hidden = true;
    document.body.append(input);
  });
  await page.setInputFiles('#bench-file', file);
  const result = await page.evaluate(async ({ token, run }) => {
    const chosen = document.getElementById('bench-file').files[0];
    const t0 = performance.now();
    const response = await fetch(`/api/files?name=${encodeURIComponent(`fetch-${run}-${chosen.name}`)}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
      body: chosen,
    });
    await response.text();
    return { status: response.status, seconds: (performance.now() - t0) / 1000 };
  }, { token, run });
  if (result.status !== 201) throw new Error(`fetch upload answered ${result.status}`);
  return result.seconds;
}

// tusPage: signed in on baseUrl (default threshold: the dashboard sends the file with tus);
// circuitPage: signed in on signalrUrl, an instance whose threshold is above the file's size.
async function upload(tusPage, circuitPage, [token, file, runsText, signalrUrl]) {
  const runs = Number(runsText);
  for (let run = 1; run <= runs; run++) {
    const seconds = {};
    // Alternate the order so that no path always follows another's writeback.
    const order = run % 2 ? ['signalr', 'tus', 'fetch'] : ['fetch', 'tus', 'signalr'];
    for (const who of order) {
      if (who === 'signalr') seconds.signalrSeconds = await dashboardUpload(circuitPage, signalrUrl, file, 'SignalR');
      else if (who === 'tus') seconds.tusSeconds = await dashboardUpload(tusPage, baseUrl, file, 'tus');
      else seconds.fetchSeconds = await fetchUpload(tusPage, file, token, run);
    }
    emit({ kind: 'upload', run, ...seconds });
  }
}

// tusPage: signed in on an instance with threshold 0; circuitPage: on one whose threshold is above every file.
async function threshold(tusPage, circuitPage, [signalrUrl, runsText, ...files]) {
  const { statSync } = await import('node:fs');
  // One unmeasured upload each way first: the fresh instances' first requests pay for JIT and caches.
  await dashboardUpload(circuitPage, signalrUrl, files[0], 'SignalR warm-up');
  await dashboardUpload(tusPage, baseUrl, files[0], 'tus warm-up');
  for (let run = 1; run <= Number(runsText); run++) {
    for (const file of files) {
      const seconds = {};
      const order = run % 2 ? ['signalr', 'tus'] : ['tus', 'signalr'];
      for (const who of order) {
        if (who === 'signalr') seconds.signalrSeconds = await dashboardUpload(circuitPage, signalrUrl, file, 'SignalR');
        else seconds.tusSeconds = await dashboardUpload(tusPage, baseUrl, file, 'tus');
      }
      emit({ kind: 'threshold', run, bytes: statSync(file).size, ...seconds });
    }
  }
}

async function render(page, [expectedText, loadsText]) {
  const expected = Number(expectedText);
  const loads = Number(loadsText);
  for (let load = 0; load <= loads; load++) {
    await page.goto('about:blank');
    const started = Date.now();
    await page.goto(`${baseUrl}/`, { waitUntil: 'commit' });
    await page.waitForFunction(
      n => [...document.querySelectorAll('.file-grid [data-testid=file-name]')].filter(e => e.offsetParent !== null).length >= n,
      expected, { timeout: 120_000, polling: 'raf' });
    const ms = Date.now() - started;
    // Load 0 warms up the circuit and caches; it is not reported.
    if (load > 0) emit({ kind: 'render', load, ms });
  }
}

// Every card of the page shown has an <img> (the server says its thumbnail is made) that has loaded.
async function allThumbnailsLoaded(page) {
  return page.evaluate(() => {
    const cards = [...document.querySelectorAll('[data-testid=gallery-card]')];
    return cards.length > 0 && cards.every(card => {
      const img = card.querySelector('img[data-testid=gallery-thumb]');
      return img && img.complete && img.naturalWidth > 0;
    });
  });
}

async function gallery(page, [folderId, filesText, label]) {
  const files = Number(filesText);
  await page.goto(`${baseUrl}/`);
  await waitForInteractive(page);
  if (!await page.locator('[data-testid=layout-grid].active').count()) {
    await page.click('[data-testid=layout-grid]');
    await page.waitForSelector('[data-testid=layout-grid].active');
  }
  await page.goto('about:blank');
  const started = Date.now();
  await page.goto(`${baseUrl}/folders/${folderId}`, { waitUntil: 'commit' });
  let seen = 0, pages = 0;
  while (seen < files) {
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=gallery-card]').length > 0, null, { timeout: 60_000 });
    const range = await page.locator('[data-testid=pager-range]').textContent().catch(() => null);
    // Scroll through the page: lazy images load as they come into view; made ones pop in while we wait.
    const deadline = Date.now() + 120_000;
    while (!await allThumbnailsLoaded(page)) {
      if (Date.now() > deadline) throw new Error(`gallery ${label}: thumbnails of page ${pages + 1} did not all load`);
      await page.evaluate(() => {
        for (const card of document.querySelectorAll('[data-testid=gallery-card]')) {
          const img = card.querySelector('img[data-testid=gallery-thumb]');
          if (!img || !img.complete || img.naturalWidth === 0) { card.scrollIntoView({ block: 'center' }); return; }
        }
      });
      await page.waitForTimeout(20);
    }
    seen += await page.locator('[data-testid=gallery-card]').count();
    pages++;
    if (seen < files) {
      if (!range) throw new Error(`gallery ${label}: ${seen} of ${files} cards and no pager`);
      const first = await page.locator('[data-testid=gallery-card]').first().textContent();
      await page.locator('[data-testid=pager] button', { hasText: 'Next' }).click();
      await page.waitForFunction(
        f => document.querySelector('[data-testid=gallery-card]')?.textContent !== f, first, { timeout: 60_000 });
    }
  }
  emit({ kind: 'gallery', label, ms: Date.now() - started, pages });
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
try {
  const newPage = async base => {
    const page = await (await browser.newContext()).newPage();
    page.on('pageerror', e => process.stderr.write(`page error: ${e.message}\n`));
    await signIn(page, base);
    return page;
  };
  const page = await newPage(baseUrl);
  if (mode === 'upload') await upload(page, await newPage(rest[3]), rest);
  else if (mode === 'threshold') await threshold(page, await newPage(rest[0]), rest);
  else if (mode === 'render') await render(page, rest);
  else if (mode === 'gallery') await gallery(page, rest);
  else throw new Error(`unknown mode ${mode}`);
} finally {
  await browser.close();
}
