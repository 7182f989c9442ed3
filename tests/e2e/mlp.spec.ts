import type { Page } from '@playwright/test';
import { expect, test, widget } from './fixtures';

/** The embedding projection's table alternative as text: one row per character, its label and coordinates. */
async function projectionRows(page: Page): Promise<string[]> {
  return widget(page, 'lm-embedding-projection').locator('table tbody tr').allTextContents();
}

for (const lang of ['en', 'zh-cn'] as const) {
  test.describe(`chapter 2 (${lang})`, () => {
    test('shows the shipped model’s embeddings before any training', async ({ page, problems }) => {
      await page.goto(`/${lang}/mlp/`);
      const projection = widget(page, 'lm-embedding-projection');
      await projection.scrollIntoViewIfNeeded();
      await expect(projection).toHaveAttribute('data-source', 'checkpoint', { timeout: 30_000 });
      await expect(projection).toHaveAttribute('data-snapshots', '1');
      await expect.poll(() => projectionRows(page).then((rows) => rows.length)).toBe(27);
      const hidden = widget(page, 'lm-hidden-layer');
      await hidden.scrollIntoViewIfNeeded();
      await expect(hidden).toHaveAttribute('data-source', 'checkpoint', { timeout: 30_000 });
      const tang = page.locator('lm-embedding-projection[data-neighbours]');
      await tang.scrollIntoViewIfNeeded();
      await expect(tang).toHaveAttribute('data-source', 'checkpoint', { timeout: 30_000 });
      await expect(tang.locator('[data-part="featured"] li')).toHaveCount([...(await tang.getAttribute('data-neighbours'))!].length);
      await expect(tang.locator('[data-part="featured"] li').first()).toContainText('月');
      expect(problems.consoleErrors).toEqual([]);
    });

    test('training moves the points, and the hidden layer follows', async ({ page, problems }) => {
      await page.goto(`/${lang}/mlp/?mlp.steps=300`);
      const projection = widget(page, 'lm-embedding-projection');
      await projection.scrollIntoViewIfNeeded();
      await expect(projection).toHaveAttribute('data-source', 'checkpoint', { timeout: 30_000 });
      const trainer = widget(page, 'lm-mlp-trainer');
      await trainer.scrollIntoViewIfNeeded();
      await expect(trainer.locator('[data-part="cost"]')).toContainText('11');
      await trainer.locator('[data-part="start"]').click();
      await expect(projection).toHaveAttribute('data-source', 'reader', { timeout: 60_000 });
      // Polls the rows themselves: a later snapshot may land between reading its step and its rows.
      const before = await projectionRows(page);
      await expect.poll(() => projectionRows(page), { timeout: 60_000 }).not.toEqual(before);
      await expect(trainer).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
      expect(Number(await trainer.getAttribute('data-dev'))).toBeLessThan(2.6);
      const hidden = widget(page, 'lm-hidden-layer');
      await hidden.scrollIntoViewIfNeeded();
      await expect(hidden).toHaveAttribute('data-source', 'reader');
      await trainer.locator('[data-part="generate"]').click();
      await expect(trainer.locator('[data-part="samples"]')).not.toBeEmpty();
      const saving = page.waitForEvent('download');
      await trainer.locator('[data-part="save"]').click();
      const saved = await saving;
      expect(saved.suggestedFilename()).toMatch(/^names-mlp-step300\.ckpt$/);
      await trainer.locator('[data-part="load"]').setInputFiles(await saved.path());
      await expect(trainer.locator('[data-part="status"]')).toContainText('300');
      await expect(trainer).toHaveAttribute('data-params', '11907');
      expect(problems.consoleErrors).toEqual([]);
    });

    test('refuses a configuration that would not fit', async ({ page, problems }) => {
      await page.goto(`/${lang}/mlp/?mlp.hidden=6400&mlp.batch=16384&mlp.embed=512&mlp.block=16`);
      const trainer = widget(page, 'lm-mlp-trainer');
      await trainer.scrollIntoViewIfNeeded();
      await expect(trainer.locator('[data-part="cost"]')).toHaveClass(/warning/, { timeout: 30_000 });
      await trainer.locator('[data-part="start"]').click();
      await expect(trainer).toHaveAttribute('data-refused', 'true');
      await expect(trainer.locator('[data-part="error"]')).toBeVisible();
      await expect(trainer.locator('[data-part="error"]')).toContainText('MB');
      await expect(trainer).toHaveAttribute('data-state', 'idle');
      expect(problems.consoleErrors).toEqual([]);
    });

    test('works by keyboard alone', async ({ page, problems }) => {
      await page.goto(`/${lang}/mlp/?mlp.steps=100`);
      const projection = widget(page, 'lm-embedding-projection');
      await projection.scrollIntoViewIfNeeded();
      await expect(projection).toHaveAttribute('data-source', 'checkpoint', { timeout: 30_000 });
      const readout = projection.locator('[data-part="readout"]');
      const empty = await readout.textContent();
      await projection.locator('[tabindex="0"]').first().focus();
      await page.keyboard.press('ArrowRight');
      await expect(readout).not.toHaveText(empty ?? '');
      const hidden = widget(page, 'lm-hidden-layer');
      await hidden.scrollIntoViewIfNeeded();
      await expect(hidden).toHaveAttribute('data-source', 'checkpoint', { timeout: 30_000 });
      for (const view of await hidden.locator('.chart').all()) {
        const line = view.locator('.chart-readout');
        const before = await line.textContent();
        await view.locator('[tabindex="0"]').first().focus();
        await page.keyboard.press('ArrowRight');
        await expect(line).not.toHaveText(before ?? '');
      }
      const trainer = widget(page, 'lm-mlp-trainer');
      await trainer.scrollIntoViewIfNeeded();
      await trainer.locator('[data-part="start"]').focus();
      await page.keyboard.press('Enter');
      await expect(trainer).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
      await trainer.locator('[data-part="generate"]').focus();
      await page.keyboard.press('Enter');
      await expect(trainer.locator('[data-part="samples"]')).not.toBeEmpty();
      expect(problems.consoleErrors).toEqual([]);
    });
  });
}

test('a corrupt model file, or another model’s, gets a clear message and the trainer keeps working', async ({ page, problems }) => {
  await page.goto('/en/mlp/');
  const trainer = widget(page, 'lm-mlp-trainer');
  await trainer.scrollIntoViewIfNeeded();
  await expect(trainer).toHaveAttribute('data-state', 'idle', { timeout: 30_000 });
  await trainer.locator('[data-part="load"]').setInputFiles({ name: 'broken.ckpt', mimeType: 'application/octet-stream', buffer: Buffer.from('not a checkpoint at all') });
  await expect(trainer.locator('[data-part="error"]')).toBeVisible({ timeout: 30_000 });
  await expect(trainer.locator('[data-part="error"]')).toContainText('could not be loaded as a model');
  await trainer.locator('[data-part="load"]').setInputFiles('public/checkpoints/names-gpt.ckpt');
  await expect(trainer.locator('[data-part="error"]')).toContainText('holds a gpt model, not an MLP');
  await expect(trainer.locator('[data-part="generate"]')).toBeDisabled();
  await trainer.locator('[data-part="start"]').click();
  await expect(trainer).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  expect(problems.consoleErrors).toEqual([]);
});

test('an impatient reader: a doctored link, a double click, Stop mid-run and a backend switch', async ({ page, problems }) => {
  await page.goto('/en/mlp/?mlp.hidden=abc&mlp.steps=50000&mlp.lr=1e9&%E0%A4%A');
  const trainer = widget(page, 'lm-mlp-trainer');
  await trainer.scrollIntoViewIfNeeded();
  await expect(trainer.locator('[data-part="notice"]')).toContainText('mlp.hidden=abc', { timeout: 30_000 });
  await expect(trainer.locator('[data-part="notice"]')).toContainText('mlp.lr=1e9');
  await expect(trainer).toHaveAttribute('data-params', '11907');
  await trainer.locator('[data-part="start"]').dblclick();
  await expect.poll(() => trainer.getAttribute('data-step').then(Number), { timeout: 60_000 }).toBeGreaterThan(0);
  await trainer.locator('[data-part="stop"]').click();
  await expect(trainer).toHaveAttribute('data-state', 'stopped', { timeout: 10_000 });
  await trainer.locator('[data-field="backend"]').selectOption('cpu');
  await expect(page).toHaveURL(/mlp\.backend=cpu/);
  await trainer.locator('[data-part="start"]').click();
  await expect(trainer).toHaveAttribute('data-backend', 'cpu', { timeout: 60_000 });
  await expect(trainer).toHaveAttribute('data-state', 'running');
  expect(problems.consoleErrors).toEqual([]);
});
