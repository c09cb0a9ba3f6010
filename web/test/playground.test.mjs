// playground.test.mjs - the playground driven in a real headless Chromium
// (Debian's, over its DevTools protocol with playwright-core), from
// file:// as a student opens it. `make web-test` runs it with
//   CSPI_WEB        the built site (build/web)
//   CSPI_WEB_SHOTS  where the screenshots go (build/web-test), kept as artefacts
//   CSPI            the native cspi, whose runs the page's must equal
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const site = path.resolve(process.env.CSPI_WEB || path.join(root, 'build/web'));
const shots = path.resolve(process.env.CSPI_WEB_SHOTS || path.join(root, 'build/web-test'));
const cspi = path.resolve(process.env.CSPI || path.join(root, 'build/cspi'));
const url = pathToFileURL(path.join(site, 'index.html')).href;
/* Chromium as the machine's notes say it runs headless here: no sandbox
 * (root), no GPU, and nothing that reaches for the network. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/* A page that works answers well within this; a broken one fails the test. */
const WAIT_MS = 20000;
/* The bound on loading the page from disk (issue 19: under a second on a
 * quiet machine). A machine shared with other work can take longer, so the
 * time is always written to load-time.txt but held to this bound only with
 * CSPI_WEB_LOAD_MS set (e.g. CSPI_WEB_LOAD_MS=1000); otherwise a load must
 * still finish within WAIT_MS. */
const LOAD_BOUND_MS = +process.env.CSPI_WEB_LOAD_MS || WAIT_MS;
const LOADS = 5;

let browser;
let errors = [];

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

after(async () => {
  if (browser) await browser.close();
});

async function open(hash = '') {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url + hash);
  await page.waitForSelector('body[data-loaded]', { timeout: WAIT_MS });
  return page;
}

async function openSample(page, file) {
  const index = await page.evaluate((f) => window.CSPI_SAMPLES.findIndex((s) => s.file === f), file);
  assert.ok(index >= 0, `${file} is in the sample menu`);
  const before = await page.getAttribute('body', 'data-loaded');
  await page.selectOption('#samples', String(index));
  await page.waitForFunction((b) => document.body.dataset.loaded !== b, before, { timeout: WAIT_MS });
}

/* Replaces the editor's text, as typing it would. */
function typeScript(page, text) {
  return page.evaluate((t) => {
    const v = window.cspiEditor;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: t } });
  }, text);
}

function shot(page, name) {
  return page.screenshot({ path: path.join(shots, name + '.png') });
}

test('the page loads from disk in under a second, with its editor and samples', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  /* Once to warm the browser's own start-up, then LOADS measured loads:
   * to the page shown (DOMContentLoaded) and to the script loaded by cspi. */
  await page.goto(url);
  await page.waitForSelector('#status.good', { timeout: WAIT_MS });
  const shown = [];
  const ready = [];
  for (let i = 0; i < LOADS; i++) {
    const t0 = Date.now();
    await page.goto(url);
    await page.waitForSelector('#status.good', { timeout: WAIT_MS });
    ready.push(Date.now() - t0);
    shown.push(Math.round(await page.evaluate(() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd)));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const ms = median(ready);
  fs.writeFileSync(path.join(shots, 'load-time.txt'),
    `page shown (DOMContentLoaded): median ${median(shown)} ms of ${shown.join(', ')}\n` +
    `first script loaded by cspi:   median ${ms} ms of ${ready.join(', ')}\n`);
  await shot(page, '1-loaded');
  assert.ok(ms < LOAD_BOUND_MS, `loaded in ${ms} ms`);
  assert.match(await page.textContent('#status'), /loaded: \d+ processes/);
  assert.ok((await page.$$('#samples option')).length > 20);
  assert.ok(await page.$('.cm-editor .cm-content'));
  /* After the first script, the worker warms the checker up (web/warmup.csp). */
  await page.waitForSelector('body[data-warmed]', { timeout: WAIT_MS });
  assert.equal(await page.getAttribute('body', 'data-warmed'), '3 of 3 passed');
  await page.close();
});

test('Run with first choice: the seed channel sample gives cspi run --schedule first\'s trace', async () => {
  const page = await open();
  await openSample(page, 'seed_channel.csp');
  assert.match(await page.textContent('#teaches'), /channel/);
  await page.selectOption('#run-schedule', 'first');
  await page.fill('#run-proc', 'MAIN');
  await page.click('#run-go');
  await page.waitForFunction(() => /terminated|deadlock|stopped/.test(document.getElementById('run-end').textContent),
    null, { timeout: WAIT_MS });
  const trace = await page.$$eval('#run-trace li', (lis) => lis.map((l) => l.textContent));
  const native = JSON.parse(execFileSync(cspi, ['run', '--json', '--schedule', 'first',
    path.join(root, 'samples/seed_channel.csp')], { encoding: 'utf8' }));
  assert.deepEqual(trace, native.trace);
  assert.match(await page.textContent('#run-end'), /terminated/);
  await shot(page, '2-run-first');
  assert.deepEqual(errors, []);
  await page.close();
});

test('Step: three events by clicking, then back', async () => {
  const page = await open();
  await openSample(page, 'seed_channel.csp');
  await page.click('#tabs button[data-tab="step"]');
  await page.fill('#step-proc', 'MAIN');
  await page.click('#step-go');
  await page.waitForSelector('#step-choices button.event', { timeout: WAIT_MS });
  const clicked = [];
  for (let i = 0; i < 3; i++) {
    const b = (await page.$$('#step-choices button.event:not(.tau)'))[0];
    const before = await page.textContent('#step-trace');
    clicked.push(await b.textContent());
    await b.click();
    await page.waitForFunction((t) => document.getElementById('step-trace').textContent !== t, before,
      { timeout: WAIT_MS });
  }
  assert.equal(await page.textContent('#step-trace'), '⟨' + clicked.join(', ') + '⟩');
  const rows = await page.$$('#step-components tbody tr');
  assert.equal(rows.length, 2, 'A and B, each with its state and offers');
  await shot(page, '3-step');
  await page.click('#step-back');
  await page.waitForFunction((t) => document.getElementById('step-trace').textContent === t,
    '⟨' + clicked.slice(0, 2).join(', ') + '⟩', { timeout: WAIT_MS });
  assert.deepEqual(errors, []);
  await page.close();
});

test('Check: the philosophers deadlock, with the trace and each component\'s offer', async () => {
  const page = await open();
  await openSample(page, 'philosophers.csp');
  await page.click('#tabs button[data-tab="check"]');
  await page.click('#check-all');
  await page.waitForFunction(() => !document.getElementById('check-all').disabled &&
    !document.querySelector('#assertions .verdict.running'), null, { timeout: WAIT_MS * 3 });
  const verdicts = await page.$$eval('#assertions .verdict', (v) => v.map((x) => x.textContent));
  /* cspi check exits 1: an assertion failed. */
  const native = JSON.parse(spawnSync(cspi, ['check', '--json', path.join(root, 'samples/philosophers.csp')],
    { encoding: 'utf8' }).stdout);
  assert.deepEqual(verdicts, native.results.map((r) => r.result === 'passed' ? 'Passed' : 'Failed'));
  const first = await page.textContent('#assertions li[data-n="1"] .counterexample');
  assert.equal(first, `Counterexample (Deadlock): ⟨${native.results[0].counterexample.trace.join(', ')}⟩`);
  /* What each philosopher (with its forks) offers at the deadlock. */
  const offers = await page.$$eval('#assertions li[data-n="1"] ul.offers li', (lis) => lis.map((l) => l.textContent));
  assert.deepEqual(offers, [0, 1, 2, 3, 4].map((i) => `Component ${i} (PandF(${i})) offers {picks.${i}.${(i + 1) % 5}}`));
  await page.click('#assertions li[data-n="1"] button:text("Explain")');
  await page.waitForFunction(() => /Component 4 \(PandF\(4\)\) offers/.test(document.querySelector('#assertions li pre').textContent),
    null, { timeout: WAIT_MS });
  await shot(page, '4-check-philosophers');
  assert.deepEqual(errors, []);
  await page.close();
});

test('Check gives its memory back: the philosophers at N = 7 checked again and again in one page', async () => {
  /* Their tables are blocks of several megabytes (interp/hugemem.c), which
   * the WebAssembly build once kept after each check: the worker's memory
   * grew by 60 MB a check, until the page ran out of its 2 GB. */
  const page = await open();
  const text = execFileSync('sh', ['-c', `. '${path.join(root, 'bench/phils.sh')}'; phils 7`], { encoding: 'utf8' });
  const loaded = await page.getAttribute('body', 'data-loaded');
  await typeScript(page, text);
  await page.waitForFunction((b) => document.body.dataset.loaded !== b, loaded, { timeout: WAIT_MS });
  await page.click('#tabs button[data-tab="check"]');
  const memory = [];
  for (let k = 0; k < 3; k++) {
    await page.click('#check-all');
    await page.waitForFunction(() => !document.getElementById('check-all').disabled &&
      !document.querySelector('#assertions .verdict.running'), null, { timeout: WAIT_MS * 3 });
    assert.equal(await page.textContent('#assertions .verdict'), 'Passed');
    memory.push(+await page.getAttribute('body', 'data-memory'));
  }
  assert.ok(memory[0] > 0, 'the worker says how much memory it has');
  assert.deepEqual(memory, [memory[0], memory[0], memory[0]], `the worker's memory after each check (bytes): ${memory}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a broken script: the error is shown at its line', async () => {
  const page = await open();
  const text = 'channel a, b\nP = a -> b -> P\nQ = P [] (a ->\n';
  await typeScript(page, text);
  await page.waitForSelector('#status.bad', { timeout: WAIT_MS });
  const item = await page.textContent('#diagnostics li.error');
  const native = (() => {
    const f = path.join(shots, 'broken.csp');
    fs.writeFileSync(f, text);
    try {
      execFileSync(cspi, ['parse', f], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return '';
    } catch (e) {
      return e.stderr;
    }
  })();
  const m = /broken\.csp:(\d+):(\d+): error: (.*)/.exec(native);
  assert.ok(m, 'cspi parse reports the error');
  assert.equal(item, `line ${m[1]}, column ${m[2]}: ${m[3]}`);
  /* The editor marks it on that line. */
  await page.waitForSelector('.cm-lint-marker-error', { timeout: WAIT_MS });
  const marks = await page.evaluate(() => window.cspiMarks());
  assert.deepEqual(marks.map((k) => [k.line, k.col, k.severity, k.message]), [[+m[1], +m[2], 'error', m[3]]]);
  /* Nothing runs until the script loads. */
  await page.click('#run-go');
  await page.waitForFunction(() => /fix the script's errors first/.test(document.getElementById('run-end').textContent),
    null, { timeout: WAIT_MS });
  await shot(page, '5-broken-script');
  await page.close();
});

test('Picture: the LTS of a small process, the counterexample in red', async () => {
  const page = await open();
  await openSample(page, 'vending.csp');
  await page.click('#tabs button[data-tab="check"]');
  const n = await page.$$eval('#assertions li code', (cs) => cs.findIndex((c) => c.textContent === 'VM1 :[deadlock free]') + 1);
  assert.ok(n > 0);
  await page.click(`#assertions li[data-n="${n}"] button:text("Check")`);
  await page.waitForSelector(`#assertions li[data-n="${n}"] button:text("Show in picture")`, { timeout: WAIT_MS });
  await page.click(`#assertions li[data-n="${n}"] button:text("Show in picture")`);
  await page.waitForSelector('#picture svg', { timeout: WAIT_MS });
  assert.match(await page.textContent('#pic-note'), /3 states.*counterexample is drawn in red/);
  const red = await page.$$eval('#picture svg g.edge path', (ps) => ps.filter((p) => p.getAttribute('stroke') === '#c0392b').length);
  assert.equal(red, 2, 'coin and choc');
  await shot(page, '6-picture');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a shared link opens its script; Stop ends a long check and the page goes on', async () => {
  /* 8 counters of 8 states interleaved: 16 million states, far more than
   * a check gets through before it is stopped. */
  const script = 'channel c : {0..7}\nC(i, k) = c.i -> C(i, (k + 1) % 8)\nS = ||| i : {0..7} @ C(i, 0)\n' +
    'assert S :[divergence free]\n';
  const hash = '#code=' + Buffer.from(script).toString('base64url');
  /* What each worker is sent first and whether it warms up (web/worker.js). */
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.addInitScript(() => {
    window.cspiWorkers = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (m) {
      const w = window.cspiWorkers.find((x) => x.worker === this);
      if (w && w.first === undefined) w.first = m && m.module instanceof WebAssembly.Module ? 'module' : 'request';
      return post.apply(this, arguments);
    };
    const Original = window.Worker;
    window.Worker = function (...args) {
      const w = { worker: new Original(...args), warmed: false };
      w.worker.addEventListener('message', (ev) => { if (ev.data.warmed) w.warmed = true; });
      window.cspiWorkers.push(w);
      return w.worker;
    };
    window.Worker.prototype = Original.prototype;
  });
  errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url + hash);
  await page.waitForSelector('body[data-warmed]', { timeout: WAIT_MS });
  assert.equal(await page.evaluate(() => window.cspiEditor.state.doc.toString()), script);
  await page.click('#tabs button[data-tab="check"]');
  await page.click('#assertions li[data-n="1"] button:text("Check")');
  await page.waitForSelector('#check-stop:not([disabled])', { timeout: WAIT_MS });
  /* The checker's progress comes through while it works. */
  await page.waitForFunction(() => /\d+ states, \d+ states\/s/.test(document.getElementById('check-progress').textContent),
    null, { timeout: WAIT_MS });
  await shot(page, '7-check-in-progress');
  await page.click('#check-stop');
  await page.waitForSelector('#assertions li[data-n="1"] .verdict.undecided', { timeout: WAIT_MS });
  assert.equal(await page.textContent('#assertions li[data-n="1"] .verdict'), 'Stopped');
  /* The page answers again: a fresh worker with the script loaded. */
  await page.waitForSelector('#status.good', { timeout: WAIT_MS });
  await page.click('#tabs button[data-tab="run"]');
  await page.fill('#run-proc', 'C(3, 0)');
  await page.fill('#run-steps', '3');
  await page.click('#run-go');
  await page.waitForFunction(() => /step limit/.test(document.getElementById('run-end').textContent), null,
    { timeout: WAIT_MS });
  await shot(page, '8-stopped-then-run');
  /* The fresh worker started from the module the first one compiled and
   * warmed up, and did not warm up again. */
  assert.deepEqual(await page.evaluate(() => window.cspiWorkers.map((w) => [w.first, w.warmed])),
    [['request', true], ['module', false]]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('recursion: 2000 levels of each shape, and far deeper the evaluator\'s located message, the page going on', async () => {
  /* The first script of a fresh worker (a shared link), before anything
   * was optimised: far too deep, it stops with the located message too. */
  const deepest = 'f(n) = if n == 0 then 0 else 1 + f(n - 1)\nprint f(10000000)\n';
  const page = await open('#code=' + Buffer.from(deepest).toString('base64url'));
  await page.waitForFunction(() => /error/.test(document.getElementById('status').textContent), null,
    { timeout: WAIT_MS });
  assert.match(await page.textContent('#diagnostics li.error'), /^line 1, column \d+: recursion too deep$/);
  const type = (t) => typeScript(page, t);
  /* Each shape of recursion goes DEPTH levels deep (web/api.c: Recursion,
   * WEB_MAX_DEPTH), and far deeper than a browser's stack holds is stopped
   * by the evaluator itself, at the call, in the command line's words, so
   * the worker goes on; were the engine's stack exhausted first, the
   * worker would stop and the status would say so instead of pointing at
   * a line. */
  const DEPTH = 2000;
  const shapes = [
    ['plain', (n) => `f(n) = if n == 0 then 0 else 1 + f(n - 1)\nprint f(${n})\n`, `${DEPTH}`],
    ['let', (n) => `h(n) = let x = n within if x == 0 then 0 else 1 + h(x - 1)\nprint h(${n})\n`, `${DEPTH}`],
    ['patterns', (n) => `p(0) = 0\np(n) = 1 + p(n - 1)\nprint p(${n})\n`, `${DEPTH}`],
    ['sets', (n) => `s(n) = if n == 0 then {} else union({n}, s(n - 1))\nprint card(s(${n}))\n`, `${DEPTH}`],
    ['comprehension', (n) => `c(n) = if n == 0 then {0} else { x + 1 | x <- c(n - 1) }\nprint c(${n})\n`,
      `{${DEPTH}}`],
  ];
  for (const [shape, text, value] of shapes) {
    await type(text(DEPTH));
    await page.waitForFunction((v) => document.getElementById('messages').textContent === v, value,
      { timeout: WAIT_MS });
    await type(text(10000000));
    await page.waitForFunction(() => /error/.test(document.getElementById('status').textContent), null,
      { timeout: WAIT_MS });
    const item = await page.textContent('#diagnostics li.error');
    assert.match(item, /^line [12], column \d+: recursion too deep$/, shape);
    if (shape === 'plain') await shot(page, '9-recursion-too-deep');
  }
  /* A process unfolded 500 levels deep is checked (400 unfoldings were
   * the bound before, 200 levels of this one); nested far deeper than the
   * stack holds, the checker's limit. */
  const check = async (n) => {
    await type(`channel a\nP(n) = if n == 0 then STOP else (a -> STOP) [] P(n - 1)\nassert P(${n}) :[deadlock free]\n`);
    await page.waitForFunction((t) => document.querySelector('#assertions li[data-n="1"]') &&
      document.querySelector('#assertions li[data-n="1"]').textContent.includes(t), `P(${n})`, { timeout: WAIT_MS });
    await page.click('#tabs button[data-tab="check"]');
    await page.click('#assertions li[data-n="1"] button:text("Check")');
    await page.waitForSelector('#assertions li[data-n="1"] .verdict:not(.running)', { timeout: WAIT_MS });
    return page.textContent('#assertions li[data-n="1"]');
  };
  assert.match(await check(500), /Failed/);
  assert.match(await check(100000), /process nested too deeply to unfold/);
  await type('f(n) = if n == 0 then 0 else 1 + f(n - 1)\nprint f(100)\n');
  await page.waitForFunction(() => document.getElementById('messages').textContent === '100', null,
    { timeout: WAIT_MS });
  assert.match(await page.textContent('#status'), /loaded/);
  assert.deepEqual(errors, []);
  await page.close();
});
