// The browser half of bench/run.sh, in the distribution's headless Chromium (never Playwright's downloads).
//
//   node browser.mjs upload <baseUrl> <user> <password> <bearerToken> <file> <runs>
//       Per run: the dashboard's InputFile (bytes over the SignalR circuit) and fetch() POSTing the
//       same File to /api/files, in the same page; prints {"kind":"upload","run":i,"inputFileSeconds":..,"fetchSeconds":..}.
//   node browser.mjs render <baseUrl> <user> <password> <expectedRows> <loads>
//       Per load: time from page.goto('/') to the grid's rows being visible; one warm-up load first;
//       prints {"kind":"render","load":i,"ms":..}.
//
// One JSON object per line on stdout; anything else goes to stderr.
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.BLAZORVAULT_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const [mode, baseUrl, user, password, ...rest] = process.argv.slice(2);
const emit = o => process.stdout.write(JSON.stringify(o) + '\n');

async function signIn(page) {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#login-username', user);
  await page.fill('#login-password', password);
  await Promise.all([
    page.waitForURL(u => new URL(u).pathname === '/', { timeout: 30_000 }),
    page.click('form button[type=submit]'),
  ]);
}

// The dashboard imports its JS module in its first interactive render: from then on InputFile listens.
async function waitForInteractive(page) {
  await page.waitForFunction(
    // Published, the module's name is fingerprinted: Files/Dashboard.<hash>.razor.js.
    () => performance.getEntriesByType('resource').some(e => /\/Files\/Dashboard\.([^/]+\.)?razor\.js/.test(e.name)),
    null, { timeout: 30_000, polling: 20 });
}

async function upload(page, [token, file, runsText]) {
  const runs = Number(runsText);
  for (let run = 1; run <= runs; run++) {
    // InputFile: choose the file in the dashboard's active input and wait for its row to say Stored.
    await page.goto(`${baseUrl}/`);
    await waitForInteractive(page);
    const started = Date.now();
    await page.setInputFiles('input.drop-zone-input:not([hidden])', file);
    await page.waitForSelector('[data-testid=upload-row][data-upload-state=Stored]', { timeout: 600_000, state: 'attached' });
    const inputFileSeconds = (Date.now() - started) / 1000;
    const failed = await page.$('[data-testid=upload-row][data-upload-state=Failed]');
    if (failed) throw new Error(`InputFile upload failed: ${await failed.innerText()}`);

    // fetch(): the same File object type (from a plain file input of our own), streamed as the request body.
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.type = 'file';
      input.id = 'bench-file';
      input.hidden = true;
      document.body.append(input);
    });
    await page.setInputFiles('#bench-file', file);
    const fetchResult = await page.evaluate(async ({ token, run }) => {
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
    if (fetchResult.status !== 201) throw new Error(`fetch upload answered ${fetchResult.status}`);
    emit({ kind: 'upload', run, inputFileSeconds, fetchSeconds: fetchResult.seconds });
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

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', e => process.stderr.write(`page error: ${e.message}\n`));
  await signIn(page);
  if (mode === 'upload') await upload(page, rest);
  else if (mode === 'render') await render(page, rest);
  else throw new Error(`unknown mode ${mode}`);
} finally {
  await browser.close();
}
