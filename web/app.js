/* app.js - the playground page: the editor, the sample menu, the Run,
 * Step, Check and Picture tabs, share links. Every question about the
 * script goes to cspi in the Web Worker (worker.js, web/api.c); this file
 * only shows the answers. Bundled with CodeMirror by web/build.mjs. */
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection } from '@codemirror/view';
import { defaultKeymap, history as editHistory, historyKeymap, indentWithTab } from '@codemirror/commands';
import { syntaxHighlighting, defaultHighlightStyle, bracketMatching } from '@codemirror/language';
import { setDiagnostics, lintGutter, forEachDiagnostic } from '@codemirror/lint';
import { cspm } from './cspm.js';

const $ = (id) => document.getElementById(id);
/* The name web/api.c gives the script in its messages. */
const SCRIPT_NAME = 'script.csp';
/* Wait this long after the last keystroke before loading the script. */
const LOAD_DELAY_MS = 300;
/* A run's trace appears event by event, this many a frame. */
const RUN_EVENTS_PER_FRAME = 4;
const TAU = 'τ';

/* ---- the worker ---- */

let worker = null;
let nextId = 1;
const pending = new Map();
let busy = 0;             /* requests that may take long (run, check) */
/* The compiled module the workers share, and whether a worker finished
 * warming it up (web/worker.js). */
let shared = null;

/* The first worker was started by worker-src.js, early; later ones (after
 * Stop) here, from the module the first one compiled once it has. */
function startWorker() {
  worker = window.CSPI_WORKER || window.cspiNewWorker(shared);
  window.CSPI_WORKER = null;
  worker.onmessage = (ev) => {
    const m = ev.data;
    if (m.ready) return;
    if (m.module) {
      shared = { module: m.module, warmed: !!(shared && shared.warmed) };
      return;
    }
    if (m.warmed) {
      document.body.dataset.warmed = m.warmed;   /* web/worker.js: the warm-up's checks, for the tests */
      if (shared) shared.warmed = true;
      return;
    }
    if (m.progress !== undefined) {
      /* The memory figure is the machine's resident memory, which a page cannot read. */
      $('check-progress').textContent = m.progress.replace(/,\s*0 MB\s*$/, '');
      return;
    }
    if (m.memory) document.body.dataset.memory = m.memory;   /* the worker's memory, for the tests */
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.reject(new Error(m.error));
    else p.resolve(m.result);
    /* The module is finished (out of memory, a crash): a fresh one takes
     * over, with the script loaded again, so the page goes on. */
    if (m.dead) stopWork(m.op !== 'load');
  };
  worker.onerror = (e) => {
    for (const p of pending.values()) p.reject(new Error('cspi stopped: ' + e.message));
    pending.clear();
  };
}

function ask(op, ...args) {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, op, args });
  });
}

/* Long work: the Stop button ends the worker. */
async function askLong(op, ...args) {
  busy++;
  $('check-stop').disabled = false;
  try {
    return await ask(op, ...args);
  } finally {
    if (--busy === 0) $('check-stop').disabled = true;
  }
}

/* Stop: the worker is ended (whatever it was doing), a new one started
 * and the script loaded in it again (unless loading it is what failed:
 * then the next edit loads it). */
function stopWork(reload = true) {
  worker.terminate();
  for (const p of pending.values()) p.reject(new Error('stopped'));
  pending.clear();
  startWorker();
  if (reload) loadNow();
}

/* ---- messages ---- */

/* Diagnostics in the command line's layout: file:line:col: error: text,
 * then the source line and a caret (^~~~) under the span. */
function parseDiagnostics(text) {
  const out = [];
  const lines = (text || '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(.*?):(\d+):(\d+): (error|warning|note): (.*)$/.exec(lines[i]);
    if (!m) continue;
    let len = 1;
    for (let k = i + 1; k < Math.min(i + 4, lines.length); k++) {
      const c = /^\s*\|\s*(\^~*)\s*$/.exec(lines[k]);
      if (c) {
        len = c[1].length;
        break;
      }
    }
    out.push({ file: m[1], line: +m[2], col: +m[3], severity: m[4], message: m[5], len });
  }
  return out;
}

function showMessages(text) {
  $('messages').textContent = text || '';
}

/* Messages about the script go into the editor at their place; others
 * (about a process typed in a box) under the tabs. */
function showDiagnostics(text, fromLoad) {
  const ds = parseDiagnostics(text);
  const doc = view.state.doc;
  const marks = [];
  const list = $('diagnostics');
  if (fromLoad) list.textContent = '';
  let other = '';
  for (const d of ds) {
    if (d.file !== SCRIPT_NAME) continue;
    const line = doc.line(Math.min(Math.max(d.line, 1), doc.lines));
    const from = Math.min(line.from + d.col - 1, line.to);
    const to = Math.min(from + d.len, Math.max(line.to, from));
    marks.push({ from, to, severity: d.severity === 'note' ? 'info' : d.severity, message: d.message });
    const li = document.createElement('li');
    li.className = d.severity;
    li.textContent = `line ${d.line}, column ${d.col}: ${d.message}`;
    li.dataset.line = d.line;
    li.onclick = () => {
      view.dispatch({ selection: { anchor: from }, scrollIntoView: true });
      view.focus();
    };
    list.appendChild(li);
  }
  if (fromLoad || marks.length) view.dispatch(setDiagnostics(view.state, marks));
  if (ds.some((d) => d.file !== SCRIPT_NAME) || (!ds.length && text)) other = text;
  else if (!fromLoad && marks.length) other = text;
  if (!fromLoad) showMessages(other);
}

/* ---- loading ---- */

let loaded = null;        /* the last load's answer */
let loadedText = null;    /* and the text it was for */
let loadTimer = null;
let loadSeq = 0;

function scheduleLoad() {
  clearTimeout(loadTimer);
  loadTimer = setTimeout(loadNow, LOAD_DELAY_MS);
}

async function loadNow() {
  clearTimeout(loadTimer);
  const seq = ++loadSeq;
  const text = view.state.doc.toString();
  $('status').textContent = 'loading…';
  $('status').className = 'status';
  let r;
  try {
    r = await ask('load', text);
  } catch (e) {
    $('status').textContent = e.message;
    $('status').className = 'status bad';
    return;
  }
  if (seq !== loadSeq) return;
  /* The same text loaded again (after Stop): the verdicts shown still hold. */
  const same = loaded && loadedText === text && loaded.ok && r.ok;
  loaded = r;
  loadedText = text;
  showDiagnostics(r.diagnostics, true);
  const errors = parseDiagnostics(r.diagnostics).filter((d) => d.severity === 'error').length;
  if (r.ok) {
    $('status').textContent = `loaded: ${r.processes.length} process${r.processes.length === 1 ? '' : 'es'}, ` +
      `${r.assertions.length} assertion${r.assertions.length === 1 ? '' : 's'}`;
    $('status').className = 'status good';
  } else {
    $('status').textContent = errors ? `${errors} error${errors === 1 ? '' : 's'}: see the marked lines` : 'the script has an error';
    $('status').className = 'status bad';
  }
  showMessages((r.prints || []).join('\n'));
  const dl = $('procs');
  dl.textContent = '';
  for (const p of r.processes || []) {
    const o = document.createElement('option');
    o.value = p;
    dl.appendChild(o);
  }
  if (r.processes && r.processes.length) {
    for (const id of ['run-proc', 'step-proc', 'pic-proc']) {
      if (!r.processes.includes($(id).value)) $(id).value = r.processes.includes('MAIN') ? 'MAIN' : r.processes[0];
    }
  }
  if (!same) showAssertions(r.assertions || []);
  resetStep();
  document.body.dataset.loaded = String(seq);
}

/* ---- Run ---- */

async function run() {
  const proc = $('run-proc').value.trim();
  const first = $('run-schedule').value === 'first';
  const list = $('run-trace');
  list.textContent = '';
  $('run-end').textContent = 'running…';
  let r;
  try {
    r = await askLong('run', proc, first ? 1 : 0, +$('run-seed').value || 0, +$('run-steps').value || 1000);
  } catch (e) {
    $('run-end').textContent = e.message;
    return;
  }
  showDiagnostics(r.diagnostics, false);
  if (!r.trace) {
    $('run-end').textContent = r.error || 'cannot run ' + proc + ': see the message below';
    return;
  }
  let i = 0;
  const more = () => {
    for (let k = 0; k < RUN_EVENTS_PER_FRAME && i < r.trace.length; k++, i++) {
      const li = document.createElement('li');
      li.textContent = r.trace[i];
      list.appendChild(li);
    }
    if (i < r.trace.length) {
      requestAnimationFrame(more);
      return;
    }
    $('run-end').textContent = runEnd(r);
  };
  more();
}

function runEnd(r) {
  const n = `${r.events} event${r.events === 1 ? '' : 's'}`;
  switch (r.end) {
    case 'terminated': return `terminated (✓) after ${n}`;
    case 'deadlock': return `deadlock after ${n}: no event is possible`;
    case 'step limit': return `stopped after ${r.steps} steps (${n}): the step limit; raise Steps to go on`;
    case 'livelock': return `livelock after ${n}: only internal (τ) steps are possible, forever`;
    default: return `${r.end} after ${n}`;
  }
}

/* ---- Step ---- */

function resetStep() {
  $('step-choices').textContent = '';
  $('step-trace').textContent = '⟨⟩';
  $('step-end').textContent = '';
  $('step-state').textContent = '';
  $('step-components').tBodies[0].textContent = '';
  $('step-back').disabled = true;
}

function showStep(r) {
  showDiagnostics(r.diagnostics, false);
  if (!r.choices) {
    resetStep();
    $('step-end').textContent = r.error || (r.trace ? 'an error: see the message below' : 'cannot step: see the message below');
    return;
  }
  $('step-trace').textContent = '⟨' + r.trace.filter((e) => e !== TAU).join(', ') + '⟩';
  const box = $('step-choices');
  box.textContent = '';
  r.choices.forEach((ev, i) => {
    const b = document.createElement('button');
    b.textContent = ev;
    b.className = ev === TAU ? 'event tau' : 'event';
    b.title = ev === TAU ? 'an internal step (tau)' : 'perform ' + ev;
    b.onclick = () => ask('stepChoose', i).then(showStep, (e) => { $('step-end').textContent = e.message; });
    box.appendChild(b);
  });
  $('step-back').disabled = r.trace.length === 0;
  $('step-end').textContent = r.end === 'deadlock' ? 'deadlock: no event is possible (Back to undo)'
    : r.end === 'terminated' ? 'terminated (✓)' : '';
  $('step-state').textContent = r.state || '';
  const body = $('step-components').tBodies[0];
  body.textContent = '';
  (r.components || []).forEach((c, i) => {
    const tr = body.insertRow();
    tr.insertCell().textContent = String(i + 1);
    tr.insertCell().textContent = Array.isArray(c.offers) ? '{' + c.offers.join(', ') + '}' : c.offers;
    const s = tr.insertCell();
    s.textContent = c.state;
    s.title = c.state;
    s.className = 'term';
  });
  if (r.more_components) {
    const tr = body.insertRow();
    tr.insertCell().textContent = '…';
    tr.insertCell().textContent = `and ${r.more_components} more components`;
  }
}

/* ---- Check ---- */

function showAssertions(list) {
  const ol = $('assertions');
  ol.textContent = '';
  if (!list.length) {
    const li = document.createElement('li');
    li.className = 'none';
    li.textContent = 'The script has no assertions. Add one, e.g. assert P :[deadlock free]';
    ol.appendChild(li);
  }
  list.forEach((a, i) => {
    const li = document.createElement('li');
    li.dataset.n = i + 1;
    const head = document.createElement('div');
    head.className = 'head';
    const b = document.createElement('button');
    b.textContent = 'Check';
    b.onclick = () => checkOne(i + 1);
    const verdict = document.createElement('span');
    verdict.className = 'verdict';
    const code = document.createElement('code');
    code.textContent = a.text;
    head.append(b, ' ', verdict, ' ', code);
    const body = document.createElement('div');
    body.className = 'detail';
    li.append(head, body);
    ol.appendChild(li);
  });
}

function item(n) {
  return document.querySelector(`#assertions li[data-n="${n}"]`);
}

async function checkOne(n) {
  const li = item(n);
  if (!li) return;
  const verdict = li.querySelector('.verdict');
  const body = li.querySelector('.detail');
  verdict.textContent = 'checking…';
  verdict.className = 'verdict running';
  body.textContent = '';
  $('check-progress').textContent = '';
  let r;
  try {
    r = await askLong('check', n, +$('check-max').value || 0, 0);
  } catch (e) {
    verdict.textContent = e.message === 'stopped' ? 'Stopped' : 'Not decided';
    verdict.className = 'verdict undecided';
    body.textContent = e.message === 'stopped' ? 'You stopped this check.' : e.message;
    return 'stopped';
  } finally {
    $('check-progress').textContent = '';
  }
  showDiagnostics(r.diagnostics, false);
  const res = r.results && r.results[0];
  if (!res) {
    verdict.textContent = 'Not decided';
    verdict.className = 'verdict undecided';
    body.textContent = r.error || r.diagnostics;
    return 'error';
  }
  const a = loaded.assertions[n - 1];
  if (res.result === 'passed' || res.result === 'failed') {
    const passed = res.result === 'passed';
    verdict.textContent = passed ? 'Passed' : 'Failed';
    verdict.className = 'verdict ' + (passed ? 'passed' : 'failed');
    const stats = document.createElement('div');
    stats.className = 'stats';
    stats.textContent = `${res.states} states, ${res.transitions} transitions explored`;
    body.appendChild(stats);
  } else {
    verdict.textContent = 'Not decided';
    verdict.className = 'verdict undecided';
    const p = document.createElement('div');
    p.textContent = friendly(res.message || r.diagnostics);
    body.appendChild(p);
  }
  const x = res.counterexample;
  if (x) {
    const p = document.createElement('div');
    p.className = 'counterexample';
    p.textContent = `Counterexample (${x.kind}): ⟨${x.trace.join(', ')}⟩` +
      (x.error_event ? `, then ${x.error_event}` : '');
    body.appendChild(p);
    const explain = document.createElement('button');
    explain.textContent = 'Explain';
    explain.title = "FDR's debug view: the specification and implementation, and what each component offers";
    const pre = document.createElement('pre');
    explain.onclick = async () => {
      explain.disabled = true;
      try {
        const e = await askLong('check', n, +$('check-max').value || 0, 1);
        pre.textContent = e.text;
      } catch (err) {
        pre.textContent = err.message;
      }
    };
    const pic = document.createElement('button');
    pic.textContent = 'Show in picture';
    pic.onclick = () => {
      $('pic-proc').value = a.process;
      selectTab('picture');
      draw(x.trace);
    };
    body.append(explain, ' ', pic, pre);
    if (x.kind === 'Deadlock') explainComponents(x, p);
  }
  return res.result;
}

/* At a deadlock, what each component offers, numbered from 0 and named
 * as the command line names them (the JSON counterexample's "components"). */
function explainComponents(x, after) {
  if (!Array.isArray(x.components) || !x.components.length) return;
  const ul = document.createElement('ul');
  ul.className = 'offers';
  for (const c of x.components) {
    const li = document.createElement('li');
    li.textContent = `Component ${c.component}${c.name ? ` (${c.name})` : ''} offers {${c.offers.join(', ')}}`;
    ul.appendChild(li);
  }
  after.after(ul);
}

async function checkAll() {
  if (!loaded || !loaded.ok) return;
  $('check-all').disabled = true;
  try {
    for (let n = 1; n <= loaded.assertions.length; n++)
      if ((await checkOne(n)) === 'stopped') break;
  } finally {
    $('check-all').disabled = false;
  }
}

/* A limit's message with what a student can do about it. */
function friendly(message) {
  if (/more than \d+ states/.test(message))
    return message + ' — the process has too many states to explore here; try a smaller instance (a smaller N) or raise the state limit.';
  if (/recursion too deep/.test(message))
    return message + ' — a function or process calls itself too deeply: is there a base case?';
  return message;
}

/* ---- Picture ---- */

let vizReady = null;

/* Graphviz (viz.js) is loaded the first time a picture is drawn. */
function viz() {
  if (!vizReady) {
    vizReady = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = 'vendor/viz-global.js';
      s.onload = () => window.Viz.instance().then(resolve, reject);
      s.onerror = () => reject(new Error('Graphviz could not be loaded'));
      document.head.appendChild(s);
    });
  }
  return vizReady;
}

/* The edges of a path through the graph whose visible events are trace
 * (tau steps anywhere between), shortest first: a set of edge lines. */
function pathEdges(edges, trace) {
  const start = { s: 0, k: 0 };
  const key = (s, k) => s + ',' + k;
  const prev = new Map([[key(0, 0), null]]);
  const queue = [start];
  let end = null;
  while (queue.length) {
    const { s, k } = queue.shift();
    if (k === trace.length) {
      end = { s, k };
      break;
    }
    for (const e of edges) {
      if (e.from !== s) continue;
      const nk = e.label === TAU ? k : e.label === trace[k] ? k + 1 : -1;
      if (nk < 0 || prev.has(key(e.to, nk))) continue;
      prev.set(key(e.to, nk), { s, k, e });
      queue.push({ s: e.to, k: nk });
    }
  }
  const on = new Set();
  for (let at = end; at && prev.get(key(at.s, at.k));) {
    const p = prev.get(key(at.s, at.k));
    on.add(p.e.index);
    at = p;
  }
  return { on, last: end ? end.s : -1 };
}

async function draw(highlight) {
  const proc = $('pic-proc').value.trim();
  const box = $('picture');
  $('pic-note').textContent = 'drawing…';
  let r;
  try {
    r = await askLong('graph', proc);
  } catch (e) {
    $('pic-note').textContent = e.message;
    return;
  }
  showDiagnostics(r.diagnostics, false);
  box.textContent = '';
  if (r.too_big) {
    $('pic-note').textContent = `${proc} has more than ${r.too_big} states: too many to draw. ` +
      'Draw one component, or a smaller instance.';
    return;
  }
  if (!r.dot) {
    $('pic-note').textContent = r.error || 'cannot draw ' + proc + ': see the message below';
    return;
  }
  let dot = r.dot;
  let note = `${r.states} state${r.states === 1 ? '' : 's'}; the double circle is the start`;
  if (highlight) {
    const lines = dot.split('\n');
    const edges = [];
    lines.forEach((l, index) => {
      const m = /^\s*s(\d+) -> s(\d+) \[label="((?:[^"\\]|\\.)*)"\];$/.exec(l);
      if (m) edges.push({ from: +m[1], to: +m[2], label: m[3].replace(/\\(.)/g, '$1'), index });
    });
    const { on, last } = pathEdges(edges, highlight);
    for (const i of on) lines[i] = lines[i].replace(/\];$/, ', color="#c0392b", fontcolor="#c0392b", penwidth=2.5];');
    if (last >= 0) lines.splice(lines.length - 2, 0, `  s${last} [style=filled, fillcolor="#f5b7b1"];`);
    dot = lines.join('\n');
    note += last >= 0 ? '; the counterexample is drawn in red' : '; the counterexample was not found in this picture';
  }
  try {
    const v = await viz();
    const svg = v.renderSVGElement(dot);
    box.appendChild(svg);
    $('pic-note').textContent = note;
  } catch (e) {
    $('pic-note').textContent = 'Graphviz could not draw it: ' + e.message;
  }
}

/* ---- tabs, samples, sharing ---- */

function selectTab(name) {
  for (const b of document.querySelectorAll('#tabs button')) b.classList.toggle('active', b.dataset.tab === name);
  for (const t of document.querySelectorAll('.tab')) t.classList.toggle('active', t.id === 'tab-' + name);
}

function setScript(text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  loadNow();
}

function fillSamples() {
  const sel = $('samples');
  const groups = new Map();
  (window.CSPI_SAMPLES || []).forEach((s, i) => {
    if (!groups.has(s.group)) {
      const g = document.createElement('optgroup');
      g.label = s.group;
      groups.set(s.group, g);
      sel.appendChild(g);
    }
    const o = document.createElement('option');
    o.value = String(i);
    o.textContent = s.title;
    groups.get(s.group).appendChild(o);
  });
  sel.onchange = () => {
    const s = window.CSPI_SAMPLES[+sel.value];
    if (!s) return;
    $('teaches').textContent = s.teaches;
    setScript(s.text);
  };
}

function toBase64(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64(s) {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

function share() {
  const link = location.href.split('#')[0] + '#code=' + toBase64(view.state.doc.toString());
  history.replaceState(null, '', link);
  if (navigator.clipboard) navigator.clipboard.writeText(link).catch(() => {});
  $('status').textContent = 'the link to this script is in the address bar (and copied, where allowed)';
  $('status').className = 'status good';
}

function scriptFromLink() {
  const m = /^#code=([A-Za-z0-9_-]*)$/.exec(location.hash);
  if (!m) return null;
  try {
    return fromBase64(m[1]);
  } catch (e) {
    return null;
  }
}

/* ---- start ---- */

const view = new EditorView({
  parent: $('editor'),
  state: EditorState.create({
    doc: '',
    extensions: [
      lineNumbers(), editHistory(), drawSelection(), highlightActiveLine(), bracketMatching(),
      cspm, syntaxHighlighting(defaultHighlightStyle), lintGutter(),
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      EditorView.updateListener.of((u) => { if (u.docChanged) scheduleLoad(); }),
    ],
  }),
});
window.cspiEditor = view;   /* for the tests and the curious */
/* The marks in the editor: [{line, col, severity, message}]. */
window.cspiMarks = () => {
  const marks = [];
  forEachDiagnostic(view.state, (d, from) => {
    const line = view.state.doc.lineAt(from);
    marks.push({ line: line.number, col: from - line.from + 1, severity: d.severity, message: d.message });
  });
  return marks;
};

startWorker();
fillSamples();
for (const b of document.querySelectorAll('#tabs button')) b.onclick = () => selectTab(b.dataset.tab);
$('run-go').onclick = run;
$('step-go').onclick = () => ask('stepStart', $('step-proc').value.trim()).then(showStep,
  (e) => { $('step-end').textContent = e.message; });
$('step-back').onclick = () => ask('stepBack').then(showStep, (e) => { $('step-end').textContent = e.message; });
$('check-all').onclick = checkAll;
$('check-stop').onclick = () => stopWork();
$('pic-go').onclick = () => draw(null);
$('share').onclick = share;
window.addEventListener('hashchange', () => {
  const t = scriptFromLink();
  if (t !== null && t !== view.state.doc.toString()) setScript(t);
});

const linked = scriptFromLink();
if (linked !== null) {
  $('teaches').textContent = 'A script shared as a link.';
  setScript(linked);
} else {
  const first = (window.CSPI_SAMPLES || []).findIndex((s) => s.file === 'vending.csp');
  if (first >= 0) {
    $('samples').value = String(first);
    $('teaches').textContent = window.CSPI_SAMPLES[first].teaches;
    setScript(window.CSPI_SAMPLES[first].text);
  }
}
