import { expect, test } from './fixtures';

/**
 * The GPT trainer: chapter 7's (`gpt`, preset `chapter`) on the Transformer's page, chapter 6's
 * (`copy`) on attention's. Runs are a few dozen steps of the copy task, set through the URL.
 */
const PAGES = { chapter: (lang: string) => `/${lang}/transformer/`, copy: (lang: string) => `/${lang}/attention/` };
/** How long a short run may take on a busy two-core machine. */
const RUN_MS = 240_000;

test.describe.configure({ timeout: 2 * RUN_MS });

for (const lang of ['en', 'zh-cn'] as const) {
  test.describe(`the GPT trainer (${lang})`, () => {
    test('refuses sizes that cannot train, before Start and at Start, and keeps every setting in the URL', async ({ page, problems }) => {
      // A model far past the memory limit, through the URL.
      await page.goto(`${PAGES.chapter(lang)}?gpt.layers=8&gpt.embd=512&gpt.block=512&gpt.batch=128`);
      const trainer = page.locator('lm-gpt-trainer[data-url-prefix="gpt"]');
      await trainer.scrollIntoViewIfNeeded();
      await expect(trainer).toHaveAttribute('data-state', 'idle', { timeout: 30_000 });
      const cost = trainer.locator('[data-part="cost"]');
      await expect(cost).toHaveClass(/widget-readout--warning/);
      await expect(cost).toContainText(lang === 'en' ? 'too big' : '太大');
      await trainer.locator('[data-part="start"]').click();
      await expect(trainer).toHaveAttribute('data-refused', 'true');
      await expect(trainer.locator('[data-part="error"]')).toContainText('MB');
      await expect(trainer).toHaveAttribute('data-state', 'idle');
      // Back to the chapter's sizes: it fits, and says its cost.
      for (const [field, value] of [['layers', '4'], ['embd', '64'], ['block', '64'], ['batch', '16']] as const) await trainer.locator(`[data-field="${field}"]`).selectOption(value);
      await expect(cost).not.toHaveClass(/widget-readout--warning/);
      await expect(cost).toContainText(/\d/);
      expect(page.url()).not.toContain('gpt.layers');
      // Three heads cannot share 64 channels: refused, with the head counts that can.
      await trainer.locator('[data-field="heads"]').selectOption('3');
      await expect(trainer).toHaveAttribute('data-problem', 'heads');
      await expect(cost).toContainText('64');
      await expect(cost).toContainText(lang === 'en' ? '1, 2, 4, 8' : '1、2、4、8');
      await trainer.locator('[data-part="start"]').click();
      await expect(trainer.locator('[data-part="error"]')).toBeVisible();
      await expect(trainer).toHaveAttribute('data-state', 'idle');
      // 48 channels take 3 heads of 16.
      await trainer.locator('[data-field="embd"]').selectOption('48');
      await expect(trainer).not.toHaveAttribute('data-problem');
      await expect(trainer.locator('[data-part="shape"]')).toContainText('16');
      // Every setting round-trips through the URL.
      await trainer.locator('[data-field="dropout"]').fill('0.1');
      await trainer.locator('[data-field="dropout"]').press('Enter');
      await trainer.locator('[data-field="pos"]').selectOption('off');
      await trainer.locator('[data-field="seed"]').fill('7');
      await trainer.locator('[data-field="seed"]').press('Enter');
      const url = page.url();
      for (const param of ['gpt.heads=3', 'gpt.embd=48', 'gpt.dropout=0.1', 'gpt.pos=off', 'gpt.seed=7']) expect(url).toContain(param);
      await page.goto(url);
      await trainer.scrollIntoViewIfNeeded();
      await expect(trainer).toHaveAttribute('data-state', 'idle', { timeout: 30_000 });
      await expect(trainer.locator('[data-field="heads"]')).toHaveValue('3');
      await expect(trainer.locator('[data-field="embd"]')).toHaveValue('48');
      await expect(trainer.locator('[data-field="dropout"]')).toHaveValue('0.1');
      await expect(trainer.locator('[data-field="pos"]')).toHaveValue('off');
      await expect(trainer.locator('[data-field="seed"]')).toHaveValue('7');
      expect(problems.consoleErrors).toEqual([]);
    });

    test('a short run of the copy task, from the keyboard, draws its curve', async ({ page, problems }) => {
      await page.goto(`${PAGES.copy(lang)}?copy.steps=30`);
      const trainer = page.locator('lm-gpt-trainer[data-url-prefix="copy"]');
      await trainer.scrollIntoViewIfNeeded();
      await expect(trainer).toHaveAttribute('data-state', 'idle', { timeout: 30_000 });
      await expect(trainer.locator('[data-field="data"]')).toHaveValue('copy');
      await expect(trainer.locator('[data-field="steps"]')).toHaveValue('30');
      // Not the recipe's 1,000 steps: no reference curve.
      await expect(trainer).toHaveAttribute('data-reference', 'false');
      await trainer.locator('[data-part="start"]').focus();
      await page.keyboard.press('Enter');
      await expect(trainer).toHaveAttribute('data-state', 'done', { timeout: RUN_MS });
      await expect(trainer).toHaveAttribute('data-step', '30');
      await expect(trainer.locator('[data-part="chart"] path').first()).toBeAttached();
      // ln 28 ≈ 3.33 at the start; 30 steps of warm-up bring the dev loss down already.
      const dev = Number(await trainer.getAttribute('data-dev'));
      expect(dev).toBeGreaterThan(1.4);
      expect(dev).toBeLessThan(3.33);
      await expect(trainer.locator('[data-part="status"]')).toContainText(lang === 'en' ? 'Done' : '完成');
      expect(problems.consoleErrors).toEqual([]);
    });
  });
}

test('the copy preset draws its recipe’s curve; switching positions off is another plan', async ({ page, problems }) => {
  await page.goto(PAGES.copy('en'));
  const trainer = page.locator('lm-gpt-trainer[data-url-prefix="copy"]');
  await trainer.scrollIntoViewIfNeeded();
  await expect(trainer).toHaveAttribute('data-reference', 'true', { timeout: 30_000 });
  await expect(trainer.locator('[data-part="chart"]')).toContainText('reference run');
  const pos = trainer.locator('[data-field="pos"]');
  await pos.focus();
  await page.keyboard.press('ArrowDown');
  await expect(pos).toHaveValue('off');
  expect(page.url()).toContain('copy.pos=off');
  // The same head without positions is copy-attention-nopos's recipe: its curve applies.
  await expect(trainer).toHaveAttribute('data-reference', 'true');
  await expect(trainer.locator('[data-part="shape"]')).toContainText('without knowing');
  // Another data set's examples are another length: the block follows them.
  await trainer.locator('[data-field="data"]').selectOption('tang-wujue');
  await expect(trainer.locator('[data-field="block"]')).toHaveValue('26');
  await expect(trainer).not.toHaveAttribute('data-problem');
  await trainer.locator('[data-field="block"]').selectOption('32');
  await expect(trainer).toHaveAttribute('data-problem', 'blockLong');
  expect(problems.consoleErrors).toEqual([]);
});

test('impossible URL values are clamped or ignored, and said so', async ({ page, problems }) => {
  await page.goto(`${PAGES.chapter('en')}?gpt.heads=5&gpt.steps=0&gpt.dropout=2&gpt.data=wikipedia`);
  const trainer = page.locator('lm-gpt-trainer[data-url-prefix="gpt"]');
  await trainer.scrollIntoViewIfNeeded();
  const notice = trainer.locator('[data-part="notice"]');
  await expect(notice).toBeVisible({ timeout: 30_000 });
  for (const param of ['gpt.heads', 'gpt.steps', 'gpt.dropout', 'gpt.data']) await expect(notice).toContainText(param);
  await expect(trainer.locator('[data-field="heads"]')).toHaveValue('4');
  await expect(trainer.locator('[data-field="steps"]')).toHaveValue('10');
  await expect(trainer.locator('[data-field="dropout"]')).toHaveValue('0.9');
  await expect(trainer.locator('[data-field="data"]')).toHaveValue('tinyshakespeare');
  expect(problems.consoleErrors).toEqual([]);
});

test('a crashed worker ends the run with a message and a retry, keeping the curve drawn', async ({ page, problems }) => {
  await page.goto(`${PAGES.copy('en')}?copy.steps=2000`);
  const trainer = page.locator('lm-gpt-trainer[data-url-prefix="copy"]');
  await trainer.scrollIntoViewIfNeeded();
  await expect(trainer).toHaveAttribute('data-state', 'idle', { timeout: 30_000 });
  await trainer.locator('[data-part="start"]').click();
  await expect.poll(async () => Number(await trainer.getAttribute('data-step')), { timeout: 120_000 }).toBeGreaterThan(5);
  // Every lab worker of the page goes; the idle trainers shrug their loss off.
  const workers = page.workers().filter((w) => w.url().includes('lab.worker'));
  expect(workers.length).toBeGreaterThan(0);
  await Promise.all(workers.map((w) => w.evaluate(() => self.close()).catch(() => {}))); // a worker may be gone before it answers
  await expect(trainer).toHaveAttribute('data-state', 'error', { timeout: 10_000 });
  const error = trainer.locator('[data-part="error"]');
  await expect(error).toContainText('stopped');
  // The run's points stay on the chart (and in its table).
  expect(Number(await trainer.getAttribute('data-step'))).toBeGreaterThan(5);
  await expect(trainer.locator('[data-part="chart"] table')).toContainText('dev NLL');
  await error.getByRole('button', { name: 'Try again', exact: true }).click();
  await expect(trainer).toHaveAttribute('data-state', /loading|running/, { timeout: 60_000 });
  await trainer.locator('[data-part="stop"]').click();
  await expect(trainer).toHaveAttribute('data-state', /stopped|idle|done/, { timeout: 60_000 });
  expect(problems.consoleErrors).toEqual([]);
});
