import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * Chapter 7's heads, on the chapter's page in both languages: the grid has a panel for every
 * layer and head of the shipped GPT before any training, and a head is enlarged (characters on
 * both axes) with the keyboard alone; after a short run of the chapter's trainer, watched every
 * 10 steps, the timeline holds snapshots of the run, at least two of them different, and the
 * reader can move between them with the keys.
 */

/** A short run: 40 steps of the chapter’s GPT made light (4 layers × 4 heads still, 32 channels, batches of 4), a snapshot every 10. */
const STEPS = 40;
const EVERY = 10;
/** How long a short run may take on a busy two-core machine. */
const RUN_MS = 240_000;

test.describe.configure({ timeout: 2 * RUN_MS });

/** Presses Tab until `target` has the focus (at most `max` times), as a keyboard-only reader would. */
async function tabTo(page: Page, target: Locator, max = 12): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

/** The enlarged head's weights as its table lists them (each query's largest, three decimals): one string to compare. */
async function weights(view: Locator): Promise<string> {
  return (await view.locator('.attention-matrix-view tbody').textContent()) ?? '';
}

for (const lang of ['en', 'zh-cn'] as const) {
  test(`${lang}: the heads grid of the shipped GPT, a head enlarged by keyboard, and the heads forming in a short run`, async ({ page, problems }) => {
    await page.goto(`/${lang}/transformer/?gpt.steps=${STEPS}&gpt.embd=32&gpt.batch=4&gpt.backend=wasm&timeline.every=${EVERY}`);

    // The grid: every layer × head of the shipped GPT (4 × 4), before any training.
    const grid = page.locator('lm-attention-heads[data-follows="gpt"]');
    await grid.scrollIntoViewIfNeeded();
    await expect(grid).toHaveAttribute('data-layers', '4', { timeout: 60_000 });
    await expect(grid).toHaveAttribute('data-heads', '4');
    await expect(grid).toHaveAttribute('data-source', 'checkpoint');
    const heads = grid.locator('button.head-grid-head');
    await expect(heads).toHaveCount(16);
    const columns = Number(await grid.getAttribute('data-columns'));
    expect(columns).toBeGreaterThan(10);
    expect(await heads.first().getAttribute('aria-label')).toMatch(/\d/);

    // Keyboard only: from the text box into the grid, two heads along, Enter enlarges it.
    await grid.locator('textarea').focus();
    await tabTo(page, heads.first());
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await expect(grid.locator('button.head-grid-head[data-layer="1"][data-head="1"]')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(grid).toHaveAttribute('data-open', '1,1');
    await expect(grid.locator('button.head-grid-head[data-layer="1"][data-head="1"]')).toHaveAttribute('aria-pressed', 'true');
    expect(page.url()).toContain('heads.layer=1');
    const matrix = grid.locator('.attention-matrix-grid');
    await expect(matrix).toBeVisible();
    await tabTo(page, matrix);
    await page.keyboard.press('ArrowLeft');
    const readout = grid.locator('.attention-matrix-view .chart-readout');
    await expect(readout).toContainText(String(columns - 2));
    // The table alternative: one row per position read, with where its weight goes.
    await expect(grid.locator('.attention-matrix-view tbody tr')).toHaveCount(columns);

    // Before a run the timeline shows the shipped chapter model's heads and says to train.
    const timeline = page.locator('lm-heads-timeline');
    await timeline.scrollIntoViewIfNeeded();
    await expect(timeline.locator('button.head-grid-head')).toHaveCount(16, { timeout: 60_000 });
    await expect(timeline.locator('[data-part="before"]')).toBeVisible();

    // A short run of the chapter's trainer, started from the keyboard.
    const trainer = page.locator('lm-gpt-trainer[data-url-prefix="gpt"]');
    const start = trainer.locator('[data-part="start"]');
    await start.scrollIntoViewIfNeeded();
    await start.focus();
    await page.keyboard.press('Enter');
    await expect(trainer).toHaveAttribute('data-state', 'done', { timeout: RUN_MS });

    // The timeline kept a snapshot every 10 steps, and they differ.
    await expect(timeline).toHaveAttribute('data-taken', String(STEPS / EVERY), { timeout: 30_000 });
    await expect(timeline).toHaveAttribute('data-frame-step', String(STEPS));
    expect(Number(await timeline.getAttribute('data-frames'))).toBeGreaterThanOrEqual(2);
    await expect(timeline.locator('[data-part="before"]')).toBeHidden();
    const last = await weights(timeline);
    expect(last).toMatch(/\d\.\d{3}/);
    const slider = timeline.locator('input[type="range"][data-part="frame"]');
    await slider.focus();
    await page.keyboard.press('Home');
    await expect(timeline).toHaveAttribute('data-frame-step', String(EVERY));
    const first = await weights(timeline);
    expect(first).not.toEqual(last);
    await page.keyboard.press('ArrowRight');
    await expect(timeline).toHaveAttribute('data-frame-step', String(2 * EVERY));
    // The chart plots every head's score over the run's steps; its table lists them.
    await expect(timeline.locator('.timeline-chart tbody tr')).toHaveCount(STEPS / EVERY);

    // The grid follows the trained model.
    await expect(grid).toHaveAttribute('data-source', 'reader');
    await expect(grid).toHaveAttribute('data-step', String(STEPS));
    expect(problems.consoleErrors).toEqual([]);
  });
}
