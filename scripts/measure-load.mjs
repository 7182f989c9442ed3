// What a reader's browser fetches before touching anything, and how long the first training step
// takes after the first click on Train, for every chapter page and home page in both languages.
//
//   node scripts/measure-load.mjs http://127.0.0.1:4321/      # a served build (npm start, astro preview)
//
// For each page, in a fresh browser context (empty cache) at 1280×900, without scrolling:
//   (a) the bytes of JavaScript (page and worker scripts) and of everything fetched during the
//       load and 3 s of idling, counted from the response bodies (uncompressed), and whether any
//       script fetched contains tfjs;
//   (b) on pages with a trainer, the seconds from the first click on its Train button to its
//       first training step (the neural bigram's loss readout; the recipe trainer's data-step);
//   (c) in another fresh context, the JavaScript fetched once the reader has scrolled every
//       widget into view (and idled 3 s), without pressing anything;
//   (d) in another fresh context, (b) for a reader who scrolled to the trainer and read 5 s first.
// Prints a table, then one JSON line.
import { chromium } from '@playwright/test';

const base = process.argv[2];
if (!base) {
  console.error('usage: node scripts/measure-load.mjs <base URL of a served build>');
  process.exit(2);
}

/** The same browser as the end-to-end tests (see playwright.config.ts for why these flags). */
const LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic', '--enable-unsafe-swiftshader'],
};
const VIEWPORT = { width: 1280, height: 900 };
const IDLE_MS = 3000;
/** Strings that only tfjs-core's code contains: an environment flag and a kernel-registry error. */
const TFJS_MARKERS = ['IS_BROWSER', "Kernel '"];

/** Each page, with the trainer whose first step is timed, if it has one. */
const PAGES = ['en', 'zh-cn'].flatMap((lang) => [
  { path: `/${lang}/` },
  { path: `/${lang}/ngram/`, trainer: 'lm-bigram-trainer' },
  { path: `/${lang}/race/?race.recipe=names-mlp&race.steps=80`, trainer: 'lm-recipe-trainer' },
]);

const isScript = (response) => /javascript/.test(response.headers()['content-type'] ?? '') || /\.m?js(\?|$)/.test(response.url());

/** Opens `path` in a fresh context and records every response body fetched, by the page or its workers. */
async function open(browser, path) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const bodies = [];
  const collect = async (response) => {
    const body = await response.body().catch(() => undefined);
    if (!body) return;
    const script = isScript(response);
    bodies.push({ url: response.url(), bytes: body.length, script, tfjs: script && TFJS_MARKERS.some((m) => body.includes(m)) });
  };
  const pending = [];
  context.on('response', (response) => pending.push(collect(response)));
  await page.goto(new URL(path.slice(1), base).href, { waitUntil: 'load' });
  await page.waitForTimeout(IDLE_MS);
  const settled = async () => {
    await Promise.all(pending);
    return [...bodies];
  };
  return { context, page, settled };
}

/** Loads `path`, idles, and counts what came; then times the first training step; then the scrolled page's JavaScript. */
async function measure(browser, { path, trainer }) {
  const { context, page, settled } = await open(browser, path);
  const loaded = await settled();
  const row = {
    page: path,
    jsKB: kb(loaded.filter((b) => b.script)),
    workerJsKB: kb(loaded.filter((b) => b.script && /worker/.test(b.url))),
    allKB: kb(loaded),
    requests: loaded.length,
    tfjsScripts: loaded.filter((b) => b.tfjs).map((b) => b.url.split('/').pop()),
  };
  if (trainer) row.firstStepS = await firstStep(page, trainer);
  await context.close();
  row.scrolledJsKB = await scrolledScripts(browser, path);
  if (trainer) row.firstStepReadS = await firstStepAfterReading(browser, path, trainer);
  return row;
}

/**
 * The first step's seconds for a reader who scrolled to the trainer and read for a few seconds
 * before pressing Train (its worker starts as it comes into view), in a fresh context.
 */
async function firstStepAfterReading(browser, path, trainer) {
  const { context, page } = await open(browser, path);
  await page.locator(trainer).scrollIntoViewIfNeeded();
  await page.waitForTimeout(READING_MS);
  const seconds = await firstStep(page, trainer);
  await context.close();
  return seconds;
}

/** KB of JavaScript fetched once every widget of the page has been scrolled into view. */
async function scrolledScripts(browser, path) {
  const { context, page, settled } = await open(browser, path);
  for (const host of await page.locator('.widget-host').all()) await host.scrollIntoViewIfNeeded();
  await page.waitForTimeout(IDLE_MS);
  const fetched = await settled();
  await context.close();
  return kb(fetched.filter((b) => b.script));
}

/** How long the reader of {@link firstStepAfterReading} reads before pressing Train. */
const READING_MS = 5000;

const kb = (items) => Math.round(items.reduce((s, b) => s + b.bytes, 0) / 1024);

/** Seconds from the pointer going down on Train to the trainer showing its first step. */
async function firstStep(page, tag) {
  await page.evaluate((tag) => {
    const el = document.querySelector(tag);
    const stepped = () =>
      Number(el.dataset.step ?? 0) >= 1 || // the recipe trainer mirrors its step
      (el.querySelector('[data-part="losses"]')?.textContent ?? '') !== ''; // the neural bigram's first progress
    const timing = (window.__firstStep = { clicked: NaN, stepped: NaN });
    document.addEventListener('pointerdown', () => (timing.clicked = Number.isNaN(timing.clicked) ? performance.now() : timing.clicked), { capture: true });
    new MutationObserver(() => {
      if (!Number.isNaN(timing.clicked) && Number.isNaN(timing.stepped) && stepped()) timing.stepped = performance.now();
    }).observe(el, { subtree: true, childList: true, characterData: true, attributes: true });
  }, tag);
  await page.locator(`${tag} [data-part="start"]`).click();
  await page.waitForFunction(() => !Number.isNaN(window.__firstStep.stepped), undefined, { timeout: 120_000 });
  const { clicked, stepped } = await page.evaluate(() => window.__firstStep);
  return Math.round((stepped - clicked) / 10) / 100;
}

const browser = await chromium.launch(LAUNCH);
const rows = [];
for (const p of PAGES) rows.push(await measure(browser, p));
await browser.close();

console.table(rows.map((r) => ({ ...r, tfjsScripts: r.tfjsScripts.join(' ') || '-' })));
console.log(JSON.stringify({ base, viewport: VIEWPORT, idleMs: IDLE_MS, rows }));
