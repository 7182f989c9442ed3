// Screenshots of the built site for a person to look at: every page in both languages,
// light and dark, desktop and phone width. Usage: npm run build && node scripts/screenshots.mjs [outDir] [--train]
import { mkdirSync } from 'node:fs';
import { launchChromium, startPreview } from './preview.mjs';

const out = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '/tmp/shots';
const train = process.argv.includes('--train');
mkdirSync(out, { recursive: true });
const { origin, stop } = await startPreview(4341);
const browser = await launchChromium();
const viewports = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
for (const path of ['/en/', '/zh-cn/', '/en/ngram/', '/zh-cn/ngram/', '/en/mlp/', '/zh-cn/mlp/', '/en/race/', '/zh-cn/race/', '/en/training-dynamics/', '/zh-cn/training-dynamics/']) {
  for (const scheme of ['light', 'dark']) {
    for (const [device, viewport] of Object.entries(viewports)) {
      const page = await browser.newPage({ viewport, colorScheme: scheme, deviceScaleFactor: 1 });
      const errors = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(origin + path + (train ? '?train.steps=100' : ''));
      // Widgets load as they near the viewport: pass each one, as a reader scrolling down would.
      for (const host of await page.locator('.widget-host').all()) await host.scrollIntoViewIfNeeded();
      await page.waitForTimeout(1500);
      if (train && path.includes('ngram')) {
        await page.locator('lm-bigram-trainer [data-part="start"]').click();
        await page.waitForFunction(() => document.querySelector('lm-bigram-trainer')?.dataset.state === 'done', null, { timeout: 120_000 });
      }
      const name = `${path.replace(/\//g, '_').replace(/^_|_$/g, '') || 'root'}-${scheme}-${device}.png`;
      await page.screenshot({ path: `${out}/${name}`, fullPage: true });
      console.log(name, errors.length ? `console errors: ${errors.join(' | ')}` : 'ok');
      await page.close();
    }
  }
}
await browser.close();
stop();
process.exit(0);
