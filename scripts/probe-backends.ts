// Measures the backend probe against real training, in headless Chromium on a built site
// (dist/ by default), served cross-origin isolated as astro.config.mjs serves it:
// - auto: the site's own lab worker (dist/_astro/lab.worker-*.js) initialized with `auto`, as a
//   widget does: what the probe picked, each backend's result and the time from `init` to `ready`;
// - probe: (with --probe) the probe on each backend alone, timed to the end (no skips, no limit),
//   in a module worker bundled here from lab/backend/probe.ts: its ms per step and total time;
// - named: the site's lab worker initialized on each backend by name: the time to `ready`, the
//   worker targets the browser then holds (the lab worker and wasm's pthread workers), and with
//   --train N, N steps of real training there (chapter 1's bigram, the names MLP recipe).
// Each session is a fresh browser. Last line of the output: one JSON object with every figure.
//
//   npx tsx scripts/probe-backends.ts [--dist dist] [--runs 3] [--probe] [--backends wasm,webgl,webgpu,cpu] [--train 20]
//
// Run `npm run build` first; --dist serves another build (e.g. one of the commit before) to
// compare an old probe with a new one on the same machine (--probe needs this checkout's lab/).
import type { Browser, Page } from '@playwright/test';
import { build } from 'esbuild';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BackendName, ProbeResult } from '../lab/backend/names';
import { recipe } from '../lab/train/recipes';
import type { Job, WorkerResponse } from '../lab/worker/protocol';
import { launchChromium } from './preview.mjs';
import { rewritePoolSize, THREADED_GLUE } from './wasm-pool.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    dist: { type: 'string', default: 'dist' }, // the built site to serve
    runs: { type: 'string', default: '3' }, // `auto` sessions
    probe: { type: 'boolean', default: false }, // also the probe on each backend alone, to the end
    backends: { type: 'string', default: 'wasm,webgl,webgpu,cpu' }, // backends to probe alone and start by name
    train: { type: 'string', default: '0' }, // training steps per job on each named backend; 0: none
    limit: { type: 'string', default: '300' }, // seconds a session may take before it is given up
  },
});
const DIST = resolve(args.dist);
const RUNS = Number(args.runs);
const BACKENDS = args.backends.split(',').filter(Boolean) as BackendName[];
const TRAIN_STEPS = Number(args.train);
const LIMIT_MS = Number(args.limit) * 1000;
const LAB_WORKER = readdirSync(join(DIST, '_astro')).find((f) => /^lab\.worker-[\w-]+\.js$/.test(f));
if (!LAB_WORKER) throw new Error(`no lab worker in ${DIST}/_astro: run npm run build first`);

/** The training jobs timed on each named backend: the chapter 1 widget's defaults, and the names MLP recipe. */
const JOBS: Record<string, Job> = {
  bigram: { kind: 'train', dataset: 'names', model: 'bigram', seed: 1, steps: TRAIN_STEPS, learningRate: 0.1, batchSize: 4096, evalEvery: 0 },
  mlp: { kind: 'plan', dataset: 'names', plan: { ...recipe('names-mlp').plan, steps: TRAIN_STEPS, evalEvery: 0 } },
};

/** A worker that runs the probe with the options it is sent, registered as the site's worker registers. */
const PROBE_WORKER = `
import { probeBackends } from './lab/backend/probe.ts';
import { registerBackends } from './lab/backend/register.ts';
self.onmessage = async ({ data }) => {
  registerBackends(data.wasmDirectory, { cores: navigator.hardwareConcurrency });
  const started = performance.now();
  const results = await probeBackends(data.candidates, data.options);
  self.postMessage({ results, totalMs: performance.now() - started });
};`;
const probeWorker = args.probe
  ? (
      await build({
        stdin: { contents: PROBE_WORKER, resolveDir: ROOT, loader: 'ts' },
        bundle: true,
        format: 'esm',
        platform: 'browser',
        write: false,
        logLevel: 'error',
        define: { 'process.env.NODE_ENV': '"production"' },
        // Node built-ins that tfjs references behind runtime checks; never reached in a page.
        external: ['fs', 'path', 'os', 'crypto', 'worker_threads', 'perf_hooks', 'url', 'module', 'util'],
        plugins: [{ name: 'wasm-pool', setup: (b) => b.onLoad({ filter: /threaded-simd\.js$/ }, (a) => (a.path === THREADED_GLUE ? { contents: rewritePoolSize(readFileSync(a.path, 'utf8')), loader: 'js' } : undefined)) }],
      })
    ).outputFiles[0]!.text
  : '';

// ---- a static server for the build, cross-origin isolated as astro.config.mjs serves it ----
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.txt': 'text/plain; charset=utf-8', '.json': 'application/json' };
const server = createServer((req, res) => {
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
  // A page with no widget: the only lab worker is the one this script starts.
  if (path === '/probe.html') return res.setHeader('Content-Type', TYPES['.html']!).end('<!doctype html><meta charset="utf-8"><title>probe</title>');
  if (path === '/probe-worker.js') return res.setHeader('Content-Type', TYPES['.js']!).end(probeWorker);
  let file = join(DIST, path);
  if (!file.startsWith(DIST)) return res.writeHead(403).end();
  try {
    if (statSync(file).isDirectory()) file = join(file, 'index.html');
    res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    res.end(readFileSync(file));
  } catch {
    res.writeHead(404).end('not found');
  }
});
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const address = server.address();
const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

/** Starts the site's lab worker in `page` and initializes it on `backend`; resolves with `ready` and the time it took. */
function initLabWorker(page: Page, backend: string): Promise<{ ready: Extract<WorkerResponse, { type: 'ready' }>; readyMs: number }> {
  return page.evaluate(
    ({ url, backend }) =>
      new Promise((resolve, reject) => {
        const worker = new Worker(url, { type: 'module' });
        (globalThis as unknown as { labWorker: Worker }).labWorker = worker;
        const started = performance.now();
        worker.addEventListener('message', (event: MessageEvent<WorkerResponse>) => {
          if (event.data.type === 'ready') resolve({ ready: event.data, readyMs: performance.now() - started });
          if (event.data.type === 'error') reject(new Error(event.data.message));
        });
        worker.addEventListener('error', (event) => reject(new Error(event.message)));
        worker.postMessage({ type: 'init', backend, baseUrl: `${location.origin}/` });
      }),
    { url: `/_astro/${LAB_WORKER}`, backend },
  );
}

/**
 * Runs `job` in the page's lab worker. Milliseconds per step come from the progress messages'
 * clock between the first message (which holds the warm-up step) and the last one before the
 * final evaluation.
 */
function train(page: Page, job: Job): Promise<{ msPerStep: number; steps: number; lastLoss: number }> {
  return page.evaluate(
    (job) =>
      new Promise((resolve, reject) => {
        const worker = (globalThis as unknown as { labWorker: Worker }).labWorker;
        const marks: { step: number; ms: number; loss: number }[] = [];
        worker.addEventListener('message', (event: MessageEvent<WorkerResponse>) => {
          const m = event.data;
          if (m.type === 'error') reject(new Error(m.message));
          if (m.type === 'progress') {
            const batch = m.points.filter((p) => p.series === 'batch');
            if (batch.length > 0 && batch.length === m.points.length) marks.push({ step: m.step, ms: m.elapsedMs, loss: batch.at(-1)!.loss });
          }
          if (m.type === 'state' && (m.state === 'done' || m.state === 'stopped')) {
            const [first, last] = [marks[0], marks.at(-1)];
            if (!first || !last || last.step === first.step) return reject(new Error(`too few progress messages (${marks.length}) to time a step`));
            resolve({ msPerStep: (last.ms - first.ms) / (last.step - first.step), steps: last.step - first.step, lastLoss: last.loss });
          }
        });
        worker.postMessage({ type: 'start', jobId: 1, job });
      }),
    job,
  );
}

/** Worker targets in the browser (the lab worker and wasm's pthread workers), counted by CDP. */
async function countWorkers(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { type: string }[] };
  await cdp.detach();
  return targetInfos.filter((t) => t.type === 'worker').length;
}

/** Runs `work` on a blank page of the site in a fresh browser. */
async function inBrowser<T>(work: (page: Page, browser: Browser) => Promise<T>): Promise<T> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(LIMIT_MS);
    await page.goto(`${origin}/probe.html`);
    return await work(page, browser);
  } finally {
    await browser.close();
  }
}

/** The site's lab worker initialized on `backend`; then the training jobs, if any. */
const labSession = (backend: string, jobs: Record<string, Job>) =>
  inBrowser(async (page, browser) => {
    const { ready, readyMs } = await initLabWorker(page, backend);
    // wasm's pthread workers start with its module but show up in CDP a moment later.
    await page.waitForTimeout(500);
    const workers = await countWorkers(browser);
    const training: Record<string, unknown> = {};
    for (const [name, job] of Object.entries(jobs)) training[name] = await train(page, job).catch((err: Error) => ({ error: err.message.split('\n')[0] }));
    return { requested: backend, backend: ready.backend, threads: ready.threads, readyMs: Math.round(readyMs), workers, probe: ready.probe, training };
  });

/** The probe alone on one backend, timed to the end: every step, no skip, no limit. */
const probeAlone = (backend: BackendName) =>
  inBrowser((page) =>
    page.evaluate(
      (data) =>
        new Promise<{ results: ProbeResult[]; totalMs: number }>((resolve, reject) => {
          const worker = new Worker('/probe-worker.js', { type: 'module' });
          worker.onmessage = (event) => resolve(event.data);
          worker.onerror = (event) => reject(new Error(event.message));
          worker.postMessage(data);
        }),
      { wasmDirectory: `${origin}/tfjs/`, candidates: [backend], options: { warmupLimitMs: LIMIT_MS, giveUpFactor: Infinity, skipCpuBound: false } },
    ),
  );

const round = (x: number | undefined) => (x === undefined ? undefined : Math.round(x * 10) / 10);
const describe = (p: ProbeResult) => `${p.name} ${p.ok ? `${round(p.ms)} ms/step` : `failed (${p.error})`}${p.totalMs === undefined ? '' : ` in ${Math.round(p.totalMs)} ms`}`;
const log = (line: string) => console.error(`[probe] ${line}`);

const load = [loadavg()[0]];
const auto = [];
for (let i = 0; i < RUNS; i++) {
  const s = await labSession('auto', {});
  auto.push(s);
  log(`auto #${i + 1}: picked ${s.backend} after ${s.readyMs} ms; ${s.probe.map(describe).join('; ')}`);
}
const probe = [];
for (const backend of args.probe ? BACKENDS : []) {
  const p = await probeAlone(backend).catch((err: Error) => ({ error: err.message.split('\n')[0] }));
  probe.push({ backend, ...p });
  log(`probe alone: ${'results' in p ? p.results.map(describe).join('; ') : p.error}`);
}
const named = [];
for (const backend of BACKENDS) {
  const s = await labSession(backend, TRAIN_STEPS > 0 ? JOBS : {}).catch((err: Error) => ({ requested: backend, error: err.message.split('\n')[0] }));
  named.push(s);
  log(`${backend} by name: ${JSON.stringify(s)}`);
}
load.push(loadavg()[0]);
server.close();
console.log(JSON.stringify({ bench: 'backend-probe', dist: DIST, date: new Date().toISOString(), loadAverage: load, auto, probe, named }));
