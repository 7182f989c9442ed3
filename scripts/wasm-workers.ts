// Counts the worker targets in headless Chromium while chapter 1's bigram trainer trains on wasm
// (the page's widget workers, and tfjs's wasm pthread workers), and reads the dev loss the run
// ends on: to check that wasm's thread pool starts only the workers it uses, and trains the same.
//
//   npx tsx scripts/wasm-workers.ts [--port 4343] [--steps 100]
//
// Serves dist/ with `astro preview` (run `npm run build` first). Last line: one JSON object.
import { parseArgs } from 'node:util';
import { launchChromium, startPreview } from './preview.mjs';

const { values: args } = parseArgs({ options: { port: { type: 'string', default: '4343' }, steps: { type: 'string', default: '100' } } });
const { origin, stop } = await startPreview(Number(args.port));
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(`${origin}/en/ngram/?train.backend=wasm&train.steps=${args.steps}`);
  const trainer = page.locator('lm-bigram-trainer');
  await trainer.scrollIntoViewIfNeeded();
  await trainer.getByRole('button', { name: 'Train' }).click();
  await page.waitForFunction(() => ['running', 'done'].includes(document.querySelector('lm-bigram-trainer')?.getAttribute('data-state') ?? ''), null, { timeout: 120_000 });
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { type: string; url: string }[] };
  const workers = targetInfos.filter((t) => t.type === 'worker');
  await page.waitForFunction(() => ['done', 'stopped'].includes(document.querySelector('lm-bigram-trainer')?.getAttribute('data-state') ?? ''), null, { timeout: 300_000 });
  const result = {
    workers: workers.length,
    // tfjs starts its pthread workers from blob URLs; the widgets' own workers come from /_astro/.
    pthreadWorkers: workers.filter((t) => t.url.startsWith('blob:')).length,
    playwrightWorkers: page.workers().length,
    backend: await trainer.getAttribute('data-backend'),
    lastDev: await trainer.getAttribute('data-last-dev'),
  };
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  stop();
}
