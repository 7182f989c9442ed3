import { expect, test, widget } from './fixtures';

test('the heatmap counts bigrams live and shows a cell on hover', async ({ page, problems }) => {
  await page.goto('/en/ngram/');
  const heatmap = widget(page, 'lm-bigram-heatmap');
  await heatmap.scrollIntoViewIfNeeded(); // widgets load as they come near the viewport
  await expect(heatmap.getByText(/27 × 27/)).toBeVisible();
  await heatmap.getByLabel('Data set').selectOption('tinyshakespeare');
  await expect(heatmap.getByText(/65 × 65/)).toBeVisible();
  await expect(page).toHaveURL(/heatmap\.data=tinyshakespeare/);
  expect(problems.consoleErrors).toEqual([]);
});

test('the n-gram explorer updates NLL and perplexity with the order', async ({ page }) => {
  await page.goto('/en/ngram/?ngram.n=2&ngram.k=1');
  const explorer = widget(page, 'lm-ngram-explorer');
  const dev = explorer.locator('[data-part="dev-nll"]');
  await explorer.scrollIntoViewIfNeeded();
  await expect(dev).toHaveText(/^2\.45/);
  await page.goto('/en/ngram/?ngram.n=3&ngram.k=0');
  await explorer.scrollIntoViewIfNeeded();
  await expect(dev).toHaveText('∞');
  await page.goto('/en/ngram/?ngram.n=3&ngram.k=0.1');
  await explorer.scrollIntoViewIfNeeded();
  await expect(dev).toHaveText(/^2\.2/);
});

test('the worker-trained loss falls and lands within 0.01 of the count NLL', async ({ page, problems }) => {
  await page.goto('/en/ngram/?train.steps=300');
  const trainer = widget(page, 'lm-bigram-trainer');
  await trainer.getByRole('button', { name: 'Train' }).click();
  await expect(trainer).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  const reference = Number(await trainer.getAttribute('data-reference-dev'));
  const last = Number(await trainer.getAttribute('data-last-dev'));
  expect(reference).toBeGreaterThan(2.44);
  expect(reference).toBeLessThan(2.48);
  expect(Math.abs(last - reference)).toBeLessThan(0.01);
  await expect(trainer.getByText(/Within 0\.01 of the count bigram/)).toBeVisible();
  const table = trainer.locator('details').filter({ hasText: 'Show the data as a table' }).first();
  await table.locator('summary').click();
  const firstDev = Number((await table.locator('tbody tr').filter({ hasText: 'dev' }).first().locator('td').last().innerText()).replace(/,/g, ''));
  expect(firstDev).toBeGreaterThan(last + 0.5); // the loss fell from its random start
  expect(problems.consoleErrors).toEqual([]);
});

test('the backend menu moves training to the chosen backend', async ({ page, problems }) => {
  await page.goto('/en/ngram/?train.steps=100&train.backend=wasm');
  const trainer = widget(page, 'lm-bigram-trainer');
  await trainer.getByRole('button', { name: 'Train' }).click();
  await expect(trainer).toHaveAttribute('data-backend', 'wasm', { timeout: 60_000 });
  await trainer.getByRole('button', { name: 'Stop' }).click();
  await expect(trainer).toHaveAttribute('data-state', /stopped|done/, { timeout: 60_000 });
  await trainer.locator('[data-field="backend"]').selectOption('cpu');
  await trainer.getByRole('button', { name: 'Train' }).click();
  await expect(trainer).toHaveAttribute('data-backend', 'cpu', { timeout: 60_000 });
  await expect(trainer.getByText('Training on cpu.')).toBeVisible();
  expect(page.url()).toContain('train.backend=cpu');
  expect(problems.consoleErrors).toEqual([]);
});

test('the sampler produces text, the same for the same seed', async ({ page }) => {
  await page.goto('/en/ngram/?sample.seed=7&sample.count=5');
  const sampler = widget(page, 'lm-sampler');
  await sampler.scrollIntoViewIfNeeded();
  const items = sampler.locator('[data-part="samples"] li');
  await expect(items).toHaveCount(5);
  const first = await items.allInnerTexts();
  expect(first.join('').length).toBeGreaterThan(5);
  await sampler.getByLabel('Seed').fill('8');
  await sampler.getByLabel('Seed').press('Enter');
  await expect(items.first()).not.toHaveText(first[0]!);
  await sampler.getByLabel('Seed').fill('7');
  await sampler.getByLabel('Seed').press('Enter');
  await expect(items).toHaveText(first);
  await sampler.getByLabel('Data set').selectOption('tinyshakespeare');
  await expect(sampler.locator('[data-part="samples"] pre')).toContainText(/\w+/);
});
