/* worker.js - the playground's Web Worker: cspi (web/api.c compiled by
 * emscripten, whose createCspi the build puts before this text, with
 * CSPI_WASM, its WebAssembly as a data: URL, and CSPI_WARM_UP, the text of
 * web/warmup.csp) answers the page's requests
 * here, so a long check never freezes the page.
 * Requests: {id, op, args}; answers: {id, result, memory} (the C API's
 * JSON, parsed, and the bytes of WebAssembly memory the module has then)
 * or {id, error} (the module stopped: out of memory, a crash);
 * {warmed} once the warm-up (below) is done; {module}, the compiled
 * WebAssembly, for the page to give the next worker (below).
 * While a check runs, its progress lines ("N states, R states/s") come as
 * {progress}. The page stops work by ending this worker and starting
 * another.
 */
'use strict';

const calls = {
  load: ['web_load', ['string']],
  run: ['web_run', ['string', 'number', 'number', 'number']],
  stepStart: ['web_step_start', ['string']],
  stepChoose: ['web_step_choose', ['number']],
  stepBack: ['web_step_back', []],
  check: ['web_check', ['number', 'number', 'number']],
  graph: ['web_graph', ['string']],
};

let cspi = null;
let dead = null;          /* why the module can no longer answer */
let unannounced = false;  /* it stopped during the warm-up: the next answer tells the page */
const queue = [];
let errLine = '';
/* The warm-up: right after the first script is loaded (and answered), the
 * worker checks web/warmup.csp's assertions, unseen, then loads the
 * script again. A browser runs WebAssembly first in a quick baseline tier
 * and compiles optimised code for a function only once it has run a
 * while; a function already running (the checker's search loop) stays in
 * the tier it started in. Without this the student's first check ran in
 * the slow tier while the fast one was compiled (MANUAL: "Speed"). */
let warmed = false;
let warming = false;
let lastScript = null;        /* the text of the last load, loaded again after the warm-up */
const WARM_UP_MAX_STATES = 1e6;
/* The warm-up also writes this much of the module's memory once (a block
 * malloc'd, filled, freed): the browser gives a page fresh memory a page
 * at a time, at its first write, which the first large check otherwise
 * paid for (the philosophers at N = 7 fill about 55 MB of tables). It
 * fits in the memory the module starts with (the Makefile's
 * INITIAL_MEMORY, 64 MB), which is the page's all the same. */
const WARM_UP_TOUCH_BYTES = 48 << 20;

/* Standard error, one byte at a time: the checker's progress line ends in
 * a carriage return, not a newline, so it is sent when either comes. */
function errByte(code) {
  if (code === 13 || code === 10) {
    const line = errLine.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').trim();
    errLine = '';
    if (line && !warming) postMessage({ progress: line });
  } else if (code !== null && code !== undefined) {
    errLine += String.fromCharCode(code);
  }
}

function answer(msg) {
  if (dead) {
    postMessage({ id: msg.id, error: dead, dead: unannounced, op: msg.op });
    unannounced = false;
    return;
  }
  const call = calls[msg.op];
  if (!call) {
    postMessage({ id: msg.id, error: 'unknown request ' + msg.op });
    return;
  }
  try {
    const text = cspi.ccall(call[0], 'string', call[1], msg.args || []);
    postMessage({ id: msg.id, result: JSON.parse(text), memory: cspi.HEAPU8.length });
    if (msg.op === 'load') {
      lastScript = msg.args[0];
      if (!warmed) warmUp();
    }
  } catch (e) {
    /* exit(70) after "out of memory", the browser's stack exhausted by
     * recursion the evaluator's own limit did not catch (web/api.c:
     * Recursion), or a trap: this module is finished (its state is half
     * changed), and the page starts another. */
    dead = stopped(e);
    postMessage({ id: msg.id, error: dead, dead: true, op: msg.op });
  }
}

/* Why the module stopped, in words: exit(70) after "out of memory", the
 * browser's stack exhausted by deep recursion, or a trap. */
function stopped(e) {
  return e && e.name === 'ExitStatus' ? 'cspi ran out of memory (a browser gives a page at most 2 GB)'
      : e instanceof RangeError && /call stack/.test(e.message)
        ? 'recursion too deep: a function or process calls itself more deeply than this browser allows ' +
          '(about 2,000 levels; the command line allows 200,000)'
        : 'cspi stopped: ' + (e && e.message ? e.message : String(e));
}

/* Runs between two requests: what comes meanwhile waits in the worker's
 * queue, and finds the script loaded as it was. */
function warmUp() {
  warmed = true;
  warming = true;
  try {
    const warm = JSON.parse(cspi.ccall('web_load', 'string', ['string'], [CSPI_WARM_UP]));
    const total = (warm.assertions || []).length;
    let passed = 0;
    for (let n = 1; n <= total; n++) {
      const r = JSON.parse(cspi.ccall('web_check', 'string', ['number', 'number', 'number'], [n, WARM_UP_MAX_STATES, 0]));
      if (r.results && r.results[0] && r.results[0].result === 'passed') passed++;
    }
    cspi.ccall('web_load', 'string', ['string'], [lastScript]);
    const block = cspi._malloc(WARM_UP_TOUCH_BYTES);
    if (block) {
      cspi.HEAPU8.fill(1, block, block + WARM_UP_TOUCH_BYTES);
      cspi._free(block);
    }
    postMessage({ warmed: `${passed} of ${total} passed` });   /* for the tests (body's data-warmed) */
  } catch (e) {
    dead = stopped(e);   /* the next request is answered with this, and the page starts another worker */
    unannounced = true;
  } finally {
    warming = false;
  }
}

/* A worker started after Stop (or after its predecessor stopped) is given
 * the compiled module its predecessor made, in its first message, which
 * its name announces (index.html's cspiNewWorker): {module, warmed}. The
 * browser shares a module's code between the workers it is sent to, the
 * optimised code its predecessor's work made included, so the new worker
 * neither compiles cspi again nor warms it up (warmed: the predecessor
 * finished its warm-up). */
const SHARED_MODULE_NAME = 'cspi-shared-module';
let receiveShared = null;
const shared = self.name === SHARED_MODULE_NAME ? new Promise((resolve) => { receiveShared = resolve; }) : null;

self.onmessage = (ev) => {
  if (receiveShared) {
    receiveShared(ev.data);
    receiveShared = null;
    return;
  }
  if (cspi || dead) answer(ev.data);
  else queue.push(ev.data);
};

/* The WebAssembly, compiled while it is decoded (streaming needs the
 * application/wasm type, which the data: URL gives); where a browser
 * cannot stream it, from its bytes; or the module a predecessor compiled. */
function instantiate(imports) {
  if (shared) {
    return shared.then((s) => {
      if (s.warmed) warmed = true;
      return WebAssembly.instantiate(s.module, imports).then((instance) => ({ instance, module: s.module }));
    });
  }
  const bytes = () => fetch(CSPI_WASM).then((r) => r.arrayBuffer()).then((b) => WebAssembly.instantiate(b, imports));
  if (typeof WebAssembly.instantiateStreaming !== 'function') return bytes();
  return WebAssembly.instantiateStreaming(fetch(CSPI_WASM), imports).catch(bytes);
}

createCspi({
  instantiateWasm: (imports, receive) => {
    instantiate(imports).then((r) => {
      postMessage({ module: r.module });   /* kept by the page for the next worker */
      receive(r.instance, r.module);
    }, (e) => {
      dead = 'cspi could not start: ' + (e && e.message ? e.message : String(e));
      while (queue.length) answer(queue.shift());
    });
    return {};
  },
  print: () => {},
  printErr: (line) => { if (line && !warming) postMessage({ progress: line }); },
  preRun: [(m) => { m.FS.init(null, null, errByte); }],
}).then((m) => {
  cspi = m;
  postMessage({ ready: true });
  while (queue.length) answer(queue.shift());
}, (e) => {
  dead = 'cspi could not start: ' + (e && e.message ? e.message : String(e));
  while (queue.length) answer(queue.shift());
});
