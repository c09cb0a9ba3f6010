// bench/web.mjs SCRIPT [ROUNDS] - how long the playground (build/web, in
// headless Chromium) takes to check SCRIPT: for each round a fresh page
// (warmed up as a student's is), then three checks of every assertion.
// Each check is timed three ways:
//   page    from the click on "Check all" to the verdicts in the page, timed
//           by the page itself (the DOM changed, then the next frame drawn:
//           the figure given is the frame's);
//   worker  the CPU time the Web Worker's thread (where cspi runs) spent
//           meanwhile: cspi's own work, what the machine's load does not add;
//   driven  as the driver (playwright) saw it, its own click's latency and
//           polling included: the figure of the bench before these two.
// Then, after Stop (afterStop below), the first assertion again, timed from
// the click on Stop. Run by bench/web.sh, which times the native build in
// the same run; its last line, "first", gives the medians over the pages.
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
/* The name Chromium gives a Web Worker's thread (/proc/PID/task/TID/comm). */
const WORKER_THREAD = /^DedicatedWorker/;

/* Seconds the Web Workers' threads of every Chromium process have run so
 * far (schedstat's first field: nanoseconds on a CPU). */
function workerCpu() {
  let ns = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!/chrom/i.test(fs.readFileSync(`/proc/${pid}/comm`, 'utf8'))) continue;
      for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
        if (!WORKER_THREAD.test(fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8'))) continue;
        ns += +fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0];
      }
    } catch { /* the process or thread ended meanwhile */ }
  }
  return ns / 1e9;
}

/* In the page, before its own scripts: a click on "Check all" starts a
 * clock, stopped when every verdict is in (no check running, the button
 * enabled again: the app changes both before its first await, so the
 * observer sees the start as not done), then at the next frame drawn. */
function timeChecks() {
  window.cspiBench = [];
  document.addEventListener('click', (e) => {
    if (e.target && e.target.id === 'check-stop') {
      /* After Stop, the first assertion's verdict again (afterStop). */
      const t0 = performance.now();
      const first = () => document.querySelector('#assertions li[data-n="1"] .verdict');
      let started = false;
      const seen = new MutationObserver(() => {
        if (first().classList.contains('running')) started = true;
        if (!started || first().classList.contains('running')) return;
        seen.disconnect();
        window.cspiStopped = performance.now() - t0;
      });
      seen.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      return;
    }
    if (!e.target || e.target.id !== 'check-all') return;
    const t0 = performance.now();
    const done = () => !document.getElementById('check-all').disabled &&
      !document.querySelector('#assertions .verdict.running');
    const seen = new MutationObserver(() => {
      if (!done()) return;
      seen.disconnect();
      const dom = performance.now() - t0;
      requestAnimationFrame(() => setTimeout(() => window.cspiBench.push({ dom, drawn: performance.now() - t0 })));
    });
    seen.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  }, true);
}

/* After Stop: the page checks the script with a long assertion added,
 * Stop is clicked while that one runs (a fresh worker takes over and the
 * script is loaded in it again), and at once (both clicks in the page)
 * the script's own first assertion is checked again: its time runs from
 * the click on Stop to its verdict, in the page. */
const LONG_ASSERTION = '\nchannel tick\nCOUNT(n) = n < 100000000 & tick -> COUNT(n + 1)\nassert COUNT(0) :[deadlock free]\n';
const STOP_AFTER_MS = 300;

async function setScript(page, t) {
  const loaded = await page.getAttribute('body', 'data-loaded');
  await page.evaluate((x) => {
    const v = window.cspiEditor;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: x } });
  }, t);
  await page.waitForFunction((b) => document.body.dataset.loaded !== b, loaded, { timeout: WAIT_MS });
}

async function afterStop(page, t) {
  await setScript(page, t + LONG_ASSERTION);
  const n = await page.$$eval('#assertions li', (l) => l.length);
  await page.click('#check-all');
  await page.waitForFunction((k) => document.querySelector(`#assertions li[data-n="${k}"] .verdict.running`), n, { timeout: WAIT_MS });
  await new Promise((r) => setTimeout(r, STOP_AFTER_MS));
  await page.evaluate(() => {
    document.getElementById('check-stop').click();
    document.querySelector('#assertions li[data-n="1"] button').click();
  });
  await page.waitForFunction(() => window.cspiStopped, null, { timeout: WAIT_MS, polling: 10 });
  return (await page.evaluate(() => window.cspiStopped)) / 1000;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const s = (x) => x.toFixed(3);

const text = fs.readFileSync(process.argv[2], 'utf8');
const rounds = +(process.argv[3] || 3);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
const firsts = { page: [], worker: [], stop: [] };
for (let round = 0; round < rounds; round++) {
  const page = await browser.newPage();
  await page.addInitScript(timeChecks);
  await page.goto(url);
  await page.waitForSelector('body[data-warmed]', { timeout: WAIT_MS });
  await setScript(page, text);
  await page.click('#tabs button[data-tab="check"]');
  const times = { page: [], worker: [], driven: [] };
  for (let k = 0; k < CHECKS_PER_PAGE; k++) {
    const cpu0 = workerCpu(), t0 = performance.now();
    await page.click('#check-all');
    await page.waitForFunction((n) => window.cspiBench.length > n, k, { timeout: WAIT_MS, polling: 10 });
    times.driven.push((performance.now() - t0) / 1000);
    times.worker.push(workerCpu() - cpu0);
    times.page.push((await page.evaluate((n) => window.cspiBench[n].drawn, k)) / 1000);
  }
  firsts.page.push(times.page[0]);
  firsts.worker.push(times.worker[0]);
  const verdicts = await page.$$eval('#assertions .verdict', (v) => v.map((x) => x.textContent).join(' '));
  const stop = await afterStop(page, text);
  firsts.stop.push(stop);
  const again = await page.textContent('#assertions li[data-n="1"] .verdict');
  console.log(`page ${round + 1}: ${times.page.map(s).join(', ')} s (worker ${times.worker.map(s).join(', ')} s CPU; ` +
    `driven ${times.driven.map((x) => x.toFixed(2)).join(', ')} s): ${verdicts}; after Stop ${s(stop)} s: ${again}`);
  await page.close();
}
console.log(`first checks, median: page ${s(median(firsts.page))} s, worker ${s(median(firsts.worker))} s CPU; after Stop ${s(median(firsts.stop))} s`);
await browser.close();
