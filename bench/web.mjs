// bench/web.mjs SCRIPT [ROUNDS] - how long the playground (build/web, in
// headless Chromium) takes to check SCRIPT: for each round a fresh page
// (warmed up as a student's is), then three checks of every assertion, each
// timed from the click on "Check all" to the verdicts shown, with the CPU
// all of Chromium's processes spent meanwhile. Run by bench/web.sh, which
// times the native build in the same run.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { chromium } = await import(path.join(root, 'web/node_modules/playwright-core/index.mjs'));
const site = path.resolve(process.env.CSPI_WEB || path.join(root, 'build/web'));
const url = pathToFileURL(path.join(site, 'index.html')).href;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const CHECKS_PER_PAGE = 3;
const WAIT_MS = 120000;
const TICKS_PER_SECOND = 100;   /* /proc/PID/stat's clock ticks (USER_HZ) */

/* Seconds of CPU (user + system) of every Chromium process so far. */
function chromiumCpu() {
  let ticks = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!/chrom/i.test(fs.readFileSync(`/proc/${pid}/comm`, 'utf8'))) continue;
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += +fields[11] + +fields[12];
    } catch { /* the process ended meanwhile */ }
  }
  return ticks / TICKS_PER_SECOND;
}

const text = fs.readFileSync(process.argv[2], 'utf8');
const rounds = +(process.argv[3] || 3);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
for (let round = 0; round < rounds; round++) {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-warmed]', { timeout: WAIT_MS });
  const loaded = await page.getAttribute('body', 'data-loaded');
  await page.evaluate((t) => {
    const v = window.cspiEditor;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: t } });
  }, text);
  await page.waitForFunction((b) => document.body.dataset.loaded !== b, loaded, { timeout: WAIT_MS });
  await page.click('#tabs button[data-tab="check"]');
  const checks = [];
  for (let k = 0; k < CHECKS_PER_PAGE; k++) {
    const cpu0 = chromiumCpu(), t0 = performance.now();
    await page.click('#check-all');
    await page.waitForFunction(() => !document.getElementById('check-all').disabled &&
      !document.querySelector('#assertions .verdict.running'), null, { timeout: WAIT_MS, polling: 10 });
    checks.push(`${((performance.now() - t0) / 1000).toFixed(2)} s (${(chromiumCpu() - cpu0).toFixed(2)} s CPU)`);
  }
  const verdicts = await page.$$eval('#assertions .verdict', (v) => v.map((x) => x.textContent).join(' '));
  console.log(`page ${round + 1}: ${checks.join(', ')}: ${verdicts}`);
  await page.close();
}
await browser.close();
