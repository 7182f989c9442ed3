import { expect, test } from './fixtures';

/**
 * The recurrent trainer and the model sampler on chapter 4's page (the RNN trainer `rnn`, a
 * sampler following it, the `explode` trainer) and chapter 5's (the Tang sampler `tang`).
 */
const PAGE = 'rnn';
const TANG_PAGE = 'lstm-gru';
/** How long a short run may take on a busy two-core machine. */
const RUN_MS = 240_000;

test.describe.configure({ timeout: 2 * RUN_MS });

for (const lang of ['en', 'zh-cn'] as const) {
  test.describe(`the recurrent trainer and the model sampler (${lang})`, () => {
    test('the sampler samples names from the shipped checkpoint', async ({ page, problems }) => {
      await page.goto(`/${lang}/${PAGE}/`);
      const sampler = page.locator('lm-model-sampler[data-url-prefix="sample"]');
      await sampler.scrollIntoViewIfNeeded();
      await expect(sampler).toHaveAttribute('data-source', 'checkpoint', { timeout: 60_000 });
      await expect(sampler.locator('[data-part="samples"] li')).toHaveCount(10);
      const names = await sampler.locator('[data-part="samples"] li').allTextContents();
      for (const name of names) expect(name).toMatch(/^[a-z]*$|^\(|^（/);
      await expect(sampler.locator('[data-part="status"]')).toContainText('names-rnn-chapter');
      // The same seed gives the same names; another seed, others.
      const seed = sampler.locator('[data-field="seed"]');
      await seed.fill('2');
      await seed.press('Enter');
      await expect.poll(() => sampler.locator('[data-part="samples"] li').allTextContents()).not.toEqual(names);
      expect(page.url()).toContain('sample.seed=2');
      expect(problems.consoleErrors).toEqual([]);
    });

    test('a prompt is continued, its unknown characters marked and left out', async ({ page, problems }) => {
      await page.goto(`/${lang}/${PAGE}/?sample.prompt=Em&sample.count=5`);
      const sampler = page.locator('lm-model-sampler[data-url-prefix="sample"]');
      await sampler.scrollIntoViewIfNeeded();
      await expect(sampler.locator('[data-part="samples"] li')).toHaveCount(5, { timeout: 60_000 });
      for (const name of await sampler.locator('[data-part="samples"] li').allTextContents()) expect(name.startsWith('m')).toBe(true);
      await expect(sampler).toHaveAttribute('data-skipped', '1');
      await expect(sampler.locator('[data-part="prompt-note"]')).toContainText('E');
      expect(problems.consoleErrors).toEqual([]);
    });

    test('the Tang sampler writes one quatrain per sample, a line after each punctuation mark', async ({ page, problems }) => {
      await page.goto(`/${lang}/${TANG_PAGE}/`);
      const sampler = page.locator('lm-model-sampler[data-url-prefix="tang"]');
      await sampler.scrollIntoViewIfNeeded();
      await expect(sampler.locator('.widget-poem')).toHaveCount(4, { timeout: 90_000 });
      const poems = await sampler.locator('.widget-poem').evaluateAll((els) => els.map((el) => (el as HTMLElement).innerText));
      const lines = poems.flatMap((poem) => poem.split('\n'));
      expect(lines.length).toBeGreaterThanOrEqual(8);
      // Most lines are five characters and a mark, as a five-character quatrain's are.
      expect(lines.filter((line) => /^\p{Script=Han}{5}[，。！？；]$/u.test(line)).length).toBeGreaterThan(lines.length / 2);
      expect(problems.consoleErrors).toEqual([]);
    });

    test('a short run draws its curve, and the sampler then samples the reader’s model', async ({ page, problems }) => {
      await page.goto(`/${lang}/${PAGE}/?rnn.steps=100&rnn.hidden=32`);
      const trainer = page.locator('lm-recurrent-trainer[data-url-prefix="rnn"]');
      await trainer.scrollIntoViewIfNeeded();
      await expect(trainer).toHaveAttribute('data-state', 'idle', { timeout: 30_000 });
      await expect(trainer.locator('[data-field="cell"]')).toHaveValue('rnn');
      await expect(trainer.locator('[data-part="cost"]')).toContainText(/\d/);
      // Not the recipe's plan: no reference curve.
      await expect(trainer).toHaveAttribute('data-reference', 'false');
      await trainer.locator('[data-part="start"]').click();
      await expect(trainer).toHaveAttribute('data-state', 'done', { timeout: RUN_MS });
      await expect(trainer.locator('[data-part="chart"] path.loss-line, [data-part="chart"] path').first()).toBeAttached();
      expect(Number(await trainer.getAttribute('data-dev'))).toBeLessThan(3.3);
      // The sampler loads as the reader scrolls to it, after the run: the bus hands it the trained model then.
      const sampler = page.locator('lm-model-sampler[data-url-prefix="sample"]');
      await sampler.scrollIntoViewIfNeeded();
      await expect(sampler).toHaveAttribute('data-source', 'reader', { timeout: 60_000 });
      await expect(sampler).toHaveAttribute('data-step', '100');
      await expect(sampler.locator('[data-part="back"]')).toBeVisible();
      await sampler.locator('[data-part="back"]').click();
      await expect(sampler).toHaveAttribute('data-source', 'checkpoint', { timeout: 60_000 });
      expect(problems.consoleErrors).toEqual([]);
    });
  });
}

test('the defaults draw the chapter recipe’s curve; the explode preset starts without clipping', async ({ page, problems }) => {
  await page.goto(`/en/${PAGE}/`);
  const trainer = page.locator('lm-recurrent-trainer[data-url-prefix="rnn"]');
  await trainer.scrollIntoViewIfNeeded();
  await expect(trainer).toHaveAttribute('data-reference', 'true', { timeout: 30_000 });
  await expect(trainer.locator('[data-part="seq-note"]')).toContainText('every name fits whole');
  await trainer.locator('[data-field="cell"]').selectOption('lstm');
  await expect(trainer).toHaveAttribute('data-reference', 'true');
  expect(page.url()).toContain('rnn.cell=lstm');
  await trainer.locator('[data-field="seq"]').selectOption('8');
  await expect(trainer).toHaveAttribute('data-reference', 'false');
  await expect(trainer.locator('[data-part="seq-note"]')).toContainText('not comparable');
  expect(Number(await trainer.getAttribute('data-cut'))).toBeGreaterThan(0.1);
  const explode = page.locator('lm-recurrent-trainer[data-url-prefix="explode"]');
  await explode.scrollIntoViewIfNeeded();
  await expect(explode.locator('[data-field="clip"]')).toHaveValue('off');
  await expect(explode.locator('[data-field="norm"]')).toBeDisabled();
  await expect(explode.locator('[data-part="clip-note"]')).toBeVisible();
  await explode.locator('[data-field="clip"]').selectOption('on');
  await expect(explode.locator('[data-field="norm"]')).toBeEnabled();
  expect(page.url()).toContain('explode.clip=on');
  expect(problems.consoleErrors).toEqual([]);
});

test('bad URL values are clamped or ignored, and said so', async ({ page, problems }) => {
  await page.goto(`/en/${PAGE}/?rnn.lr=99&rnn.cell=transformer&rnn.scale=-3&sample.temp=7&sample.count=abc`);
  const trainer = page.locator('lm-recurrent-trainer[data-url-prefix="rnn"]');
  await trainer.scrollIntoViewIfNeeded();
  const notice = trainer.locator('[data-part="notice"]');
  await expect(notice).toBeVisible({ timeout: 30_000 });
  await expect(notice).toContainText('rnn.lr');
  await expect(notice).toContainText('rnn.cell');
  await expect(notice).toContainText('rnn.scale');
  await expect(trainer.locator('[data-field="lr"]')).toHaveValue('10');
  await expect(trainer.locator('[data-field="cell"]')).toHaveValue('rnn');
  const sampler = page.locator('lm-model-sampler[data-url-prefix="sample"]');
  await sampler.scrollIntoViewIfNeeded();
  await expect(sampler.locator('[data-part="notice"]')).toContainText('sample.temp');
  await expect(sampler.locator('[data-part="notice"]')).toContainText('sample.count');
  await expect(sampler.locator('[data-part="samples"] li')).toHaveCount(10, { timeout: 60_000 });
  expect(problems.consoleErrors).toEqual([]);
});

test('the trainer and the sampler work from the keyboard', async ({ page, problems }) => {
  await page.goto(`/en/${PAGE}/`);
  const sampler = page.locator('lm-model-sampler[data-url-prefix="sample"]');
  await sampler.scrollIntoViewIfNeeded();
  await expect(sampler.locator('[data-part="samples"] li')).toHaveCount(10, { timeout: 60_000 });
  const before = await sampler.locator('[data-part="samples"] li').allTextContents();
  await sampler.locator('[data-part="prompt"]').focus();
  await page.keyboard.type('ja');
  await page.keyboard.press('Tab'); // leaving the box commits the prompt
  await expect.poll(() => sampler.locator('[data-part="samples"] li').allTextContents()).not.toEqual(before);
  for (const name of await sampler.locator('[data-part="samples"] li').allTextContents()) expect(name.startsWith('ja')).toBe(true);
  await page.keyboard.press('Enter'); // the focused button: sample again, same seed, same names
  await expect(sampler).toHaveAttribute('data-samples', '10');
  const trainer = page.locator('lm-recurrent-trainer[data-url-prefix="rnn"]');
  const cell = trainer.locator('[data-field="cell"]');
  await cell.focus();
  await page.keyboard.press('ArrowDown');
  await expect(cell).toHaveValue('lstm');
  await trainer.locator('[data-part="start"]').focus();
  await page.keyboard.press('Enter');
  await expect(trainer).toHaveAttribute('data-state', /loading|running/, { timeout: 30_000 });
  await trainer.locator('[data-part="stop"]').focus();
  await page.keyboard.press('Enter');
  await expect(trainer).toHaveAttribute('data-state', /stopped|idle|done/, { timeout: 60_000 });
  expect(problems.consoleErrors).toEqual([]);
});

test('the explode preset diverges without clipping, and the run says where', async ({ page, problems }) => {
  await page.goto(`/en/${PAGE}/`);
  const trainer = page.locator('lm-recurrent-trainer[data-url-prefix="explode"]');
  await trainer.scrollIntoViewIfNeeded();
  await expect(trainer).toHaveAttribute('data-state', 'idle', { timeout: 30_000 });
  await trainer.locator('[data-part="start"]').click();
  await expect(trainer).toHaveAttribute('data-state', 'error', { timeout: RUN_MS });
  await expect(trainer.locator('[data-part="error"]')).toContainText('diverged');
  expect(Number(await trainer.getAttribute('data-step'))).toBeLessThan(300);
  expect(problems.consoleErrors).toEqual([]);
});
