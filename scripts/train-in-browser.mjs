// npm run bench:train: trains a recipe of the reference table in headless Chromium, through the
// race chapter's recipe trainer, exactly as a reader's tab would (a Web Worker, the chosen tfjs
// backend), and reports how it went beside the Node reference.
//
// Usage: npm run build && npm run bench:train -- --recipe tinyshakespeare-gpt [--backend wasm] [--steps N] [--limit 40]
//   --recipe   a recipe id of lab/train/recipes.ts (default names-gpt)
//   --backend  auto, webgpu, webgl, wasm or cpu (default auto: the probe picks)
//   --steps    optimizer steps (default 0: the recipe's own)
//   --limit    minutes before the run is stopped and reported as it stands (default 40)
//   --port     of the preview server (default 4342)
// It builds nothing: run `npm run build` first. Progress goes to stderr; the last line of stdout
// is one JSON object: recipe, backend, threads, steps, seconds (the widget's running time),
// tokensPerSec, dev (the last dev loss), referenceDev (Node's), target, reached,
// crossOriginIsolated (wasm threads need it) and longTasks: the main thread's long tasks while
// training (count, maxMs, and over50ms: the time beyond 50 ms summed, i.e. the total blocking time).
import { parseArgs } from 'node:util';
import { launchChromium, startPreview } from './preview.mjs';

const { values: args } = parseArgs({
  options: {
    recipe: { type: 'string', default: 'names-gpt' },
    backend: { type: 'string', default: 'auto' },
    steps: { type: 'string', default: '0' },
    limit: { type: 'string', default: '40' },
    port: { type: 'string', default: '4342' },
  },
});
const limitMs = Number(args.limit) * 60_000;
const log = (line) => process.stderr.write(`${line}\n`);
/** Seconds as m:ss. */
const clock = (s) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;

const { origin, stop } = await startPreview(Number(args.port));
const browser = await launchChromium();
const page = await browser.newPage();
page.on('console', (m) => m.type() === 'error' && log(`page console error: ${m.text()}`));
page.on('pageerror', (e) => log(`page error: ${e.message}`));

const query = new URLSearchParams({ 'race.recipe': args.recipe, 'race.steps': args.steps, 'race.backend': args.backend });
await page.goto(`${origin}/en/race/?${query}`);
const trainer = page.locator('lm-recipe-trainer');
await trainer.waitFor();
const notice = trainer.locator('[data-part="notice"]');
if (await notice.isVisible()) {
  const recipes = await trainer.locator('[data-field="recipe"] option').evaluateAll((options) => options.map((o) => o.value));
  log(`${(await notice.innerText()).trim()}\nrecipes: ${recipes.join(', ')}`);
  await browser.close();
  stop();
  process.exit(2);
}
const crossOriginIsolated = await page.evaluate(() => self.crossOriginIsolated);

// Long tasks on the main thread: observed from before Start (buffered: those of page load too,
// which are left out below by their start time).
const trainStart = await page.evaluate(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  return performance.now();
});

const read = () => trainer.evaluate((el) => ({ ...el.dataset, error: el.querySelector('[data-part="error"]')?.textContent ?? '' }));
const started = Date.now();
await trainer.locator('[data-part="start"]').click();
log(`training ${args.recipe} on ${args.backend} (crossOriginIsolated: ${crossOriginIsolated})`);
let state = await read();
let lastLog = 0;
while (!['done', 'stopped', 'error'].includes(state.state)) {
  await page.waitForTimeout(2000);
  state = await read();
  const wall = Date.now() - started;
  if (wall - lastLog >= 15_000) {
    lastLog = wall;
    log(`${clock(wall / 1000)} ${state.state} step ${state.step ?? 0}/${state.steps} · ${state.tokensPerSec ?? '–'} tokens/s · dev ${state.dev ? Number(state.dev).toFixed(3) : '–'} · ${state.backend ?? '?'}${state.threads ? ` (${state.threads} threads)` : ''}`);
  }
  if (wall > limitMs && state.state === 'running') {
    log(`time limit of ${args.limit} min: stopping`);
    await trainer.locator('[data-part="stop"]').click();
    await page.waitForFunction(() => document.querySelector('lm-recipe-trainer')?.dataset.state !== 'running', null, { timeout: 300_000 });
    state = await read();
  }
}
const tasks = (await page.evaluate(() => window.__longTasks)).filter((t) => t.start >= trainStart);
await browser.close();
stop();

const number = (x) => (x === undefined || x === '' ? null : Number(x));
if (state.state === 'error') log(state.error);
const result = {
  recipe: args.recipe,
  state: state.state,
  backend: state.backend ?? null,
  threads: number(state.threads),
  steps: number(state.step),
  plannedSteps: number(state.steps),
  seconds: number(state.seconds),
  wallSeconds: Math.round((Date.now() - started) / 100) / 10,
  tokensPerSec: number(state.tokensPerSec),
  dev: number(state.dev),
  referenceDev: number(state.referenceDev),
  target: number(state.target),
  reached: state.reached === undefined ? null : state.reached === 'true',
  crossOriginIsolated,
  longTasks: {
    count: tasks.length,
    maxMs: Math.round(Math.max(0, ...tasks.map((t) => t.ms))),
    over50ms: Math.round(tasks.reduce((sum, t) => sum + Math.max(0, t.ms - 50), 0)),
  },
};
console.log(JSON.stringify(result));
process.exit(state.state === 'error' ? 1 : 0);
