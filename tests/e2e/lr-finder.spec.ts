import type { Locator, Page } from '@playwright/test';
import { COMMON_TEXT } from '../../src/widgets/text/common';
import { wordsOf } from '../../src/widgets/text/define';
import { LR_FINDER_TEXT } from '../../src/widgets/text/lrFinder';
import { expect, test, widget } from './fixtures';

/** The chapter page with the range test, and the URL prefix of the trainer its "Train with this rate" sets. */
const PAGE = 'training-dynamics';
const TARGET = 'dyn';

/** The range test's table alternative: per step, the rate, the batch loss and the smoothed loss. */
async function curve(finder: Locator): Promise<{ rate: number; batch: number; smoothed: number }[]> {
  const rows = await finder.locator('table tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (c) => c.textContent ?? '')));
  return rows.map(([rate, batch, smoothed]) => ({ rate: Number(rate), batch: Number(batch), smoothed: Number(smoothed) }));
}

/** Records every `lm-set-values` event the page dispatches, in `window.setValues`. */
async function recordSetValues(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { setValues: unknown[] };
    w.setValues = [];
    document.addEventListener('lm-set-values', (event) => w.setValues.push((event as CustomEvent).detail));
  });
}

for (const lang of ['en', 'zh-cn'] as const) {
  const t = wordsOf(lang, COMMON_TEXT, LR_FINDER_TEXT);

  test.describe(`${lang}: the learning-rate range test`, () => {
    test('draws a curve with a visible minimum, and the picked rate goes to the trainer, by keyboard alone', async ({ page, problems }) => {
      test.setTimeout(240_000);
      await page.goto(`/${lang}/${PAGE}/?lrf.steps=200`);
      const finder = widget(page, 'lm-lr-finder');
      await finder.scrollIntoViewIfNeeded();
      await expect(finder).toHaveAttribute('data-state', 'idle', { timeout: 30_000 });
      await expect(finder.locator('[data-part="status"]')).toContainText('200');
      const apply = finder.getByRole('button', { name: t['lrf.apply'], exact: true });
      await expect(apply).toBeDisabled();

      await finder.getByRole('button', { name: t['lrf.start'], exact: true }).focus();
      await page.keyboard.press('Enter');
      await expect(finder).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
      await expect.poll(async () => Number(await finder.getAttribute('data-step')), { timeout: 60_000 }).toBeGreaterThan(0);
      await expect(finder).toHaveAttribute('data-state', 'done', { timeout: 180_000 });

      // The curve: the smoothed loss falls from the start, reaches a minimum, and rises again.
      const points = await curve(finder);
      expect(points.length).toBeGreaterThan(50);
      for (let i = 1; i < points.length; i++) expect(points[i]!.rate).toBeGreaterThan(points[i - 1]!.rate);
      const smoothed = points.map((p) => p.smoothed);
      const lowest = Math.min(...smoothed);
      expect(lowest).toBeLessThan(smoothed[0]! - 0.3);
      expect(lowest).toBeLessThan(smoothed.at(-1)! - 0.3);
      const minimum = Number(await finder.getAttribute('data-minimum'));
      expect(points.find((p) => p.smoothed === lowest)!.rate).toBeCloseTo(minimum, 3);
      const suggested = Number(await finder.getAttribute('data-suggested'));
      expect(suggested).toBeGreaterThan(1e-5);
      expect(suggested).toBeLessThan(minimum);
      await expect(finder.locator('[data-part="verdict"]')).not.toBeEmpty();
      await expect(finder.locator('.line-markers text')).toHaveCount(2);

      // The suggestion is picked; the keys move the pick along the curve.
      await expect(apply).toBeEnabled();
      const chart = finder.getByRole('application');
      await expect(chart).toHaveAccessibleName(t['lrf.grid']);
      await expect(finder.getByRole('img')).toHaveAccessibleName(/\d/);
      const readout = finder.locator('.chart-readout');
      await chart.focus();
      const atSuggestion = await readout.textContent();
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await expect(readout).not.toHaveText(atSuggestion ?? '');
      const picked = Number(await finder.getAttribute('data-picked'));
      expect(picked).toBeLessThan(suggested);

      await recordSetValues(page);
      await apply.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate(() => (window as unknown as { setValues: unknown[] }).setValues)).toEqual([{ prefix: TARGET, values: { lr: picked }, reveal: true }]);
      const trainer = page.locator(`[data-url-prefix="${TARGET}"]`);
      await expect(trainer.locator('[data-field="lr"]')).toHaveValue(String(picked));
      await expect(page).toHaveURL(new RegExp(`${TARGET}\\.lr=${String(picked).replace('.', '\\.')}`));
      expect(problems.consoleErrors).toEqual([]);
    });

    test('refuses a range that is not one, with a message', async ({ page, problems }) => {
      await page.goto(`/${lang}/${PAGE}/?lrf.min=0.1&lrf.max=0.01&lrf.steps=100`);
      const finder = widget(page, 'lm-lr-finder');
      await finder.scrollIntoViewIfNeeded();
      const error = finder.locator('[data-part="error"]');
      await expect(error).toContainText(t['lrf.orderRefused'].replace('{min}', '0.1').replace('{max}', '0.01'), { timeout: 30_000 });
      await finder.getByRole('button', { name: t['lrf.start'], exact: true }).click();
      await expect(finder).toHaveAttribute('data-refused', 'true');
      await expect(finder).toHaveAttribute('data-state', 'idle');

      const max = finder.getByLabel(t['lrf.max'], { exact: true });
      await max.fill('20');
      await max.press('Enter');
      await max.blur();
      await expect(error).toContainText(t['lrf.rangeRefused'].replace('{given}', '20'));
      await expect(max).toHaveValue('0.01');
      await max.fill('5e-1');
      await max.blur();
      await expect(error).toBeHidden();
      await expect(page).toHaveURL(/lrf\.max=0\.5(&|$)/);
      await finder.getByRole('button', { name: t['lrf.start'], exact: true }).click();
      await expect(finder).not.toHaveAttribute('data-refused', 'true');
      await expect(finder).toHaveAttribute('data-state', /loading|running/);
      expect(problems.consoleErrors).toEqual([]);
    });

    test('a crashed worker ends the test with a message and a retry, keeping the points drawn', async ({ page, problems }) => {
      test.setTimeout(180_000);
      await page.goto(`/${lang}/${PAGE}/?lrf.steps=1000&lrf.max=0.01`);
      const finder = widget(page, 'lm-lr-finder');
      await finder.scrollIntoViewIfNeeded();
      await finder.getByRole('button', { name: t['lrf.start'], exact: true }).click();
      await expect.poll(async () => Number(await finder.getAttribute('data-step')), { timeout: 90_000 }).toBeGreaterThan(20);
      // Every lab worker of the page goes (the trainer below warms one of its own too); an idle widget shrugs its loss off.
      const workers = page.workers().filter((w) => w.url().includes('lab.worker'));
      expect(workers.length).toBeGreaterThan(0);
      await Promise.all(workers.map((w) => w.evaluate(() => self.close()).catch(() => {}))); // a worker may be gone before it answers
      await expect(finder).toHaveAttribute('data-state', 'error', { timeout: 10_000 });
      await expect(finder.locator('[data-part="error"]')).toContainText(t['error.exited']);
      expect((await curve(finder)).length).toBeGreaterThan(20);
      await finder.locator('[data-part="error"]').getByRole('button', { name: t['error.retry'], exact: true }).click();
      await expect(finder).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
      expect(problems.consoleErrors).toEqual([]);
    });
  });
}
