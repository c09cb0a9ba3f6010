// build.mjs - `node web/build.mjs CSPI_JS OUT`: the playground's static
// site from web/ (make web runs it). Everything the page loads is a plain
// <script> in OUT, so the page works from file:// and offline:
//   app.js         the page (app.js, cspm.js) and CodeMirror, bundled by esbuild
//   worker-src.js  the worker's text (emscripten's cspi.js, cspi.wasm as a data:
//                  URL, warmup.csp's text, then worker.js) as a string, and the worker started
//                  from it as a Blob, which file:// allows where a worker file is not
//   samples.js     the sample menu: web/samples.json with each file's text
//   vendor/viz-global.js  Graphviz in WebAssembly (npm @viz-js/viz), loaded
//                  when a picture is first drawn
// plus index.html and style.css as they are.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [cspiJs, out] = process.argv.slice(2);
if (!cspiJs || !out) {
  console.error('usage: node web/build.mjs CSPI_JS OUT');
  process.exit(64);
}
fs.mkdirSync(path.join(out, 'vendor'), { recursive: true });

await build({
  entryPoints: [path.join(here, 'app.js')],
  bundle: true,
  format: 'iife',
  minify: true,
  target: 'es2020',
  outfile: path.join(out, 'app.js'),
  logLevel: 'warning',
});

/* The WebAssembly as a data: URL, which the worker fetches: the browser
 * decodes it natively and compiles it as it streams (emscripten's own
 * SINGLE_FILE decoding, a byte at a time in JavaScript, took a third of a
 * second before compiling began). */
const wasm = fs.readFileSync(cspiJs.replace(/\.js$/, '.wasm')).toString('base64');
const workerText = fs.readFileSync(cspiJs, 'utf8') + '\n' +
  'const CSPI_WASM = "data:application/wasm;base64,' + wasm + '";\n' +
  'const CSPI_WARM_UP = ' + JSON.stringify(fs.readFileSync(path.join(here, 'warmup.csp'), 'utf8')) + ';\n' +
  fs.readFileSync(path.join(here, 'worker.js'), 'utf8');
/* The worker starts as soon as this script has run, so cspi compiles while
 * the page itself is still being parsed and laid out. */
fs.writeFileSync(path.join(out, 'worker-src.js'), 'window.CSPI_WORKER_SRC = ' + JSON.stringify(workerText) + ';\n' +
  'window.CSPI_WORKER = (() => { try { return window.cspiNewWorker(); } catch (e) { return null; } })();\n');

const samplesDir = path.join(here, '..', 'samples');
const samples = JSON.parse(fs.readFileSync(path.join(here, 'samples.json'), 'utf8'));
for (const s of samples) s.text = fs.readFileSync(path.join(samplesDir, s.file), 'utf8');
fs.writeFileSync(path.join(out, 'samples.js'), 'window.CSPI_SAMPLES = ' + JSON.stringify(samples) + ';\n');

fs.copyFileSync(path.join(here, 'node_modules/@viz-js/viz/dist/viz-global.js'), path.join(out, 'vendor/viz-global.js'));
for (const f of ['index.html', 'style.css']) fs.copyFileSync(path.join(here, f), path.join(out, f));
console.log(`web: the playground is in ${out}/index.html`);
