// npm run bench: trains the course's GPT (lab/models/gpt.ts), jax-js's (the shared measuring
// tool ../shared/bench/jaxjs-bench) and the peer @genai-fi/nanogpt at the same size in headless
// Chromium, on every backend the browser offers, and compares them with each other and with the
// backend's own float32 matmul rate. On wasm it alternates ours with the site's thread choice,
// jax-js isolated, ours on 1 thread and jax-js on 1 thread, for --rounds rounds, each run in a
// fresh browser, and reports each variant's median; the machine's load is recorded around every
// run. --busy N keeps N cores busy with other processes for the whole bench.
// Last line of the output: one JSON object with every figure.
//
//   npm run bench [-- --backends wasm,webgl] [--steps 20] [--rounds 2] [--busy 1] [--quick]
//                 [--limit 150] [--jaxjs on|off] [--profile] [--verbose]
//
// Pages: scripts/bench/ours.ts and scripts/bench/peer.ts, bundled here by esbuild and served on
// 127.0.0.1 with the tfjs wasm binaries and the text; nothing is fetched from another host.
// jax-js: scripts/bench/jaxjs.mjs (its own server and browser, as a child process).
import { build } from 'esbuild';
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jaxjsChildren, prepareJaxjs, runJaxjs } from './bench/jaxjs.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ALL_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'];

const { values: args } = parseArgs({
  options: {
    backends: { type: 'string', default: ALL_BACKENDS.join(',') }, // which backends, in order
    steps: { type: 'string' }, // timed steps per run, after one warm-up step (default 20; quick 5)
    limit: { type: 'string' }, // seconds from a page's start after which it starts no new step (default 150; quick 60)
    rounds: { type: 'string' }, // wasm: rounds of the alternating variants (default 2; quick 1)
    busy: { type: 'string', default: '0' }, // processes busy-looping on a core each for the whole bench
    jaxjs: { type: 'string', default: 'on' }, // on | off: run jax-js beside ours
    quick: { type: 'boolean', default: false }, // fewer steps, a shorter limit, a smaller probe, 1 round
    profile: { type: 'boolean', default: false }, // also profile one step of ours per backend (kernels)
    verbose: { type: 'boolean', default: false }, // echo the pages' console to stderr
    chromium: { type: 'string', default: '/usr/bin/chromium' }, // the browser (Playwright's own cannot be downloaded here)
  },
});
const positive = (name, value) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, not ${value}`);
  return n;
};
const backends = args.backends.split(',').map((b) => b.trim()).filter(Boolean);
for (const b of backends) if (!ALL_BACKENDS.includes(b)) throw new Error(`unknown backend ${b}; choose from ${ALL_BACKENDS.join(', ')}`);
const steps = Math.round(positive('steps', args.steps ?? (args.quick ? 5 : 20)));
const limitS = positive('limit', args.limit ?? (args.quick ? 60 : 150));
const rounds = Math.round(positive('rounds', args.rounds ?? (args.quick ? 1 : 2)));
const busy = Math.round(Number(args.busy));
if (!Number.isInteger(busy) || busy < 0) throw new Error(`--busy must be 0 or more, not ${args.busy}`);
if (!['on', 'off'].includes(args.jaxjs)) throw new Error(`--jaxjs must be on or off, not ${args.jaxjs}`);
/** Side of the matmul probe: 1024 as peer-bench uses; 512 when quick. */
const MATMUL_N = args.quick ? 512 : 1024;
/** Extra seconds past the page's own limit before the driver gives up on it (a step in flight). */
const GRACE_S = 60;
/** Extra seconds for the matmul probe, which runs after training (the peer gets them too). */
const PROBE_S = 90;

/** The measured size: nanoGPT's CPU Shakespeare-char model, peer-bench's batch. */
const CONFIG = { layers: 4, heads: 4, embd: 128, block: 64, batch: 12, lr: 1e-3 };

const log = (...parts) => console.error('[bench]', ...parts);

// ---- child processes (--busy loops, jax-js runs), stopped however the bench ends ----
const busyProcesses = [];
const stopChildren = () => {
  for (const p of busyProcesses) p.kill('SIGKILL');
  for (const p of jaxjsChildren) p.kill('SIGTERM');
};
process.on('exit', stopChildren);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130)); // 'exit' then stops them

// ---- bundles: one per page, so that nanogpt's tfjs and WebGPU backend never meet ours ----
const bundles = await build({
  entryPoints: { ours: `${ROOT}scripts/bench/ours.ts`, peer: `${ROOT}scripts/bench/peer.ts` },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'chrome120',
  outdir: '/bench', // virtual: write is false
  write: false,
  minify: false,
  logLevel: 'error',
  define: { 'process.env.NODE_ENV': '"production"' },
  // Node built-ins that tfjs and nanogpt reference behind runtime checks; never reached in a page.
  external: ['fs', 'path', 'os', 'crypto', 'worker_threads', 'perf_hooks', 'url', 'module', 'util'],
});
const scripts = Object.fromEntries(bundles.outputFiles.filter((f) => f.path.endsWith('.js')).map((f) => [f.path.split('/').pop(), f.text]));

// ---- server: 127.0.0.1 only; /iso/ pages are cross-origin isolated, /plain/ pages are not ----
const WASM_DIR = `${ROOT}node_modules/@tensorflow/tfjs-backend-wasm/dist/`;
const TEXT = readFileSync(`${ROOT}public/data/tinyshakespeare.txt`);
const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  const page = path.match(/^\/(iso|plain)\/(ours|peer)\.html$/);
  const send = (type, body) => {
    res.setHeader('Content-Type', type);
    res.end(body);
  };
  if (page) {
    if (page[1] === 'iso') {
      // Cross-origin isolation: with both headers the page gets SharedArrayBuffer, which tfjs's
      // threaded wasm binary needs. Everything the page loads is same-origin, so COEP allows it.
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    return send('text/html; charset=utf-8', `<!doctype html><meta charset="utf-8"><title>bench ${page[2]}</title><script type="module" src="/${page[2]}.js"></script>`);
  }
  if (path === '/favicon.ico') return res.writeHead(204).end();
  if (path === '/ours.js' || path === '/peer.js') return send('text/javascript', scripts[path.slice(1)]);
  if (path === '/data/tinyshakespeare.txt') return send('text/plain; charset=utf-8', TEXT);
  const wasm = path.match(/^\/wasm\/([\w.-]+\.wasm)$/);
  if (wasm) {
    try {
      return send('application/wasm', readFileSync(WASM_DIR + wasm[1]));
    } catch {}
  }
  res.statusCode = 404;
  res.end('not found');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

// What WebGPU and WebGL need in a headless browser without a GPU (SwiftShader); harmless with one.
const FLAGS = ['--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'];

/**
 * One run: a fresh browser, one page training one model on one backend. Collects the page's
 * messages; on the hard time limit keeps what arrived and closes the browser.
 */
async function runPage({ model, backend, isolated, matmul, threads = 'auto', profile = false }) {
  const run = { model, backend, isolated, ok: false, steps: 0, losses: [], stepMs: [], load: { start: load1() } };
  const started = Date.now();
  let lastError = ''; // the page's last console error: often the real cause of a failure
  const browser = await chromium.launch({ executablePath: args.chromium, headless: true, args: FLAGS });
  run.chromium = browser.version();
  let finish;
  let timer;
  const finished = new Promise((resolve) => (finish = resolve));
  try {
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) lastError = m.text().split('\n')[0];
      // WebGPU reports an invalid pipeline as a warning and drops the whole command buffer:
      // the run goes on, but its numbers (and losses) are not to be trusted.
      if (/Invalid (ComputePipeline|CommandBuffer)/.test(m.text())) run.webgpuValidationErrors = (run.webgpuValidationErrors ?? 0) + 1;
      if (/exceeds the maximum/.test(m.text())) run.webgpuLimitError ??= m.text().split('\n')[0].slice(0, 200);
      if (args.verbose) console.error(`[${model}/${backend}] ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => {
      lastError = e.message.split('\n')[0];
      if (args.verbose) console.error(`[${model}/${backend}] pageerror: ${e.message}`);
    });
    page.on('crash', () => finish({ type: 'error', phase: 'page', message: 'the page crashed' }));
    await page.exposeFunction('benchReport', (msg) => {
      if (msg.type === 'env') Object.assign(run, { ran: msg.backend, crossOriginIsolated: msg.crossOriginIsolated, env: msg, threads: msg.wasm?.threads, threadChoice: msg.threadChoice });
      else if (msg.type === 'profile') run.profile = { wallMs: msg.wallMs, kernels: msg.kernels.slice(0, 12) };
      else if (msg.type === 'matmul') run.matmul = { n: msg.n, iters: msg.iters, msPerMatmul: msg.msPerMatmul, gflops: msg.gflops };
      else if (msg.type === 'ready') Object.assign(run, { ran: msg.backend, params: msg.params, vocabSize: msg.vocabSize, setupMs: msg.setupMs, note: msg.note }, msg.threadChoice ? { threadChoice: msg.threadChoice, threads: msg.threadChoice.threads } : {});
      else if (msg.type === 'step') {
        run.losses.push(msg.loss);
        run.stepMs.push(msg.ms);
        if (args.verbose) log(`${model}/${backend} step ${msg.step} loss ${msg.loss.toFixed(4)} ${msg.ms} ms`);
      } else if (msg.type === 'trained') Object.assign(run, { trained: true, stoppedByLimit: msg.stoppedByLimit });
      else if (msg.type === 'error' && msg.phase === 'probe') run.probeError = msg.message;
      else if (msg.type === 'error') run.error ??= `${msg.phase}: ${msg.message}`;
      else if (msg.type === 'done') finish(msg);
    });
    const query = new URLSearchParams({ backend, steps: String(steps), limitMs: String(limitS * 1000), matmul: String(matmul), profile: profile ? '1' : '0', threads: String(threads), ...stringValues(CONFIG) });
    await page.goto(`${origin}/${isolated ? 'iso' : 'plain'}/${model}.html?${query}`);
    const hardS = limitS + GRACE_S + PROBE_S + (profile ? GRACE_S : 0); // the same for both models
    const hardLimit = new Promise((resolve) => (timer = setTimeout(() => resolve({ type: 'timeout' }), hardS * 1000)));
    const end = await Promise.race([finished, hardLimit]);
    if (end.type === 'timeout' && run.trained) run.probeError ??= `cut off after ${hardS} s`;
    else if (end.type === 'timeout' && run.stepMs.length >= 2) run.stoppedByLimit = true; // cut off in a step: keep the steps done
    else if (end.type === 'timeout') run.error ??= `nothing more after ${hardS} s: ${run.params ? `model built, ${run.stepMs.length} step(s) done` : 'the model was not built'}`;
    else if (end.type === 'error') run.error ??= `${end.phase}: ${end.message}`;
  } catch (err) {
    run.error = String(err?.message ?? err).split('\n')[0];
  } finally {
    clearTimeout(timer);
    await browser.close().catch(() => {});
  }
  if (run.error && lastError && !run.error.includes(lastError)) run.error += ` (console: ${lastError.slice(0, 160)})`;
  run.load.end = load1();
  run.wallS = round((Date.now() - started) / 1000, 1);
  summarize(run);
  return run;
}

/** Per-run figures from the step times: the first step is the warm-up and is not timed. */
function summarize(run) {
  const timed = run.stepMs.slice(1);
  run.steps = timed.length;
  if (run.stepMs.length > 0) run.warmupMs = Math.round(run.stepMs[0]);
  if (run.losses.length > 0) Object.assign(run, { lossFirst: round(run.losses[0], 4), lossLast: round(run.losses.at(-1), 4) });
  if (timed.length > 0) {
    const ms = timed.reduce((a, b) => a + b, 0) / timed.length;
    run.msPerStep = round(ms, 1);
    run.tokensPerSec = round((CONFIG.batch * CONFIG.block * 1000) / ms, 1);
    if (run.params) run.trainGflops = round((6 * run.params * run.tokensPerSec) / 1e9, 3);
  }
  run.ok = !run.error && timed.length > 0;
  if (!run.error && timed.length === 0) run.error = 'no timed step within the limit';
  delete run.losses;
  delete run.stepMs;
  delete run.trained;
}

const round = (x, digits) => Math.round(x * 10 ** digits) / 10 ** digits;
const stringValues = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
/** The 1-minute load average: runnable processes, ours included, averaged over the last minute. */
const load1 = () => round(loadavg()[0], 2);

const roundOrNull = (x, digits) => (x === null ? null : round(x, digits));
const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (s.length === 0) return null;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ---- jax-js: the shared tool, prepared in a cache folder (copied, its own npm ci) ----
const JAXJS_SOURCE = resolve(ROOT, '../shared/bench/jaxjs-bench'); // shared/ sits beside the repository
const SHARED_TEXT = resolve(ROOT, '../shared/data/tinyshakespeare.txt');
const jaxjs = args.jaxjs === 'off' ? { error: 'left out (--jaxjs off)' } : prepareJaxjs(JAXJS_SOURCE, `${ROOT}node_modules/.cache/jaxjs-bench`, log);
if (jaxjs.error) log(`jax-js not available: ${jaxjs.error}`);

/**
 * One jax-js run, in the shape of ours: the tool's figures, the threads it ran (its wasm backend
 * starts navigator.hardwareConcurrency workers in an isolated page, and runs on the page's
 * thread without isolation) and the load around it.
 */
async function runJax({ backend, flags = [] }) {
  const run = { model: 'jax-js', backend, isolated: !flags.includes('off'), ok: false, load: { start: load1() } };
  if (jaxjs.error) return { ...run, error: `not available: ${jaxjs.error}`, load: {} };
  const started = Date.now();
  // SwiftShader (webgl, webgpu without a GPU) takes seconds to minutes a step: few steps there.
  const slow = backend !== 'wasm';
  const r = await runJaxjs(jaxjs.dir, {
    backend,
    steps: slow ? Math.min(steps, 3) : steps,
    warmup: slow ? 1 : 2, // its default: the first step traces and compiles (~9 s on wasm)
    timeoutS: limitS,
    data: existsSync(SHARED_TEXT) ? SHARED_TEXT : `${ROOT}public/data/tinyshakespeare.txt`,
    chromium: args.chromium,
    flags,
    hardS: limitS + GRACE_S + 120,
    verbose: args.verbose,
  });
  Object.assign(run, {
    ok: Boolean(r.ok),
    crossOriginIsolated: r.crossOriginIsolated ?? null,
    threads: backend === 'wasm' && r.hardwareConcurrency ? (r.crossOriginIsolated ? r.hardwareConcurrency : 1) : undefined,
    chromium: r.chromium,
    params: r.params ?? undefined,
    steps: r.timedSteps ?? 0,
    msPerStep: r.msPerStep,
    tokensPerSec: r.tokensPerSec,
    warmupMs: r.warmupMs?.[0],
    lossFirst: r.lossFirst,
    lossLast: r.lossLast,
    command: r.command,
  });
  if (r.params && r.tokensPerSec) run.trainGflops = round((6 * r.params * r.tokensPerSec) / 1e9, 3);
  if (r.stoppedByLimit) run.stoppedByLimit = true;
  if (!r.ok) run.error = r.error ?? r.consoleErrors?.[0] ?? (r.timedSteps ? 'failed' : 'no timed step within the limit');
  run.load.end = load1();
  run.wallS = round((Date.now() - started) / 1000, 1);
  return run;
}

// ---- the runs ----
/**
 * What the bench runs, one entry per row of the report. On wasm the first four alternate for
 * --rounds rounds (a fresh browser each run): the load on a shared machine drifts, and
 * alternating spreads the drift over all of them. `against` names the ours variant whose matmul
 * rate the row's % of matmul uses (jax-js and the peer have no probe of their own).
 */
function variantsFor(backend) {
  if (backend !== 'wasm') {
    return [
      { key: `ours-${backend}`, model: 'ours', backend, label: 'ours', run: (profile) => runPage({ model: 'ours', backend, isolated: true, matmul: MATMUL_N, profile }) },
      { key: `peer-${backend}`, model: 'peer', backend, label: '@genai-fi/nanogpt', against: `ours-${backend}`, run: () => runPage({ model: 'peer', backend, isolated: true, matmul: 0 }) },
      { key: `jaxjs-${backend}`, model: 'jax-js', backend, label: 'jax-js', against: `ours-${backend}`, run: () => runJax({ backend }) },
    ];
  }
  return [
    { key: 'ours-wasm-site', model: 'ours', backend, label: "ours, the site's thread choice", rounds: true, run: (profile) => runPage({ model: 'ours', backend, isolated: true, matmul: MATMUL_N, threads: 'auto', profile }) },
    { key: 'jaxjs-wasm-site', model: 'jax-js', backend, label: 'jax-js, isolated (its default threads)', rounds: true, against: 'ours-wasm-site', run: () => runJax({ backend }) },
    { key: 'ours-wasm-2', model: 'ours', backend, label: 'ours, 2 threads (isolated, fixed)', rounds: true, run: () => runPage({ model: 'ours', backend, isolated: true, matmul: MATMUL_N, threads: 2 }) },
    { key: 'ours-wasm-1', model: 'ours', backend, label: 'ours, 1 thread (no isolation)', rounds: true, run: () => runPage({ model: 'ours', backend, isolated: false, matmul: MATMUL_N, threads: 1 }) },
    { key: 'jaxjs-wasm-1', model: 'jax-js', backend, label: 'jax-js, 1 thread (no isolation)', rounds: true, against: 'ours-wasm-1', run: () => runJax({ backend, flags: ['--isolation', 'off'] }) },
    { key: 'peer-wasm', model: 'peer', backend, label: '@genai-fi/nanogpt', against: 'ours-wasm-site', run: () => runPage({ model: 'peer', backend, isolated: true, matmul: 0 }) },
  ];
}

const loadStart = loadavg().map((x) => round(x, 2)); // other work on the machine skews every figure
const busyNote = busy ? `${busy} core${busy > 1 ? 's' : ''} kept busy by another process` : 'no busy process';
log(`backends ${backends.join(', ')}; ${steps} timed steps after a warm-up; ${rounds} round(s) on wasm; at most ${limitS} s a run; ${busyNote}; load ${loadStart.join(' ')}; config ${JSON.stringify(CONFIG)}`);
// The busy loops start after the bundling and jax-js's preparation, just before the first run.
for (let i = 0; i < busy; i++) {
  const p = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
  p.unref(); // a busy loop must not keep the bench alive once it is done
  busyProcesses.push(p);
}
if (busy) {
  log(`${busy} busy-loop process(es) started: pid ${busyProcesses.map((p) => p.pid).join(', ')}`);
  await new Promise((resolve) => setTimeout(resolve, 1000)); // let them start spinning
}
const variants = [];
for (const backend of backends) {
  const list = variantsFor(backend).filter((v) => v.model !== 'jax-js' || args.jaxjs === 'on');
  for (const v of list) v.runs = [];
  for (let pass = 0; pass < rounds; pass++) {
    for (const v of list) {
      if (pass > 0 && !v.rounds) continue;
      // --profile: one step of ours per backend, in its first run (after the timed steps).
      const run = await v.run(args.profile && pass === 0 && v === list.find((x) => x.model === 'ours'));
      log(line(`${v.label}${v.rounds ? ` (round ${pass + 1}/${rounds})` : ''}`, run));
      v.runs.push(run);
    }
  }
  variants.push(...list);
}
server.close();
const loadEnd = loadavg().map((x) => round(x, 2)); // before the busy loops stop
stopChildren();

function line(label, run) {
  const where = `${run.threads ? `${run.threads} thread(s), ` : ''}load ${run.load.start}->${run.load.end}`;
  return run.ok ? `${run.backend} ${label}: ${run.tokensPerSec} tokens/s, ${run.msPerStep} ms/step over ${run.steps} steps (${run.wallS} s; ${where})` : `${run.backend} ${label}: ${run.error}`;
}

// ---- the report ----
const allRuns = variants.flatMap((v) => v.runs);
const firstEnv = allRuns.filter((r) => r.model === 'ours').map((r) => r.env).find(Boolean);
const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model,
  chromium: allRuns.find((r) => r.chromium)?.chromium ?? null,
  hardwareConcurrency: firstEnv?.hardwareConcurrency ?? null,
  webgl2Renderer: firstEnv?.webgl2Renderer ?? null,
  webgpuAdapter: firstEnv?.webgpuAdapter ?? null,
  loadAverage: { start: loadStart, end: loadEnd },
  busy: { processes: busy, note: busyNote },
};
const byKey = Object.fromEntries(variants.map((v) => [v.key, v]));
const rows = variants.map((v) => {
  const ok = v.runs.filter((r) => r.ok);
  // The matmul rate this row is measured against: its own probe (ours), else that of the ours
  // variant it is set beside (same backend, same threads).
  const matmulGflops = median((byKey[v.against] ?? v).runs.map((r) => r.matmul?.gflops));
  const threads = [...new Set(v.runs.map((r) => r.threads).filter(Boolean))];
  const choice = v.runs.map((r) => r.threadChoice).find(Boolean);
  return {
    key: v.key,
    model: v.model,
    backend: v.backend,
    label: v.label,
    threads: threads.length ? threads.join('/') : null,
    ...(choice ? { threadChoice: choice } : {}),
    rounds: v.runs.length,
    ok: ok.length,
    tokensPerSec: roundOrNull(median(ok.map((r) => r.tokensPerSec)), 1),
    msPerStep: roundOrNull(median(ok.map((r) => r.msPerStep)), 1),
    matmulGflops,
    fractionOfMatmul: matmulGflops ? median(ok.map((r) => r.trainGflops / matmulGflops).map((x) => round(x, 4))) : null,
    allTokensPerSec: v.runs.map((r) => (r.ok ? r.tokensPerSec : null)),
    runs: v.runs.map(brief),
  };
});
function brief(run) {
  const out = { ok: run.ok, load: run.load, wallS: run.wallS };
  if (run.threads) out.threads = run.threads;
  if (run.crossOriginIsolated !== undefined) out.crossOriginIsolated = run.crossOriginIsolated;
  if (run.ok) Object.assign(out, { tokensPerSec: run.tokensPerSec, msPerStep: run.msPerStep, steps: run.steps, params: run.params, lossFirst: run.lossFirst, lossLast: run.lossLast });
  if (run.matmul) out.matmul = run.matmul;
  if (run.warmupMs !== undefined) out.warmupMs = run.warmupMs;
  if (run.stoppedByLimit) out.stoppedByLimit = true;
  if (run.env?.wasm) out.wasm = run.env.wasm;
  if (run.threadChoice) out.threadChoice = run.threadChoice;
  if (run.ok && run.model === 'peer') out.vocabSize = run.vocabSize;
  if (run.command) out.command = run.command;
  if (run.webgpuValidationErrors) out.webgpuValidationErrors = run.webgpuValidationErrors;
  if (run.webgpuLimitError) out.webgpuLimitError = run.webgpuLimitError;
  if (run.probeError) out.probeError = run.probeError;
  if (run.profile) out.profile = run.profile;
  if (run.error) out.error = run.error;
  return out;
}
const rowOf = Object.fromEntries(rows.map((r) => [r.key, r]));
/** a's median tokens/s over b's, and the same ratio round by round (paired: the runs next to each other). */
const compare = (label, a, b) => {
  const x = rowOf[a];
  const y = rowOf[b];
  if (!x || !y) return null;
  const paired = x.allTokensPerSec.map((t, i) => (t && y.allTokensPerSec[i] ? round(t / y.allTokensPerSec[i], 2) : null)).slice(0, Math.min(x.rounds, y.rounds));
  return { label, of: a, over: b, ratio: x.tokensPerSec && y.tokensPerSec ? round(x.tokensPerSec / y.tokensPerSec, 2) : null, byRound: paired };
};
const ratios = [
  compare("ours/jax-js on wasm, the site's threads vs jax-js's isolated default", 'ours-wasm-site', 'jaxjs-wasm-site'),
  compare('ours/jax-js on wasm, 1 thread each', 'ours-wasm-1', 'jaxjs-wasm-1'),
  compare('ours/jax-js on wasm, 2 threads (fixed) vs jax-js isolated', 'ours-wasm-2', 'jaxjs-wasm-site'),
  compare(`ours on wasm, the site's thread choice vs 1 thread (${busyNote})`, 'ours-wasm-site', 'ours-wasm-1'),
  compare('jax-js on wasm, isolated vs 1 thread', 'jaxjs-wasm-site', 'jaxjs-wasm-1'),
  ...backends.filter((b) => b !== 'wasm').map((b) => compare(`ours/jax-js on ${b}`, `ours-${b}`, `jaxjs-${b}`)),
  ...backends.map((b) => compare(`ours/peer on ${b}`, b === 'wasm' ? 'ours-wasm-site' : `ours-${b}`, `peer-${b}`)),
].filter((r) => r && r.ratio !== null);
const best = (model) => {
  const ok = rows.filter((r) => r.model === model && r.tokensPerSec !== null).sort((a, b) => b.tokensPerSec - a.tokensPerSec);
  return ok[0] ? { backend: ok[0].backend, label: ok[0].label, tokensPerSec: ok[0].tokensPerSec } : null;
};
const bestOf = { ours: best('ours'), jaxjs: best('jax-js'), peer: best('peer') };
const summary = {
  when: new Date().toISOString(),
  machine,
  config: { ...CONFIG, vocabSize: allRuns.find((r) => r.model === 'ours' && r.vocabSize)?.vocabSize ?? null, steps, rounds, limitS, matmulN: MATMUL_N },
  jaxjs: jaxjs.error ? { available: false, error: jaxjs.error } : { available: true, version: jaxjs.version, tool: '../shared/bench/jaxjs-bench' },
  variants: rows,
  ratios,
  best: {
    ...bestOf,
    oursOverJaxjs: bestOf.ours && bestOf.jaxjs ? round(bestOf.ours.tokensPerSec / bestOf.jaxjs.tokensPerSec, 2) : null,
    oursOverPeer: bestOf.ours && bestOf.peer ? round(bestOf.ours.tokensPerSec / bestOf.peer.tokensPerSec, 2) : null,
  },
};

printTable(summary);
console.log(JSON.stringify(summary));
if (!bestOf.ours) process.exitCode = 1; // ours trained on no backend at all

function printTable(s) {
  const fmt = (x, digits = 1) => (x === null || x === undefined ? '-' : x.toFixed(Math.abs(x) < 1 ? 2 : digits));
  const pct = (x) => (x === null || x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);
  const header = ['model', 'backend', 'threads', 'ms/step', 'tok/s', 'every run tok/s', '% of matmul', 'matmul GFLOP/s', 'load (start->end)'];
  const table = [header];
  const notes = [];
  for (const r of s.variants) {
    const loads = r.runs.map((x) => (x.load?.start === undefined ? '-' : `${x.load.start}->${x.load.end}`)).join(', ');
    const every = r.allTokensPerSec.map((t) => (t === null ? 'failed' : fmt(t))).join(', ');
    table.push([r.label, r.backend, r.threads ?? '-', fmt(r.msPerStep), fmt(r.tokensPerSec), every, pct(r.fractionOfMatmul), fmt(r.matmulGflops), loads]);
    if (r.threadChoice) notes.push(`${r.backend} ${r.label}: threads ${r.threadChoice.threads} (asked ${r.threadChoice.requested}; ${r.threadChoice.reason}${r.threadChoice.reason === 'measured' ? `: ${r.threadChoice.freeCores} of ${r.threadChoice.cores} cores free, ${r.threadChoice.measuredMs} ms` : ''})`);
    for (const [i, run] of r.runs.entries()) {
      const which = `${r.backend} ${r.label}${r.runs.length > 1 ? ` run ${i + 1}` : ''}`;
      if (run.error) notes.push(`${which}: ${run.error}`);
      else if (run.stoppedByLimit) notes.push(`${which}: stopped by the time limit after ${run.steps} timed steps`);
      if (run.webgpuValidationErrors) notes.push(`${which}: ${run.webgpuValidationErrors} WebGPU validation errors, so some work was dropped and the figures are suspect: ${run.webgpuLimitError ?? ''}`);
      if (run.probeError) notes.push(`${which}: matmul probe failed: ${run.probeError}`);
    }
  }
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const m = s.machine;
  const out = [''];
  out.push(`GPT training, ${s.config.layers} layers / ${s.config.heads} heads / ${s.config.embd} dims / block ${s.config.block} / batch ${s.config.batch}, tinyshakespeare chars (vocab ${s.config.vocabSize ?? '?'}); ${s.config.steps} timed steps after a warm-up; medians of ${s.config.rounds} alternating round(s) on wasm`);
  out.push(`machine: ${m.cores} cores (${m.cpu}); ${m.busy.note}; load average (1/5/15 min) ${m.loadAverage.start.join(' ')} at the start, ${m.loadAverage.end.join(' ')} at the end; Chromium ${m.chromium}`);
  out.push(`WebGL2: ${m.webgl2Renderer ?? 'none'}; WebGPU adapter: ${m.webgpuAdapter ?? 'none'}; jax-js: ${s.jaxjs.available ? s.jaxjs.version : `not available (${s.jaxjs.error})`}`);
  const params = (model) => s.variants.filter((r) => r.model === model).flatMap((r) => r.runs).map((x) => x.params).find(Boolean) ?? '?';
  out.push(`params: ours ${params('ours')}, jax-js ${params('jax-js')}, peer ${params('peer')}; % of matmul = 6 x params x tok/s / the N=${s.config.matmulN} matmul rate ours measured on that backend with the same threads`);
  if (m.busy.processes) out.push(`*** ${m.busy.note} (a busy loop per core) for the whole bench: every run shares the machine with it ***`);
  out.push('');
  for (const row of table) out.push(row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
  out.push('');
  for (const n of notes) out.push(`note: ${n}`);
  const x = (r) => `${r.toFixed(2)}x`;
  for (const r of s.ratios) out.push(`${r.label}: ${x(r.ratio)}${r.byRound.length > 1 ? ` (round by round: ${r.byRound.map((b) => (b === null ? '-' : x(b))).join(', ')})` : ''}`);
  for (const r of s.variants) {
    const p = r.runs.find((run) => run.profile)?.profile;
    if (!p) continue;
    const timed = p.kernels.some((k) => k.ms !== null);
    const top = p.kernels.slice(0, 8).map((k) => `${k.name} ${timed ? `${k.ms} ms` : ''}/${k.calls}`.replace(' /', '/'));
    out.push(`profile of one step of ours on ${r.backend} (${p.wallMs} ms profiled${timed ? '' : ', kernels untimed'}): ${top.join(', ')}`);
  }
  const b = s.best;
  const one = (v) => (v ? `${v.tokensPerSec} tok/s on ${v.backend}` : 'none');
  out.push(`best vs best: ours ${one(b.ours)}, jax-js ${one(b.jaxjs)}, peer ${one(b.peer)}${b.oursOverJaxjs === null ? '' : `; ours/jax-js ${x(b.oursOverJaxjs)}`}${b.oursOverPeer === null ? '' : `; ours/peer ${x(b.oursOverPeer)}`}`);
  out.push('');
  console.log(out.join('\n'));
}
