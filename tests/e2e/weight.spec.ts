import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test, widget } from './fixtures';

/** Most JavaScript, page and worker scripts together, a page may fetch before the reader touches it. */
const BUDGET_BYTES = 300 * 1024;
/** Strings only tfjs-core's code contains: an environment flag and a kernel-registry error. */
const TFJS_MARKERS = ['IS_BROWSER', "Kernel '"];
const PAGES = ['/en/', '/zh-cn/', '/en/ngram/', '/zh-cn/ngram/', '/en/race/', '/zh-cn/race/'];
const WIDGETS = ['lm-bigram-heatmap', 'lm-ngram-explorer', 'lm-bigram-trainer', 'lm-sampler'];

interface FetchedScript {
  url: string;
  bytes: number;
  tfjs: boolean;
}

const containsTfjs = (code: string) => TFJS_MARKERS.some((m) => code.includes(m));

/** Records every script the page and its workers fetch, with its uncompressed size. */
function recordScripts(page: Page): { scripts: FetchedScript[]; settled(): Promise<FetchedScript[]> } {
  const scripts: FetchedScript[] = [];
  const pending: Promise<void>[] = [];
  page.context().on('response', (response) => {
    const isScript = /javascript/.test(response.headers()['content-type'] ?? '') || /\.m?js(\?|$)/.test(response.url());
    if (!isScript) return;
    pending.push(
      response.body().then(
        (body) => void scripts.push({ url: response.url(), bytes: body.length, tfjs: containsTfjs(body.toString('utf8')) }),
        () => undefined, // a response without a body (a redirect) carries no code
      ),
    );
  });
  return { scripts, settled: () => Promise.all(pending).then(() => scripts) };
}

const total = (scripts: FetchedScript[]) => scripts.reduce((s, x) => s + x.bytes, 0);

for (const path of PAGES) {
  test(`${path} fetches at most 300 KB of JavaScript and no tfjs before the reader touches it`, async ({ page, problems }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const recorder = recordScripts(page);
    await page.goto(path);
    await page.waitForTimeout(3000);
    const scripts = await recorder.settled();
    expect(total(scripts), scripts.map((s) => `${s.url} ${s.bytes}`).join('\n')).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(scripts.filter((s) => s.tfjs).map((s) => s.url)).toEqual([]);
    expect(problems.consoleErrors).toEqual([]);
  });
}

test('scrolling through chapter 1 loads every widget; only the trainer’s worker fetches tfjs, once', async ({ page, problems }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  const recorder = recordScripts(page);
  await page.goto('/en/ngram/');
  expect(await page.evaluate((tags) => tags.filter((t) => customElements.get(t)), WIDGETS)).toEqual([]); // none in sight yet
  for (const tag of WIDGETS) await widget(page, tag).scrollIntoViewIfNeeded();
  await page.waitForFunction((tags) => tags.every((t) => customElements.get(t)), WIDGETS);
  await expect(widget(page, 'lm-ngram-explorer').locator('[data-part="dev-nll"]')).toHaveText(/^2\.45/);
  await expect(widget(page, 'lm-sampler').locator('[data-part="samples"] li').first()).toBeVisible();
  const scripts = await recorder.settled();
  expect(scripts.some((s) => /count\.worker/.test(s.url))).toBe(true);
  // The trainer in view starts its worker, so that a first click finds it ready; nothing else has tfjs.
  expect(scripts.filter((s) => /lab\.worker/.test(s.url))).toHaveLength(1);
  expect(scripts.filter((s) => s.tfjs && !/lab\.worker/.test(s.url)).map((s) => s.url)).toEqual([]);
  expect(problems.consoleErrors).toEqual([]);
});

test('a setting changed and Train pressed before the trainer loaded both count once it has', async ({ page, problems }) => {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  // Hold the trainer's code back, so that the reader's actions surely come before the upgrade.
  await page.route(/\/bigramTrainer\.[^/]*\.js$/, async (route) => {
    await released;
    await route.continue();
  });
  await page.goto('/en/ngram/');
  const trainer = widget(page, 'lm-bigram-trainer');
  await trainer.locator('[data-field="steps"]').selectOption('100');
  await trainer.getByRole('button', { name: 'Train' }).click();
  expect(await page.evaluate(() => customElements.get('lm-bigram-trainer') !== undefined)).toBe(false);
  release();
  await expect(trainer.locator('[data-part="status"]')).toContainText(/Step [1-9]\d* of 100\b/, { timeout: 90_000 });
  expect(page.url()).toContain('train.steps=100');
  await trainer.getByRole('button', { name: 'Stop' }).click();
  await expect(trainer).toHaveAttribute('data-state', /stopped|done/);
  expect(problems.consoleErrors).toEqual([]);
});

test('a widget whose code does not load says so, and its retry button loads it', async ({ page }) => {
  let fail = true;
  await page.route(/\/ngramExplorer\.[^/]*\.js$/, (route) => (fail ? route.abort() : route.continue()));
  await page.goto('/en/ngram/');
  const explorer = widget(page, 'lm-ngram-explorer');
  await explorer.scrollIntoViewIfNeeded();
  const error = explorer.locator('.widget-error[role="alert"]');
  await expect(error).toContainText("this widget's code did not load");
  fail = false;
  await error.getByRole('button', { name: 'Try again' }).click();
  await expect(explorer.locator('[data-part="dev-nll"]')).toHaveText(/^2\.45/);
  await expect(error).toBeHidden();
});

test('no page chunk of the build contains tfjs; only the lab worker does, and the counting worker is small', () => {
  const dir = 'dist/_astro';
  const scripts = readdirSync(dir).filter((f) => f.endsWith('.js'));
  const withTfjs = scripts.filter((f) => containsTfjs(readFileSync(`${dir}/${f}`, 'utf8')));
  expect(withTfjs.length).toBeGreaterThan(0);
  expect(withTfjs.every((f) => f.startsWith('lab.worker'))).toBe(true);
  const countWorker = scripts.filter((f) => f.startsWith('count.worker'));
  expect(countWorker).toHaveLength(1);
  expect(readFileSync(`${dir}/${countWorker[0]}`).length).toBeLessThan(30 * 1024);
});
