import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * The model sampler's distributions (lm-model-sampler): every drawn character shows the
 * distribution it was drawn from, after temperature, top-k and top-p, its ten likeliest
 * characters and all the others summing to 1, the drawn one marked; top-k and top-p are in the
 * page and the URL; the keyboard moves among the drawn characters. On chapter 4's names sampler
 * and chapter 5's Tang poems, which must keep working as before.
 */

/** The shown distribution: each listed character's probability, and the "all others" row's (0 when there is none). */
async function shown(sampler: Locator): Promise<{ probs: number[]; rest: number; labels: string[] }> {
  const table = sampler.locator('[data-part="dist"] table');
  const probs = (await table.locator('tbody tr:not(.msample-others) td.bar-list-value').allTextContents()).map(Number);
  const labels = await table.locator('tbody tr:not(.msample-others) th').allTextContents();
  const others = table.locator('tbody tr.msample-others td.bar-list-value');
  const rest = (await others.count()) > 0 ? Number(await others.innerText()) : 0;
  return { probs, rest, labels };
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

for (const lang of ['en', 'zh-cn'] as const) {
  test.describe(`the sampler’s distributions (${lang})`, () => {
    test('shows, for each drawn name character, a distribution that sums to 1, cut by top-k and top-p from the URL', async ({ page, problems }) => {
      await page.goto(`/${lang}/rnn/?sample.topk=5&sample.topp=0.9&sample.count=4`);
      const sampler = page.locator('lm-model-sampler[data-url-prefix="sample"]');
      await sampler.scrollIntoViewIfNeeded();
      await expect(sampler).toHaveAttribute('data-samples', '4', { timeout: 60_000 });
      await expect(sampler.locator('[data-field="topk"]')).toHaveValue('5');
      await expect(sampler.locator('[data-field="topp"]')).toHaveValue('0.9');
      // Names are still plain list items, their characters now each a focus stop.
      const names = await sampler.locator('[data-part="samples"] li').allTextContents();
      expect(names.every((n) => /^[a-z]+$/.test(n))).toBe(true);
      await expect(sampler).toHaveAttribute('data-picked', '0,0');
      await expect(sampler).toHaveAttribute('data-shown-sum', '1.000000');
      const first = await shown(sampler);
      expect(Math.abs(sum(first.probs) + first.rest - 1)).toBeLessThan(0.006);
      expect(first.probs.filter((p) => p > 0).length).toBeLessThanOrEqual(5);
      // The drawn character is marked in the list, and it is the sample's first character.
      const drawn = sampler.locator('[data-part="dist"] tr.msample-drawn th');
      await expect(drawn).toContainText(names[0]![0]!);

      // Keyboard: the picked character is the samples' one tab stop; arrows move along and across samples.
      const picked = sampler.locator('.msample-char--picked');
      await picked.focus();
      await page.keyboard.press('ArrowRight');
      await expect(sampler).toHaveAttribute('data-picked', '0,1');
      await expect(sampler.locator('.msample-char--picked')).toBeFocused();
      await expect(sampler.locator('[data-part="dist"] caption')).toContainText(names[0]![0]!);
      await page.keyboard.press('ArrowDown');
      await expect(sampler).toHaveAttribute('data-picked', '1,1');
      const second = await shown(sampler);
      expect(Math.abs(sum(second.probs) + second.rest - 1)).toBeLessThan(0.006);

      // No cut: the whole distribution, ten likeliest listed and the rest; the URL drops the defaults.
      await sampler.locator('[data-field="topk"]').fill('0');
      await sampler.locator('[data-field="topk"]').press('Enter');
      await sampler.locator('[data-field="topk"]').blur();
      await expect.poll(() => new URL(page.url()).searchParams.get('sample.topk')).toBeNull();
      expect(new URL(page.url()).searchParams.get('sample.topp')).toBe('0.9');
      await expect(sampler).toHaveAttribute('data-shown-sum', '1.000000');
      await expect(sampler.locator('[data-part="dist"] tbody tr:not(.msample-others)')).toHaveCount(10);
      await expect(sampler.locator('[data-part="dist"] tbody tr.msample-others')).toHaveCount(1);
      expect(problems.consoleErrors).toEqual([]);
    });
  });
}

test('the Tang sampler keeps its poems and shows how each character was drawn', async ({ page, problems }) => {
  await page.goto('/zh-cn/lstm-gru/?tang.count=2&tang.topk=20');
  const sampler = page.locator('lm-model-sampler[data-url-prefix="tang"]');
  await sampler.scrollIntoViewIfNeeded();
  await expect(sampler).toHaveAttribute('data-samples', '2', { timeout: 60_000 });
  await expect(sampler.locator('.widget-poem')).toHaveCount(2);
  await expect(sampler).toHaveAttribute('data-shown-sum', '1.000000');
  await sampler.locator('.widget-poem').first().locator('.msample-char').nth(5).click();
  await expect(sampler).toHaveAttribute('data-picked', '0,5');
  const dist = await shown(sampler);
  expect(dist.labels).toHaveLength(10);
  expect(Math.abs(sum(dist.probs) + dist.rest - 1)).toBeLessThan(0.006);
  expect(problems.consoleErrors).toEqual([]);
});
