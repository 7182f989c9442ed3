import { COMMON_TEXT } from '../../src/widgets/text/common';
import { expect, test, widget } from './fixtures';

// `?threads=` reaches the worker's `init`: a forced count is used as it is (by default the worker
// measures the free cores, which on a busy test machine gives 1, so 2 here is the setting's doing).
test('the threads setting in the URL forces the wasm thread count', async ({ page, problems }) => {
  const t = COMMON_TEXT.en;
  await page.goto('/en/ngram/?threads=2&train.backend=wasm');
  const trainer = widget(page, 'lm-bigram-trainer');
  await trainer.scrollIntoViewIfNeeded();
  await trainer.getByRole('button', { name: t['train.start'], exact: true }).click();
  await expect(trainer).toHaveAttribute('data-backend', 'wasm', { timeout: 60_000 });
  await expect(trainer).toHaveAttribute('data-threads', '2');
  await expect(trainer).toContainText(t['train.wasmThreads'].replace('{backend}', 'wasm').replace('{threads}', '2'));
  expect(problems.consoleErrors).toEqual([]);
});
