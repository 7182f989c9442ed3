import { expect, test } from './fixtures';

const pages = [
  { path: '/en/', lang: 'en' },
  { path: '/zh-cn/', lang: 'zh-CN' },
  { path: '/en/ngram/', lang: 'en' },
  { path: '/zh-cn/ngram/', lang: 'zh-CN' },
];

for (const { path, lang } of pages) {
  test(`${path} loads with no console error and no foreign request`, async ({ page, problems }) => {
    await page.goto(path);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByRole('main')).toBeVisible();
    if (path.endsWith('ngram/')) {
      // Let the widgets start their workers and count, then check that nothing complained.
      await page.locator('lm-ngram-explorer').scrollIntoViewIfNeeded(); // widgets load as they come near the viewport
      await expect(page.locator('lm-ngram-explorer [data-part="dev-nll"]')).not.toHaveText('–');
      await expect(page.locator('.katex').first()).toBeVisible();
    }
    expect(problems.consoleErrors).toEqual([]);
  });
}

test('the home page lists chapter 1 and links to it', async ({ page, problems }) => {
  await page.goto('/en/');
  await page.getByRole('link', { name: /n-gram/i }).first().click();
  await expect(page).toHaveURL(/\/en\/ngram\/?$/);
  expect(problems.consoleErrors).toEqual([]);
});

test('the language switcher leads to the same chapter in Chinese and back', async ({ page }) => {
  await page.goto('/en/ngram/');
  await page.getByRole('link', { name: '中文' }).first().click();
  await expect(page).toHaveURL(/\/zh-cn\/ngram\/?$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await page.getByRole('link', { name: 'English' }).first().click();
  await expect(page).toHaveURL(/\/en\/ngram\/?$/);
});

test('the Chinese chapter labels its widgets in Chinese', async ({ page }) => {
  await page.goto('/zh-cn/ngram/');
  await expect(page.locator('lm-bigram-trainer').getByRole('button', { name: '开始训练' })).toBeVisible();
  await expect(page.locator('lm-sampler').getByRole('button', { name: '生成' })).toBeVisible();
  await expect(page.locator('lm-ngram-explorer').getByText('困惑度')).toBeVisible();
});
