import { expect, test, widget } from './fixtures';

test('malformed and out-of-range URL parameters are clamped or ignored with a notice', async ({ page, problems }) => {
  await page.goto('/en/ngram/?ngram.n=99&ngram.k=banana&train.lr=%3Cscript%3E&sample.temp=-5&sample.count=1000000000');
  const explorer = widget(page, 'lm-ngram-explorer');
  // Widgets load as they come near the viewport: bring each into view.
  for (const tag of ['lm-ngram-explorer', 'lm-bigram-trainer', 'lm-sampler']) await widget(page, tag).scrollIntoViewIfNeeded();
  await expect(explorer.locator('.widget-notice[role="status"]')).toContainText('ngram.n=99');
  await expect(explorer.locator('.widget-notice[role="status"]')).toContainText('using 5');
  await expect(explorer.locator('.widget-notice[role="status"]')).toContainText('ngram.k=banana');
  await expect(widget(page, 'lm-bigram-trainer').locator('.widget-notice[role="status"]')).toContainText('train.lr');
  await expect(widget(page, 'lm-sampler').locator('.widget-notice[role="status"]')).toContainText('sample.temp=-5');
  // The widgets still work with the corrected values.
  await expect(explorer.locator('[data-part="dev-nll"]')).not.toHaveText('–');
  await expect(widget(page, 'lm-sampler').locator('[data-part="samples"] li')).toHaveCount(40);
  // Numbers a link may not spell, though Number() would read them: hex, an exponent, a plus sign
  // (%2B; a bare + is a space in a query string, refused too), each ignored for the default.
  for (const [query, tag, shown] of [
    ['ngram.n=0x3', 'lm-ngram-explorer', 'ngram.n=0x3'],
    ['sample.count=1e3', 'lm-sampler', 'sample.count=1e3'],
    ['ngram.n=%2B4', 'lm-ngram-explorer', 'ngram.n=+4'],
    ['ngram.n=+4', 'lm-ngram-explorer', 'ngram.n= 4'],
  ] as const) {
    await page.goto(`/en/ngram/?${query}`);
    await widget(page, tag).scrollIntoViewIfNeeded();
    await expect(widget(page, tag).locator('.widget-notice[role="status"]')).toContainText(new RegExp(`${shown.replace(/[.+]/g, '\\$&')}, which is not a valid value`));
  }
  await expect(widget(page, 'lm-ngram-explorer').locator('[data-part="dev-nll"]')).not.toHaveText('–');
  expect(problems.consoleErrors).toEqual([]);
});

test('a data set that fails to load gives a clear message, and the rest of the page keeps working', async ({ page }) => {
  await page.context().route('**/data/tinyshakespeare.txt', (route) => route.fulfill({ status: 404, body: 'missing' }));
  await page.goto('/en/ngram/?heatmap.data=tinyshakespeare');
  const heatmap = widget(page, 'lm-bigram-heatmap');
  await heatmap.scrollIntoViewIfNeeded(); // widgets load as they come near the viewport
  await expect(heatmap.locator('.widget-error[role="alert"]')).toContainText(/tinyshakespeare\.txt.*404/);
  await widget(page, 'lm-ngram-explorer').scrollIntoViewIfNeeded();
  await expect(widget(page, 'lm-ngram-explorer').locator('[data-part="dev-nll"]')).toHaveText(/^2\.45/);
  // Choosing another data set recovers the widget.
  await heatmap.getByLabel('Data set').selectOption('names');
  await expect(heatmap.getByText(/27 × 27/)).toBeVisible();
  await expect(heatmap.locator('.widget-error')).toBeHidden();
});

test('a backend that is not available falls back to one that is, and says which', async ({ page }) => {
  await page.goto('/en/ngram/?train.backend=webgpu&train.steps=100');
  const trainer = widget(page, 'lm-bigram-trainer');
  await trainer.getByRole('button', { name: 'Train' }).click();
  await expect(trainer).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await expect(trainer.locator('[data-part="backend"]')).toContainText(/Training on (webgpu|webgl|wasm|cpu)/);
});
