// How soon chapter 2 shows what is inside a model, and what watching costs while it trains.
//
//   node scripts/measure-inside.mjs http://127.0.0.1:4321/ [rounds]
//
// (a) For each language, in a fresh browser context (empty cache) at 1280×900: seconds from the
//     start of navigation to the first embedding picture from the shipped checkpoint (the
//     projection's first snapshot drawn), measured on the page's own clock, for a reader who
//     scrolls to the projection as soon as the page has its markup.
// (b) Training speed of the chapter's default MLP with its views watching every 10 steps (the
//     chapter 2 trainer, whose projection and hidden layer follow it) against the same plan
//     unwatched (the race trainer's `names-mlp-lecture` recipe), `rounds` alternating rounds of
//     STEPS steps each on wasm; milliseconds per step from the widgets' own step counters and the
//     page's clock, between the first and the last step seen.
// (c) With --full: the chapter 2 trainer at its defaults (makemore's lecture configuration, the
//     whole run) on the backend the page picks, and the dev loss it ends at.
// Prints one JSON line.
import { launchChromium } from './preview.mjs';

const base = process.argv[2];
const rounds = Number(process.argv[3] ?? 3);
if (!base) {
  console.error('usage: node scripts/measure-inside.mjs <base URL of a served build> [rounds]');
  process.exit(2);
}
const VIEWPORT = { width: 1280, height: 900 };
const STEPS = 1000;

/** Seconds from navigation start to the projection's first snapshot on the page. */
async function firstPicture(browser, lang) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.goto(new URL(`${lang}/mlp/`, base).href, { waitUntil: 'domcontentloaded' });
  const ms = await page.evaluate(
    () =>
      new Promise((resolve) => {
        document.querySelector('lm-embedding-projection')?.scrollIntoView();
        const check = () => {
          const el = document.querySelector('lm-embedding-projection');
          if (el?.getAttribute('data-snapshots')) return resolve(performance.now());
          setTimeout(check, 10);
        };
        check();
      }),
  );
  await context.close();
  return ms / 1000;
}

/** Milliseconds per training step of the trainer `tag` at `path`, from its first reported step to its end, and its last dev loss. */
async function msPerStep(browser, path, tag) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.goto(new URL(path, base).href);
  const trainer = page.locator(tag).first();
  await trainer.scrollIntoViewIfNeeded();
  await page.waitForFunction((t) => document.querySelector(t)?.getAttribute('data-state') === 'idle', tag, { timeout: 60_000 });
  await trainer.locator('[data-part="start"]').click();
  const result = await page.evaluate(
    ({ tag, steps }) =>
      new Promise((resolve) => {
        const el = document.querySelector(tag);
        let first;
        const observer = new MutationObserver(() => {
          const step = Number(el.getAttribute('data-step') ?? 0);
          if (step > 0 && !first) first = { step, at: performance.now() };
          if (['done', 'error', 'stopped'].includes(el.getAttribute('data-state') ?? '')) {
            observer.disconnect();
            resolve({ ms: (performance.now() - first.at) / (step - first.step), state: el.getAttribute('data-state'), backend: el.getAttribute('data-backend'), steps: step, dev: Number(el.getAttribute('data-dev')) });
          }
        });
        observer.observe(el, { attributes: true });
      }),
    { tag, steps: STEPS },
  );
  await context.close();
  return result;
}

const browser = await launchChromium();
const pictures = {};
for (const lang of ['en', 'zh-cn']) pictures[lang] = await firstPicture(browser, lang);
const watched = [];
const unwatched = [];
for (let r = 0; r < rounds; r++) {
  watched.push(await msPerStep(browser, `en/mlp/?mlp.steps=${STEPS}&mlp.backend=wasm`, 'lm-mlp-trainer'));
  unwatched.push(await msPerStep(browser, `en/race/?race.recipe=names-mlp-lecture&race.steps=${STEPS}&race.backend=wasm`, 'lm-recipe-trainer'));
}
const full = process.argv.includes('--full') ? await msPerStep(browser, 'en/mlp/', 'lm-mlp-trainer') : undefined;
await browser.close();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const w = median(watched.map((x) => x.ms));
const u = median(unwatched.map((x) => x.ms));
console.log(JSON.stringify({ firstPictureSeconds: pictures, msPerStep: { watched: w, unwatched: u, ratio: w / u }, rounds: { watched, unwatched }, full }));
