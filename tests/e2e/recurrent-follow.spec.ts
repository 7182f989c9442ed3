import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * The views of chapters 4 and 5 follow the reader's own model: after a short run of a trainer on
 * the page, each view that follows it draws from the trained weights (source `reader`, the run's
 * last step), and what it draws differs from the shipped checkpoint's picture of the same text.
 */

/** Steps of the short runs: enough for the weights to move far from a 3,000-step checkpoint's. */
const STEPS = 100;
/** How long a short run may take on a busy two-core machine. */
const RUN_MS = 240_000;

test.describe.configure({ timeout: 2 * RUN_MS });

/** The numbers a view shows in its accessible table or cells, as one string to compare. */
async function shownNumbers(view: Locator, cells: string): Promise<string> {
  return (await view.locator(cells).allTextContents()).join('|');
}

async function train(trainer: Locator): Promise<void> {
  await trainer.scrollIntoViewIfNeeded();
  await trainer.locator('[data-part="start"]').click();
  await expect(trainer).toHaveAttribute('data-state', 'done', { timeout: RUN_MS });
}

// The follow path is the same in both languages: the LSTM's run is followed in Chinese, the RNN's below in English.
const lang = 'zh-cn';
test(`${lang}: the LSTM trainer’s run redraws the gate strips that follow it, with gates unlike the checkpoint’s`, async ({ page, problems }) => {
  await page.goto(`/${lang}/lstm-gru/?lstm.steps=${STEPS}&lstm.backend=wasm`);
  const strips = page.locator('lm-gate-strips[data-url-prefix="gates-lstm"]');
  await strips.scrollIntoViewIfNeeded();
  await expect(strips).toHaveAttribute('data-strips', '4', { timeout: 60_000 });
  await expect(strips).toHaveAttribute('data-source', 'checkpoint');
  const cells = '.char-strip tbody td';
  const shipped = await shownNumbers(strips, cells);
  expect(shipped).toMatch(/\d/);

  await train(page.locator('lm-recurrent-trainer[data-url-prefix="lstm"]'));
  await expect(strips).toHaveAttribute('data-source', 'reader');
  await expect(strips).toHaveAttribute('data-step', String(STEPS), { timeout: 30_000 });
  await expect(strips).toHaveAttribute('data-strips', '4');
  await expect(strips).toHaveAttribute('data-columns', '5'); // ⏎ e m m a, as the checkpoint read it
  await expect.poll(() => shownNumbers(strips, cells)).not.toEqual(shipped);
  expect(problems.consoleErrors).toEqual([]);
});

test('the RNN trainer’s run redraws the unrolled state, and after it a new text is read by the reader’s model', async ({ page, problems }) => {
  await page.goto(`/en/rnn/?rnn.steps=${STEPS}&rnn.backend=wasm`);
  const unrolled = page.locator('lm-rnn-unrolled');
  await unrolled.scrollIntoViewIfNeeded();
  await expect(unrolled).toHaveAttribute('data-columns', '5', { timeout: 60_000 });
  const bars = '[data-part="next"] td';
  const shipped = await shownNumbers(unrolled, bars);

  await train(page.locator('lm-recurrent-trainer[data-url-prefix="rnn"]'));
  await unrolled.scrollIntoViewIfNeeded();
  await expect(unrolled).toHaveAttribute('data-source', 'reader');
  await expect(unrolled).toHaveAttribute('data-step', String(STEPS), { timeout: 30_000 });
  await expect.poll(() => shownNumbers(unrolled, bars)).not.toEqual(shipped);

  // A text typed after the run is read by the reader's model, not the checkpoint.
  const snapshots = Number(await unrolled.getAttribute('data-snapshots'));
  const box = unrolled.locator('input[type="text"]');
  await box.fill('anna');
  await box.press('Enter');
  await expect.poll(async () => Number(await unrolled.getAttribute('data-snapshots'))).toBeGreaterThan(snapshots);
  await expect(unrolled).toHaveAttribute('data-columns', '5');
  await expect(unrolled).toHaveAttribute('data-source', 'reader');
  expect(problems.consoleErrors).toEqual([]);
});
