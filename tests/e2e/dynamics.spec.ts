import { expect, test, widget } from './fixtures';

/**
 * The page with, in this order, a trainer with a naive start (prefix `init`), a LayerStats view
 * following it, and a plain trainer (prefix `dyn`): chapter 3's sections on initialization and
 * the learning rate. Developed on a scratch page (`zz-dynamics`) while chapter 3 was written.
 */
const PAGE = 'training-dynamics';
/** The loss of a uniform guess over the 27 characters of names. */
const UNIFORM = Math.log(27);
/** How long a short run may take on a busy two-core machine, its followers' snapshots included. */
const RUN_MS = 240_000;

test.describe.configure({ timeout: 2 * RUN_MS });

for (const lang of ['en', 'zh-cn'] as const) {
  test.describe(`chapter 3's trainer and layer statistics (${lang})`, () => {
    test('a naive start sits far above ln 27, Kaiming’s at it', async ({ page, problems }) => {
      await page.goto(`/${lang}/${PAGE}/?init.steps=100&dyn.steps=100`);
      for (const [prefix, near] of [['init', false], ['dyn', true]] as const) {
        const trainer = page.locator(`lm-dynamics-trainer[data-url-prefix="${prefix}"]`);
        await trainer.scrollIntoViewIfNeeded();
        await expect(trainer).toHaveAttribute('data-state', 'idle', { timeout: 30_000 });
        await expect(trainer.locator('[data-field="init"]')).toHaveValue(near ? 'kaiming' : 'naive');
        await trainer.locator('[data-part="start"]').click();
        await expect(trainer).toHaveAttribute('data-start-loss', /\d/, { timeout: 60_000 });
        const start = Number(await trainer.getAttribute('data-start-loss'));
        if (near) expect(Math.abs(start - UNIFORM)).toBeLessThan(0.1);
        else expect(start).toBeGreaterThan(3 * UNIFORM);
        await expect(trainer.locator('[data-part="start-loss"]')).toContainText(lang === 'en' ? 'ln 27' : 'ln 27');
        await trainer.locator('[data-part="stop"]').click();
        await expect(trainer).toHaveAttribute('data-state', /stopped|done/, { timeout: 30_000 });
      }
      expect(problems.consoleErrors).toEqual([]);
    });

    test('the layer statistics draw the shipped model, then the run’s updates', async ({ page, problems }) => {
      await page.goto(`/${lang}/${PAGE}/?init.steps=100`);
      const stats = widget(page, 'lm-layer-stats');
      await stats.scrollIntoViewIfNeeded();
      await expect(stats).toHaveAttribute('data-source', 'checkpoint', { timeout: 30_000 });
      await expect(stats).toHaveAttribute('data-layers', '1');
      await expect(stats).toHaveAttribute('data-matrices', '3');
      await expect(stats.locator('[data-part="gradients"] .histogram-bar').first()).toBeAttached();
      await expect(stats.locator('[data-part="ratio-words"]')).not.toBeEmpty();
      const trainer = page.locator('lm-dynamics-trainer[data-url-prefix="init"]');
      await trainer.scrollIntoViewIfNeeded();
      await trainer.locator('[data-part="start"]').click();
      await stats.scrollIntoViewIfNeeded();
      await expect(stats).toHaveAttribute('data-source', 'reader', { timeout: 60_000 });
      await expect.poll(() => stats.getAttribute('data-ratio-points').then(Number), { timeout: RUN_MS }).toBeGreaterThan(3);
      await expect(stats.locator('[data-part="ratios"] table tbody tr').first()).toBeAttached();
      await expect(trainer).toHaveAttribute('data-state', 'done', { timeout: RUN_MS });
      await expect(trainer.locator('[data-part="gap"]')).not.toBeEmpty();
      expect(problems.consoleErrors).toEqual([]);
    });
  });
}

test('a three-layer run draws three activation histograms', async ({ page, problems }) => {
  await page.goto(`/en/${PAGE}/?init.depth=3&init.steps=100`);
  const trainer = page.locator('lm-dynamics-trainer[data-url-prefix="init"]');
  await trainer.scrollIntoViewIfNeeded();
  await expect(trainer.locator('[data-field="depth"]')).toHaveValue('3', { timeout: 30_000 });
  const stats = widget(page, 'lm-layer-stats');
  await stats.scrollIntoViewIfNeeded();
  await expect(stats).toHaveAttribute('data-layers', '1', { timeout: 30_000 });
  await trainer.locator('[data-part="start"]').click();
  await expect(stats).toHaveAttribute('data-source', 'reader', { timeout: 60_000 });
  await expect(stats).toHaveAttribute('data-layers', '3', { timeout: 60_000 });
  await expect(stats.locator('[data-part="activations"] .histogram-view')).toHaveCount(3);
  await expect(stats).toHaveAttribute('data-matrices', '5');
  expect(problems.consoleErrors).toEqual([]);
});

test('a configuration too big for a tab is refused', async ({ page, problems }) => {
  await page.goto(`/en/${PAGE}/?dyn.hidden=6400&dyn.depth=5&dyn.batch=16384`);
  const trainer = page.locator('lm-dynamics-trainer[data-url-prefix="dyn"]');
  await trainer.scrollIntoViewIfNeeded();
  await expect(trainer.locator('[data-part="cost"]')).toHaveClass(/warning/, { timeout: 30_000 });
  await trainer.locator('[data-part="start"]').click();
  await expect(trainer).toHaveAttribute('data-refused', 'true');
  await expect(trainer.locator('[data-part="error"]')).toContainText('MB');
  await expect(trainer).toHaveAttribute('data-state', 'idle');
  expect(problems.consoleErrors).toEqual([]);
});

test('an instance starts from its page defaults, its link written against them, and takes values sent to it', async ({ page, problems }) => {
  await page.goto(`/en/${PAGE}/`);
  const trainer = page.locator('lm-dynamics-trainer[data-url-prefix="dyn"]');
  await trainer.scrollIntoViewIfNeeded();
  await expect(trainer).toHaveAttribute('data-state', 'idle', { timeout: 30_000 });
  await page.evaluate(() => document.dispatchEvent(new CustomEvent('lm-set-values', { detail: { prefix: 'dyn', values: { lr: 0.003, depth: 9 }, reveal: true } })));
  await expect(trainer.locator('[data-field="lr"]')).toHaveValue('0.003');
  await expect(trainer.locator('[data-field="depth"]')).toHaveValue('5');
  await expect(page).toHaveURL(/dyn\.lr=0\.003/);
  await expect(page).toHaveURL(/dyn\.depth=5/);
  // The `init` instance starts naive: its link leaves that out, and names kaiming when chosen.
  const init = page.locator('lm-dynamics-trainer[data-url-prefix="init"]');
  await expect(page).not.toHaveURL(/init\.init/);
  await init.locator('[data-field="init"]').selectOption('kaiming');
  await expect(page).toHaveURL(/init\.init=kaiming/);
  expect(problems.consoleErrors).toEqual([]);
});

test('works by keyboard alone', async ({ page, problems }) => {
  await page.goto(`/en/${PAGE}/?init.steps=100`);
  const stats = widget(page, 'lm-layer-stats');
  await stats.scrollIntoViewIfNeeded();
  await expect(stats).toHaveAttribute('data-source', 'checkpoint', { timeout: 30_000 });
  for (const view of await stats.locator('.histogram-view').all()) {
    const line = view.locator('.chart-readout');
    const before = await line.textContent();
    await view.locator('[tabindex="0"]').first().focus();
    await page.keyboard.press('ArrowRight');
    await expect(line).not.toHaveText(before ?? '');
  }
  const trainer = page.locator('lm-dynamics-trainer[data-url-prefix="init"]');
  await trainer.scrollIntoViewIfNeeded();
  await trainer.locator('[data-field="norm"]').focus();
  await page.keyboard.press('ArrowDown');
  await expect(page).toHaveURL(/init\.norm=layer/);
  await trainer.locator('[data-part="start"]').focus();
  await page.keyboard.press('Enter');
  await expect(trainer).toHaveAttribute('data-state', 'done', { timeout: RUN_MS });
  await expect(stats).toHaveAttribute('data-source', 'reader');
  expect(problems.consoleErrors).toEqual([]);
});

test('a run at a rate far too high stops itself, says where, keeps its curve, and the runs panel keeps it as diverged', async ({ page, problems }) => {
  await page.goto(`/en/${PAGE}/?dyn.lr=10&dyn.steps=1000`);
  const trainer = page.locator('lm-dynamics-trainer[data-url-prefix="dyn"]');
  await trainer.scrollIntoViewIfNeeded();
  await expect(trainer).toHaveAttribute('data-state', 'idle', { timeout: 30_000 });
  await trainer.locator('[data-part="start"]').click();
  await expect(trainer).toHaveAttribute('data-state', 'error', { timeout: RUN_MS });
  const error = trainer.locator('[data-part="error"]');
  await expect(error).toContainText('diverged');
  await expect(error).toContainText('last good loss');
  await expect(error.getByRole('button')).toBeVisible();
  // The curve drawn before the blow-up stays on the chart.
  const drawn = await trainer.locator('[data-part="chart"] .loss-lines path').evaluateAll((paths) => paths.filter((p) => (p.getAttribute('d') ?? '').length > 10).length);
  expect(drawn).toBeGreaterThan(0);
  const panel = widget(page, 'lm-runs');
  await panel.scrollIntoViewIfNeeded();
  await expect(panel.locator('.runs-status[data-status="diverged"]').first()).toBeVisible({ timeout: 30_000 });
  expect(problems.consoleErrors).toEqual([]);
});
