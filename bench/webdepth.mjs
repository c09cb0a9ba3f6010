// webdepth.mjs - how deep recursion goes in the playground's worker, in
// headless Chromium: for each shape of recursion (the five of
// web/test/playground.test.mjs, others, processes), the deepest N that still
// answers, and what stops N + 1: the evaluator's own located limit
// ("limit") or the browser's stack ("dead": the worker is lost).
// WEBDEPTH_JS_FLAGS=--no-liftoff measures optimised code only (V8's
// frames are larger there: the bound must hold for it).
//
// usage: node bench/webdepth.mjs [SITE] [options]      (SITE: build/web)
//   --shapes a,b     only these shapes (plain let patterns sets comprehension
//                    lazy match mapping seqcat datatype tail unfold build process)
//   --cold           a fresh worker's first request (code not yet optimised)
//   --warm           after the worker's warm-up, as a student's later script
//                    (the default; give both to measure both)
//   --hot            after the shape itself ran 20 times at depth 200
//   --frames         at the browser's overflow, the WebAssembly frames on the
//                    stack per level (needs a build whose evaluator limits are
//                    lifted and whose wasm keeps names: `make web-probe`)
//   --max N          search up to N levels (default 100000)
//   --at N           no search: one trial at N levels (with --frames, the frames)
// Needs the page built (make web) and web/node_modules (npm ci in web/).
// Not part of `make test`: a measurement (web/api.c's Recursion says what
// it found).
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { chromium } = await import(pathToFileURL(path.join(root, 'web/node_modules/playwright-core/index.mjs')).href);

const args = process.argv.slice(2);
const opt = (name) => args.includes(name);
const val = (name, d) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : d);
const site = path.resolve(args[0] && !args[0].startsWith('--') ? args[0] : path.join(root, 'build/web'));
const MAX = +val('--max', 100000);

const SHAPES = {
  plain: (n) => `f(n) = if n == 0 then 0 else 1 + f(n - 1)\nprint f(${n})\n`,
  let: (n) => `h(n) = let x = n within if x == 0 then 0 else 1 + h(x - 1)\nprint h(${n})\n`,
  patterns: (n) => `p(0) = 0\np(n) = 1 + p(n - 1)\nprint p(${n})\n`,
  sets: (n) => `s(n) = if n == 0 then {} else union({n}, s(n - 1))\nprint card(s(${n}))\n`,
  comprehension: (n) => `c(n) = if n == 0 then {0} else { x + 1 | x <- c(n - 1) }\nprint card(c(${n}))\n`,
  lazy: (n) => `f(n) = if n == 0 then 0 else let y = f(n - 1) within y + 1\nprint f(${n})\n`,
  match: (n) => `h(0) = 0\nh(x) = x + 1\ng(n) = if n == 0 then 0 else h(g(n - 1))\nprint g(${n})\n`,
  mapping: (n) => `g(n) = if n == 0 then 0 else mapLookup((| 0 => 1 |), g(n - 1) - g(n - 1))\nprint g(${n})\n`,
  seqcat: (n) => `f(n) = if n == 0 then <> else <n> ^ f(n - 1)\nprint length(f(${n}))\n`,
  datatype: (n) => `datatype L = Nil | Cons.Int.L\nmk(n) = if n == 0 then Nil else Cons.n.mk(n - 1)\nprint mk(${n})\n`,
  tail: (n) => `datatype L = Nil | Cons.Int.L\nmk(n, acc) = if n == 0 then acc else if acc == Nil then mk(n - 1, Cons.n.acc) else mk(n - 1, Cons.n.acc)\nprint mk(${n}, Nil)\n`,
  unfold: (n) => `channel a\nP(n) = if n == 0 then a -> STOP else P(n - 1)\nassert P(${n}) :[deadlock free]\n`,
  build: (n) => `channel a\nP(n) = if n == 0 then a -> STOP else P(n - 1) ||| STOP\nassert P(${n}) :[deadlock free]\n`,
  process: (n) => `channel a\nP(n) = if n == 0 then STOP else (a -> STOP) [] P(n - 1)\nassert P(${n}) :[deadlock free]\n`,
};
const shapes = (val('--shapes', '') || Object.keys(SHAPES).join(',')).split(',');
const modes = ['cold', 'warm', 'hot'].filter((m) => opt('--' + m));
if (!modes.length) modes.push('warm');

/* Appended to the worker's text: one request 'probe' that loads a script
 * (and checks its first assertion when asked), after warming up as told,
 * and reports the stack at a browser overflow. */
const PROBE = `
Error.stackTraceLimit = 50000;
/* A WebAssembly frame's place names the module's data: URL, far too long to
 * print thousands of times: only the functions' names. */
Error.prepareStackTrace = (e, sites) => sites.map((s) => 'at ' + (s.getFunctionName() || '?') +
  ' (' + (s.getFileName() || '').slice(0, 5) + ')').join('\\n');
self.onmessage = (ev) => {
  const m = ev.data;
  const call = (f, types, a) => JSON.parse(cspi.ccall(f, 'string', types, a));
  try {
    if (m.warm) { lastScript = 'x = 1'; call('web_load', ['string'], ['x = 1']); warmUp(); }
    for (let i = 0; i < (m.hot || []).length; i++) {
      call('web_load', ['string'], [m.hot[i]]);
      if (m.check) call('web_check', ['number', 'number', 'number'], [1, 1e6, 0]);
    }
    let r = call('web_load', ['string'], [m.text]);
    if (m.check && r.ok) r = call('web_check', ['number', 'number', 'number'], [1, 1e6, 0]);
    postMessage({ result: r });
  } catch (e) {
    let stack = '';
    try { stack = String(e && e.stack); } catch (f) { stack = 'no stack: ' + f.message; }
    postMessage({ error: String(e && e.message), stack });
  }
};
`;

async function trial(page, shape, n, mode, frames) {
  const text = SHAPES[shape](n);
  const check = ['process', 'unfold', 'build'].includes(shape);
  const hot = mode === 'hot' ? Array(20).fill(SHAPES[shape](200)) : [];
  const r = await page.evaluate(async ({ probe, msg }) => {
    const url = URL.createObjectURL(new Blob([window.CSPI_WORKER_SRC + probe], { type: 'text/javascript' }));
    const w = new Worker(url);
    URL.revokeObjectURL(url);
    try {
      return await new Promise((resolve) => {
        w.onmessage = (ev) => {
          if (ev.data.ready) w.postMessage(msg);
          else if (ev.data.result || ev.data.error) resolve(ev.data);
        };
        w.onerror = (e) => resolve({ error: 'worker error ' + e.message });
      });
    } finally {
      w.terminate();
    }
  }, { probe: PROBE, msg: { text, check, warm: mode !== 'cold', hot } });
  if (r.error) {
    const out = { outcome: 'dead', why: r.error };
    if (frames && r.stack) out.frames = countFrames(r.stack);
    return out;
  }
  const res = r.result;
  const diag = res.diagnostics || '';
  if (/recursion too deep|nested too deeply/.test(diag)) {
    return { outcome: 'limit', why: (/error: (.*)/.exec(diag) || [])[1] };
  }
  if (check) {
    const ok = res.results && res.results[0] && ['passed', 'failed'].includes(res.results[0].result);
    return { outcome: ok ? 'ok' : 'other', why: diag.split('\n')[0] };
  }
  return { outcome: res.ok ? 'ok' : 'other', why: diag.split('\n')[0] };
}

/* The WebAssembly frames of an overflow's stack trace, by function. */
function countFrames(stack) {
  const by = new Map();
  let wasm = 0;
  for (const line of stack.split('\n')) {
    const m = /^at (\S+) \(data:\)/.exec(line);
    if (!m) continue;
    wasm++;
    by.set(m[1], (by.get(m[1]) || 0) + 1);
  }
  if (process.env.WEBDEPTH_DEBUG) console.log(stack.split('\n').slice(0, 12).join('\n'));
  return { wasm, by: [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, 14) };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ...(process.env.WEBDEPTH_JS_FLAGS ? ['--js-flags=' + process.env.WEBDEPTH_JS_FLAGS] : [])],
});
try {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(path.join(site, 'index.html')).href);
  await page.waitForFunction(() => typeof window.CSPI_WORKER_SRC === 'string');
  for (const mode of modes) {
    for (const shape of shapes) {
      if (val('--at')) {   /* one trial, N given: its outcome (and frames) */
        const t = await trial(page, shape, +val('--at'), mode, true);
        console.log(`${mode} ${shape} at ${val('--at')}: ${t.outcome} (${t.why})` + (t.frames
          ? `\n  ${t.frames.wasm} wasm frames` + t.frames.by.map(([k, c]) => `\n    ${c}\t${k}`).join('') : ''));
        continue;
      }
      /* Doubling from 100, then halving the gap to within 1%. */
      let lo = 0, hi = 0, past = null;
      for (let n = 100; n <= MAX; n *= 2) {
        const t = await trial(page, shape, n, mode, false);
        if (t.outcome !== 'ok') { hi = n; past = t; break; }
        lo = n;
      }
      if (!hi) { console.log(`${mode} ${shape}: ok at ${lo} (the search's end)`); continue; }
      while (hi - lo > Math.max(1, lo / 100)) {
        const mid = Math.floor((lo + hi) / 2);
        const t = await trial(page, shape, mid, mode, false);
        if (t.outcome === 'ok') lo = mid; else { hi = mid; past = t; }
      }
      let line = `${mode} ${shape}: ok at ${lo}, at ${hi}: ${past.outcome} (${past.why})`;
      if (opt('--frames') && past.outcome === 'dead') {
        const f = await trial(page, shape, hi * 2, mode, true);
        if (f.frames) line += `\n  frames at overflow: ${f.frames.wasm} wasm (${(f.frames.wasm / lo).toFixed(1)}/level)` +
          f.frames.by.map(([k, c]) => `\n    ${c}\t${k}`).join('');
      }
      console.log(line);
    }
  }
} finally {
  await browser.close();
}
