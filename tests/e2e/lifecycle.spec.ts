import type { Page, Worker } from '@playwright/test';
import type { SimulatedFault, WorkerRequest } from '../../lab/worker/protocol';
import { BIGRAM_TRAINER_TEXT } from '../../src/widgets/text/bigramTrainer';
import { COMMON_TEXT } from '../../src/widgets/text/common';
import { wordsOf } from '../../src/widgets/text/define';
import { RECIPE_TRAINER_TEXT } from '../../src/widgets/text/recipeTrainer';
import { expect, test, widget } from './fixtures';

/** The lab worker of the page (not the counting workers, nor wasm's thread workers), once it runs. */
async function labWorker(page: Page): Promise<Worker> {
  await expect.poll(() => page.workers().filter((w) => w.url().includes('lab.worker')).length, { timeout: 30_000 }).toBeGreaterThan(0);
  return page.workers().filter((w) => w.url().includes('lab.worker')).at(-1)!;
}

/** Causes a fault inside the worker through its own message path, as the widget's request would. */
async function simulate(worker: Worker, fault: SimulatedFault): Promise<void> {
  const request: WorkerRequest = { type: 'simulate', fault };
  await worker.evaluate((data) => self.dispatchEvent(new MessageEvent('message', { data })), request);
}

/**
 * Milliseconds, measured in the page, from the next click on a button of the widget `tag` to its
 * `data-state` becoming `state`: what the reader sees, without the test driver's own latency
 * (this machine may be busy).
 */
async function clickToState(page: Page, tag: string, button: string, state: string, timeout = 30_000): Promise<number> {
  const measured = page.evaluate(
    ({ tag, state, timeout }) =>
      new Promise<number>((resolve, reject) => {
        const el = document.querySelector(tag)!;
        let clicked: number | undefined;
        el.addEventListener('click', () => (clicked ??= performance.now()), { capture: true, once: true });
        const observer = new MutationObserver(() => {
          if (clicked === undefined || el.getAttribute('data-state') !== state) return;
          observer.disconnect();
          resolve(performance.now() - clicked);
        });
        observer.observe(el, { attributes: true, attributeFilter: ['data-state'] });
        setTimeout(() => reject(new Error(`${tag} did not reach ${state}`)), timeout);
      }),
    { tag, state, timeout },
  );
  await page.locator(tag).getByRole('button', { name: button, exact: true }).click();
  return measured;
}

for (const lang of ['en', 'zh-cn'] as const) {
  const t = wordsOf(lang, COMMON_TEXT, BIGRAM_TRAINER_TEXT, RECIPE_TRAINER_TEXT);

  test.describe(`${lang}: a trainer survives impatient clicks and faults`, () => {
    test('Train clicked twice while loading starts the second run within 2 s', async ({ page, problems }) => {
      await page.goto(`/${lang}/ngram/?train.steps=1000`);
      const trainer = widget(page, 'lm-bigram-trainer');
      await trainer.scrollIntoViewIfNeeded();
      const train = trainer.getByRole('button', { name: t['train.start'], exact: true });
      await train.click();
      await expect(trainer).toHaveAttribute('data-state', 'loading');
      expect(await clickToState(page, 'lm-bigram-trainer', t['train.start'], 'running')).toBeLessThan(2_000);
      expect(await clickToState(page, 'lm-bigram-trainer', t['train.stop'], 'stopped')).toBeLessThan(1_000);
      expect(problems.consoleErrors).toEqual([]);
    });

    test('a backend switch mid-run stops the run, and the next runs on the new backend', async ({ page, problems }) => {
      await page.goto(`/${lang}/ngram/?train.steps=3000&train.backend=wasm`);
      const trainer = widget(page, 'lm-bigram-trainer');
      await trainer.scrollIntoViewIfNeeded();
      await trainer.getByRole('button', { name: t['train.start'], exact: true }).click();
      await expect(trainer).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
      await expect(trainer).toHaveAttribute('data-backend', 'wasm');
      await trainer.locator('[data-field="backend"]').selectOption('cpu');
      await expect(trainer).toHaveAttribute('data-state', 'stopped');
      await trainer.getByRole('button', { name: t['train.start'], exact: true }).click();
      await expect(trainer).toHaveAttribute('data-backend', 'cpu', { timeout: 30_000 });
      await expect(trainer).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
      expect(await clickToState(page, 'lm-bigram-trainer', t['train.stop'], 'stopped')).toBeLessThan(1_000);
      expect(problems.consoleErrors).toEqual([]);
    });

    test('retry after a data set failed to load trains', async ({ page }) => {
      await page.context().route('**/data/names.txt', (route) => route.fulfill({ status: 404, body: 'missing' }));
      await page.goto(`/${lang}/ngram/?train.steps=100&train.backend=wasm`);
      const trainer = widget(page, 'lm-bigram-trainer');
      await trainer.scrollIntoViewIfNeeded();
      await trainer.getByRole('button', { name: t['train.start'], exact: true }).click();
      await expect(trainer).toHaveAttribute('data-state', 'error', { timeout: 30_000 });
      await expect(trainer.locator('.widget-error[role="alert"]')).toContainText(/names\.txt.*404/);
      await page.context().unroute('**/data/names.txt');
      await trainer.getByRole('button', { name: t['error.retry'], exact: true }).click();
      await expect(trainer).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
      await expect(trainer).toHaveAttribute('data-step', '100');
      await expect(trainer.locator('.widget-error')).toBeHidden();
    });

    test('a worker that ends mid-run is reported, and the next Train works', async ({ page }) => {
      await page.goto(`/${lang}/ngram/?train.steps=3000&train.backend=wasm`);
      const trainer = widget(page, 'lm-bigram-trainer');
      await trainer.scrollIntoViewIfNeeded();
      await trainer.getByRole('button', { name: t['train.start'], exact: true }).click();
      await expect(trainer).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
      const worker = await labWorker(page);
      await worker.evaluate(() => self.close()).catch(() => {}); // the worker may be gone before it answers
      await expect(trainer).toHaveAttribute('data-state', 'error', { timeout: 10_000 });
      await expect(trainer.locator('.widget-error[role="alert"]')).toContainText(t['error.exited']);
      await trainer.getByRole('button', { name: t['train.start'], exact: true }).click();
      await expect(trainer).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
      await expect(trainer.locator('.widget-error')).toBeHidden();
    });

    test('a lost WebGL context is reported, and the run continues on wasm from its last good step', async ({ page, problems }) => {
      test.setTimeout(180_000);
      await page.goto(`/${lang}/ngram/?train.steps=300&train.backend=webgl`);
      const trainer = widget(page, 'lm-bigram-trainer');
      await trainer.scrollIntoViewIfNeeded();
      await trainer.getByRole('button', { name: t['train.start'], exact: true }).click();
      await expect(trainer).toHaveAttribute('data-backend', 'webgl', { timeout: 60_000 });
      await expect.poll(async () => Number(await trainer.getAttribute('data-step')), { timeout: 90_000 }).toBeGreaterThan(20);
      await simulate(await labWorker(page), 'context-lost');
      await expect(trainer).toHaveAttribute('data-state', 'error', { timeout: 10_000 });
      const lostAt = Number(await trainer.getAttribute('data-step'));
      const resume = trainer.getByRole('button', { name: new RegExp(t['error.continueOn'].replace('{backend}', 'wasm').replace('{step}', '(\\d+)')) });
      const step = Number(/(\d+)/.exec((await resume.innerText()).replace(/,/g, ''))![1]);
      expect(step).toBeGreaterThanOrEqual(10); // a good step was kept
      expect(step).toBeLessThanOrEqual(lostAt);
      await resume.click();
      await expect(trainer).toHaveAttribute('data-backend', 'wasm', { timeout: 30_000 });
      await expect(trainer).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
      await expect(trainer).toHaveAttribute('data-step', '300');
      expect(page.url()).toContain('train.backend=wasm');
      // It went on training: the dev loss is near the count bigram's, not a random model's 3.3.
      expect(Number(await trainer.getAttribute('data-last-dev'))).toBeLessThan(2.6);
      expect(problems.consoleErrors).toEqual([]);
    });

    test('Stop on the Shakespeare GPT settles within a second', async ({ page, problems }) => {
      test.setTimeout(240_000);
      await page.goto(`/${lang}/race/?race.recipe=tinyshakespeare-gpt&race.backend=wasm`);
      const trainer = widget(page, 'lm-recipe-trainer');
      await trainer.scrollIntoViewIfNeeded();
      await trainer.getByRole('button', { name: t['race.start'], exact: true }).click();
      await expect(trainer).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
      await expect.poll(async () => Number((await trainer.getAttribute('data-step')) ?? 0), { timeout: 150_000 }).toBeGreaterThanOrEqual(1);
      expect(await clickToState(page, 'lm-recipe-trainer', t['train.stop'], 'stopped')).toBeLessThan(1_000);
      // The worker really let go: a new run begins at once rather than after a final evaluation.
      expect(await clickToState(page, 'lm-recipe-trainer', t['race.start'], 'running')).toBeLessThan(3_000);
      expect(await clickToState(page, 'lm-recipe-trainer', t['train.stop'], 'stopped')).toBeLessThan(1_000);
      expect(problems.consoleErrors).toEqual([]);
    });
  });
}
