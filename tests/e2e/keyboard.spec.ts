import { expect, test, widget } from './fixtures';

/** Presses Tab until the focused element matches `selector` (at most `limit` times). */
async function tabTo(page: import('@playwright/test').Page, selector: string, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

test('the widgets can be driven with the keyboard alone', async ({ page, problems }) => {
  await page.goto('/en/ngram/');
  const heatmap = widget(page, 'lm-bigram-heatmap');
  await heatmap.scrollIntoViewIfNeeded(); // widgets load as they come near the viewport
  await expect(heatmap.getByText(/27 × 27/)).toBeVisible();

  // The heatmap grid takes focus, and the arrow keys move its readout from cell to cell.
  await tabTo(page, 'lm-bigram-heatmap [tabindex="0"]');
  await page.keyboard.press('ArrowRight');
  const readout = heatmap.locator('[aria-live="polite"]').filter({ hasText: '→' }).first();
  const before = await readout.innerText();
  expect(before).toMatch(/→/);
  await page.keyboard.press('ArrowDown');
  await expect(readout).not.toHaveText(before);

  // The explorer's order slider moves with the arrow keys and the results follow.
  await tabTo(page, 'lm-ngram-explorer input[type="range"]');
  const dev = widget(page, 'lm-ngram-explorer').locator('[data-part="dev-nll"]');
  await expect(dev).toHaveText(/^2\.45/);
  await page.keyboard.press('ArrowRight');
  await expect(dev).not.toHaveText(/^2\.45/);

  // The trainer starts from the keyboard, and pauses and stops too.
  await tabTo(page, 'lm-bigram-trainer [data-part="start"]');
  await page.keyboard.press('Enter');
  const trainer = widget(page, 'lm-bigram-trainer');
  await expect(trainer).toHaveAttribute('data-state', /running|done/, { timeout: 60_000 });
  await tabTo(page, 'lm-bigram-trainer [data-part="stop"]:not([disabled])', 5).catch(() => undefined);

  // The sampler generates from the keyboard.
  await tabTo(page, 'lm-sampler [data-part="generate"]');
  await page.keyboard.press('Enter');
  await expect(widget(page, 'lm-sampler').locator('[data-part="samples"] li').first()).toBeVisible();
  expect(problems.consoleErrors).toEqual([]);
});

test('focus is visible on the controls', async ({ page }) => {
  await page.goto('/en/ngram/');
  await tabTo(page, 'lm-sampler [data-part="generate"]');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  expect(outline).not.toBe('none');
});
