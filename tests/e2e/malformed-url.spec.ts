import type { Page } from '@playwright/test';
import { expect, test, widget } from './fixtures';

/**
 * Query strings a reader may arrive with that are not valid percent-encoding, or are valid but
 * name a setting with a broken value. `decodeURIComponent` throws on each of the first three
 * ("URI malformed"), so any code that decodes `location.search` that way breaks the page.
 */
const MALFORMED_QUERIES = ['?ref=100%', '?q=%', '?%E0%A4%A', '?train.lr=%', '?race.recipe=%ZZ'];

/**
 * Steps of the race trainer's run: a short run evaluates the dev set at nearly every step, and
 * the smallest share the menu offers (80 steps of the names MLP) took 53 s to over 2 min on two
 * busy shared cores; ten steps still go through loading, training, evaluating and finishing.
 */
const RACE_STEPS = 10;

/** A short run's limit, for a busy machine. */
const RUN_TIMEOUT = 180_000;

/** Every widget of the n-gram chapter works: explorer, heatmap, sampler, and a short run of the bigram trainer. */
async function expectNgramWidgetsWork(page: Page): Promise<void> {
  const explorer = widget(page, 'lm-ngram-explorer');
  await explorer.scrollIntoViewIfNeeded();
  await expect(explorer.locator('[data-part="dev-nll"]')).toHaveText(/^\d+\.\d+$/);

  const heatmap = widget(page, 'lm-bigram-heatmap');
  await heatmap.scrollIntoViewIfNeeded();
  await expect(heatmap.locator('rect.heatmap-cell')).toHaveCount(27 * 27); // names: 26 letters and the end mark

  const sampler = widget(page, 'lm-sampler');
  await sampler.scrollIntoViewIfNeeded();
  await expect(sampler.locator('[data-part="samples"] li').first()).toHaveText(/\S/);

  const trainer = widget(page, 'lm-bigram-trainer');
  await trainer.scrollIntoViewIfNeeded();
  await trainer.locator('[data-field="steps"]').selectOption('100');
  await trainer.locator('[data-part="start"]').click();
  await expect(trainer).toHaveAttribute('data-state', 'done', { timeout: RUN_TIMEOUT });
  expect(Number(await trainer.getAttribute('data-last-dev'))).toBeGreaterThan(0);
}

/** The race chapter's trainer runs a few steps of the names MLP (chosen in its menu) to the end. */
async function expectRecipeTrainerWorks(page: Page): Promise<void> {
  const trainer = widget(page, 'lm-recipe-trainer');
  await trainer.scrollIntoViewIfNeeded();
  await expect(trainer).toHaveAttribute('data-state', 'idle');
  await trainer.locator('[data-field="recipe"]').selectOption('names-mlp');
  await expect(trainer.locator('[data-field="steps"]')).toHaveValue(String(RACE_STEPS)); // the link's steps, kept across recipes
  // wasm: the backend every machine has, so that the run does not depend on a GPU.
  await trainer.locator('[data-field="backend"]').selectOption('wasm');
  await trainer.locator('[data-part="start"]').click();
  await expect(trainer).toHaveAttribute('data-state', 'done', { timeout: RUN_TIMEOUT });
  await expect(trainer).toHaveAttribute('data-step', String(RACE_STEPS));
  expect(Number(await trainer.getAttribute('data-dev'))).toBeGreaterThan(0);
}

/**
 * Every malformed link on each chapter, in both languages: the page must load clean with each
 * link in turn and its first widget compute, then its widgets run once, on the last link. The
 * query string is parsed by the same code whatever the link, so one run per page covers what a
 * run per link did, in a fifth of CI's training time.
 */
for (const lang of ['en', 'zh-cn'] as const) {
  test(`${lang}: the n-gram chapter loads with every malformed link, and runs with the last`, async ({ page, problems }) => {
    test.setTimeout(RUN_TIMEOUT + 120_000);
    for (const query of MALFORMED_QUERIES) {
      await page.goto(`/${lang}/ngram/${query}`);
      const explorer = widget(page, 'lm-ngram-explorer');
      await explorer.scrollIntoViewIfNeeded();
      await expect(explorer.locator('[data-part="dev-nll"]'), query).toHaveText(/^\d+\.\d+$/);
      expect(problems.consoleErrors, `errors with ${query}`).toEqual([]);
    }
    await expectNgramWidgetsWork(page);
    expect(problems.consoleErrors, 'errors while the widgets ran').toEqual([]);
  });

  test(`${lang}: the race chapter loads with every malformed link, and runs with the last`, async ({ page, problems }) => {
    test.setTimeout(RUN_TIMEOUT + 120_000);
    for (const query of MALFORMED_QUERIES) {
      await page.goto(`/${lang}/race/${query}&race.steps=${RACE_STEPS}`);
      const trainer = widget(page, 'lm-recipe-trainer');
      await trainer.scrollIntoViewIfNeeded();
      await expect(trainer, query).toHaveAttribute('data-state', 'idle');
      await expect(trainer.locator('[data-field="steps"]'), query).toHaveValue(String(RACE_STEPS));
      expect(problems.consoleErrors, `errors with ${query}`).toEqual([]);
    }
    await expectRecipeTrainerWorks(page);
    expect(problems.consoleErrors, 'errors while the widgets ran').toEqual([]);
  });
}
