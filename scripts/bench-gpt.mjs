// npm run bench: trains the course's GPT (lab/models/gpt.ts) and the peer @genai-fi/nanogpt at
// the same size in headless Chromium, on every backend the browser offers, and compares them
// with each other and with the backend's own float32 matmul rate. Also trains ours on wasm in a
// page without cross-origin isolation, to show what the COOP/COEP headers buy (wasm threads).
// Last line of the output: one JSON object with every figure.
//
//   npm run bench [-- --backends wasm,webgl] [--steps 20] [--quick] [--limit 150] [--profile] [--verbose]
//
// Pages: scripts/bench/ours.ts and scripts/bench/peer.ts, bundled here by esbuild and served on
// 127.0.0.1 with the tfjs wasm binaries and the text; nothing is fetched from another host.
import { build } from 'esbuild';
import { chromium } from '@playwright/test';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ALL_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'];

const { values: args } = parseArgs({
  options: {
    backends: { type: 'string', default: ALL_BACKENDS.join(',') }, // which backends, in order
    steps: { type: 'string' }, // timed steps per run, after one warm-up step (default 20; quick 5)
    limit: { type: 'string' }, // seconds from a page's start after which it starts no new step (default 150; quick 60)
    quick: { type: 'boolean', default: false }, // fewer steps, a shorter limit, a smaller probe
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
/** Side of the matmul probe: 1024 as peer-bench uses; 512 when quick. */
const MATMUL_N = args.quick ? 512 : 1024;
/** Extra seconds past the page's own limit before the driver gives up on it (a step in flight). */
const GRACE_S = 60;
/** Extra seconds for the matmul probe, which runs after training (the peer gets them too). */
const PROBE_S = 90;

/** The measured size: nanoGPT's CPU Shakespeare-char model, peer-bench's batch. */
const CONFIG = { layers: 4, heads: 4, embd: 128, block: 64, batch: 12, lr: 1e-3 };

const log = (...parts) => console.error('[bench]', ...parts);

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
async function runPage({ model, backend, isolated, matmul, reportCores = 0, profile = false }) {
  const run = { model, backend, isolated, ...(reportCores ? { reportCores } : {}), ok: false, steps: 0, losses: [], stepMs: [] };
  const started = Date.now();
  let lastError = ''; // the page's last console error: often the real cause of a failure
  const browser = await chromium.launch({ executablePath: args.chromium, headless: true, args: FLAGS });
  run.chromium = browser.version();
  let finish;
  let timer;
  const finished = new Promise((resolve) => (finish = resolve));
  try {
    const page = await browser.newPage();
    // tfjs's wasm backend uses half of navigator.hardwareConcurrency as threads; reporting twice
    // the cores lets it use them all, to see what threads buy on a machine with few cores.
    if (reportCores) await page.addInitScript((n) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => n }), reportCores);
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
      if (msg.type === 'env') Object.assign(run, { ran: msg.backend, crossOriginIsolated: msg.crossOriginIsolated, env: msg });
      else if (msg.type === 'profile') run.profile = { wallMs: msg.wallMs, kernels: msg.kernels.slice(0, 12) };
      else if (msg.type === 'matmul') run.matmul = { n: msg.n, iters: msg.iters, msPerMatmul: msg.msPerMatmul, gflops: msg.gflops };
      else if (msg.type === 'ready') Object.assign(run, { ran: msg.backend, params: msg.params, vocabSize: msg.vocabSize, setupMs: msg.setupMs, note: msg.note });
      else if (msg.type === 'step') {
        run.losses.push(msg.loss);
        run.stepMs.push(msg.ms);
        if (args.verbose) log(`${model}/${backend} step ${msg.step} loss ${msg.loss.toFixed(4)} ${msg.ms} ms`);
      } else if (msg.type === 'trained') Object.assign(run, { trained: true, stoppedByLimit: msg.stoppedByLimit });
      else if (msg.type === 'error' && msg.phase === 'probe') run.probeError = msg.message;
      else if (msg.type === 'error') run.error ??= `${msg.phase}: ${msg.message}`;
      else if (msg.type === 'done') finish(msg);
    });
    const query = new URLSearchParams({ backend, steps: String(steps), limitMs: String(limitS * 1000), matmul: String(matmul), profile: profile ? '1' : '0', ...stringValues(CONFIG) });
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
const fraction = (run, gflops) => (run?.ok && gflops ? round(run.trainGflops / gflops, 4) : null);
const ratio = (a, b) => (a?.ok && b?.ok ? round(a.tokensPerSec / b.tokensPerSec, 2) : null);

// ---- the runs ----
const loadStart = round(loadavg()[0], 2); // other work on the machine skews every figure
log(`backends ${backends.join(', ')}; ${steps} timed steps after 1 warm-up; at most ${limitS} s a run; config ${JSON.stringify(CONFIG)}`);
const results = {};
for (const backend of backends) {
  const ours = await runPage({ model: 'ours', backend, isolated: true, matmul: MATMUL_N, profile: args.profile });
  log(line('ours', ours));
  const peer = await runPage({ model: 'peer', backend, isolated: true, matmul: 0 });
  log(line('peer', peer));
  results[backend] = { ours, peer };
}
// Cross-origin isolation and wasm threads: ours on wasm with and without COOP/COEP and, where
// tfjs's default (half the logical cores) leaves cores idle, with every core as a thread. Each
// variant runs `rounds` times, interleaved, and keeps its best run: other work on the machine
// only ever slows a run down, and these differences are small enough to drown in it.
let wasmVariants;
if (backends.includes('wasm')) {
  const rounds = args.quick ? 1 : 2;
  const threads = results.wasm.ours.env?.wasm?.threads;
  const cores = Math.min(cpus().length, 8); // tfjs uses at most 8 threads
  wasmVariants = [{ label: 'COOP+COEP (cross-origin isolated)', isolated: true, runs: [results.wasm.ours] }];
  if (threads && threads < cores) wasmVariants.push({ label: `COOP+COEP, hardwareConcurrency reported as ${2 * cores}`, isolated: true, reportCores: 2 * cores, runs: [] });
  wasmVariants.push({ label: 'no isolation headers', isolated: false, runs: [] });
  for (let pass = 0; pass < rounds; pass++) {
    for (const v of wasmVariants) {
      if (v.runs.length > pass) continue;
      const run = await runPage({ model: 'ours', backend: 'wasm', isolated: v.isolated, matmul: MATMUL_N, reportCores: v.reportCores });
      log(line(`ours, ${v.label}`, run));
      v.runs.push(run);
    }
  }
  for (const v of wasmVariants) {
    v.best = v.runs.filter((r) => r.ok).sort((x, y) => y.tokensPerSec - x.tokensPerSec)[0] ?? v.runs[0];
    v.bestMatmul = Math.max(...v.runs.map((r) => r.matmul?.gflops ?? 0)) || null;
  }
}
server.close();

function line(label, run) {
  return run.ok ? `${run.backend} ${label}: ${run.tokensPerSec} tokens/s, ${run.msPerStep} ms/step over ${run.steps} steps (${run.wallS} s)` : `${run.backend} ${label}: ${run.error}`;
}

// ---- the report ----
const firstEnv = Object.values(results).map((r) => r.ours.env).find(Boolean);
const machine = {
  cores: cpus().length,
  loadAverage: { start: loadStart, end: round(loadavg()[0], 2) },
  cpu: cpus()[0]?.model,
  chromium: Object.values(results)[0]?.ours.chromium ?? null,
  hardwareConcurrency: firstEnv?.hardwareConcurrency ?? null,
  webgl2Renderer: firstEnv?.webgl2Renderer ?? null,
  webgpuAdapter: firstEnv?.webgpuAdapter ?? null,
};
const rows = {};
for (const [backend, { ours, peer }] of Object.entries(results)) {
  const gflops = ours.matmul?.gflops ?? null;
  rows[backend] = {
    matmulGflops: gflops,
    ours: brief(ours, gflops),
    peer: brief(peer, gflops),
    oursOverPeer: ratio(ours, peer),
  };
}
function brief(run, gflops) {
  if (!run) return null;
  const out = { ok: run.ok };
  if (run.ok) Object.assign(out, { tokensPerSec: run.tokensPerSec, msPerStep: run.msPerStep, fractionOfMatmul: fraction(run, gflops), steps: run.steps, params: run.params, lossFirst: run.lossFirst, lossLast: run.lossLast });
  if (run.warmupMs !== undefined) out.warmupMs = run.warmupMs;
  if (run.stoppedByLimit) out.stoppedByLimit = true;
  if (run.env?.wasm) out.wasm = run.env.wasm;
  if (run.ok && run.model === 'peer') out.vocabSize = run.vocabSize;
  if (run.webgpuValidationErrors) out.webgpuValidationErrors = run.webgpuValidationErrors;
  if (run.webgpuLimitError) out.webgpuLimitError = run.webgpuLimitError;
  if (run.probeError) out.probeError = run.probeError;
  if (run.profile) out.profile = run.profile;
  if (run.error) out.error = run.error;
  return out;
}
const best = (model) => {
  const ok = Object.entries(results).filter(([, r]) => r[model].ok);
  ok.sort(([, a], [, b]) => b[model].tokensPerSec - a[model].tokensPerSec);
  return ok[0] ? { backend: ok[0][0], tokensPerSec: ok[0][1][model].tokensPerSec } : null;
};
const bestOurs = best('ours');
const bestPeer = best('peer');
const summary = {
  machine,
  config: { ...CONFIG, vocabSize: Object.values(results).find((r) => r.ours.vocabSize)?.ours.vocabSize ?? null, steps, limitS, matmulN: MATMUL_N },
  backends: rows,
  best: { ours: bestOurs, peer: bestPeer, oursOverPeer: bestOurs && bestPeer ? round(bestOurs.tokensPerSec / bestPeer.tokensPerSec, 2) : null },
};
if (wasmVariants) {
  const [iso, ...rest] = wasmVariants;
  const plain = rest.at(-1);
  const allCores = rest.length > 1 ? rest[0] : undefined;
  const speedup = (v) => ({ training: ratio(v.best, plain.best), matmul: v.bestMatmul && plain.bestMatmul ? round(v.bestMatmul / plain.bestMatmul, 2) : null });
  summary.wasmIsolation = {
    rounds: iso.runs.length,
    variants: wasmVariants.map((v) => ({
      label: v.label,
      crossOriginIsolated: v.best.crossOriginIsolated ?? null,
      threads: v.best.env?.wasm?.threads ?? null,
      matmulGflops: v.bestMatmul,
      tokensPerSec: v.best.ok ? v.best.tokensPerSec : null,
      msPerStep: v.best.ok ? v.best.msPerStep : null,
      allTokensPerSec: v.runs.map((r) => (r.ok ? r.tokensPerSec : null)),
      ...(v.best.error ? { error: v.best.error } : {}),
    })),
    isolatedOverNot: speedup(iso),
    ...(allCores ? { allCoresOverNot: speedup(allCores) } : {}),
  };
}

printTable(summary);
console.log(JSON.stringify(summary));
if (!bestOurs) process.exitCode = 1; // ours trained on no backend at all

function printTable(s) {
  const fmt = (x, digits = 1) => (x === null || x === undefined ? '-' : x.toFixed(Math.abs(x) < 1 ? 2 : digits));
  const pct = (x) => (x === null || x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);
  const header = ['backend', 'matmul GFLOP/s', 'ours tok/s', 'ours ms/step', 'ours %matmul', 'peer tok/s', 'peer ms/step', 'peer %matmul', 'ours/peer'];
  const table = [header];
  const notes = [];
  for (const [backend, r] of Object.entries(s.backends)) {
    table.push([backend, fmt(r.matmulGflops), fmt(r.ours.tokensPerSec), fmt(r.ours.msPerStep), pct(r.ours.fractionOfMatmul), fmt(r.peer.tokensPerSec), fmt(r.peer.msPerStep), pct(r.peer.fractionOfMatmul), r.oursOverPeer === null ? '-' : `${r.oursOverPeer.toFixed(2)}x`]);
    for (const model of ['ours', 'peer']) {
      if (r[model].error) notes.push(`${backend} ${model}: ${r[model].error}`);
      else if (r[model].stoppedByLimit) notes.push(`${backend} ${model}: stopped by the time limit after ${r[model].steps} timed steps`);
      if (r[model].webgpuValidationErrors) notes.push(`${backend} ${model}: ${r[model].webgpuValidationErrors} WebGPU validation errors, so some work was dropped and the figures are suspect: ${r[model].webgpuLimitError ?? ''}`);
      if (r[model].probeError) notes.push(`${backend} ${model}: matmul probe failed: ${r[model].probeError}`);
    }
  }
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const out = [];
  out.push('');
  out.push(`GPT training, ${s.config.layers} layers / ${s.config.heads} heads / ${s.config.embd} dims / block ${s.config.block} / batch ${s.config.batch}, tinyshakespeare chars (vocab ${s.config.vocabSize ?? '?'}); ${s.config.steps} timed steps after a warm-up`);
  out.push(`machine: ${s.machine.cores} cores (${s.machine.cpu}), load average ${s.machine.loadAverage.start} at the start and ${s.machine.loadAverage.end} at the end; Chromium ${s.machine.chromium}`);
  out.push(`WebGL2: ${s.machine.webgl2Renderer ?? 'none'}; WebGPU adapter: ${s.machine.webgpuAdapter ?? 'none'}`);
  const params = (model) => Object.values(s.backends).map((r) => r[model].params).find(Boolean) ?? '?';
  out.push(`params: ours ${params('ours')}, peer ${params('peer')}; %matmul = 6 x params x tokens/s / the backend's N=${s.config.matmulN} matmul rate`);
  out.push('');
  for (const row of table) out.push(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
  out.push('');
  for (const n of notes) out.push(`note: ${n}`);
  if (s.wasmIsolation) {
    const w = s.wasmIsolation;
    const width = Math.max(...w.variants.map((v) => v.label.length));
    out.push(`ours on wasm, best of ${w.rounds} run(s) each:`);
    for (const v of w.variants) {
      out.push(`  ${v.label.padEnd(width)}  ${v.threads ?? '?'} thread(s)  matmul ${fmt(v.matmulGflops)} GFLOP/s  ${fmt(v.tokensPerSec)} tok/s${v.error ? `  (${v.error})` : ''}`);
    }
    const x = (r) => (r === null || r === undefined ? '?' : `${r.toFixed(2)}x`);
    out.push(`  isolated vs not: training ${x(w.isolatedOverNot.training)}, matmul ${x(w.isolatedOverNot.matmul)}${w.allCoresOverNot ? `; every core as a thread vs not isolated: training ${x(w.allCoresOverNot.training)}, matmul ${x(w.allCoresOverNot.matmul)}` : ''}`);
  }
  for (const [backend, r] of Object.entries(s.backends)) {
    const p = r.ours.profile;
    if (!p) continue;
    const timed = p.kernels.some((k) => k.ms !== null);
    const top = p.kernels.slice(0, 8).map((k) => `${k.name} ${timed ? `${k.ms} ms` : ''}/${k.calls}`.replace(' /', '/'));
    out.push(`profile of one step of ours on ${backend} (${p.wallMs} ms profiled${timed ? '' : ', kernels untimed'}): ${top.join(', ')}`);
  }
  const b = s.best;
  out.push(`best vs best: ours ${b.ours ? `${b.ours.tokensPerSec} tok/s on ${b.ours.backend}` : 'none'}, peer ${b.peer ? `${b.peer.tokensPerSec} tok/s on ${b.peer.backend}` : 'none'}${b.oursOverPeer === null ? '' : `: ours/peer ${b.oursOverPeer.toFixed(2)}x`}`);
  out.push('');
  console.log(out.join('\n'));
}
