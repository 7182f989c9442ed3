// Screenshots of the built site for a person to look at: every page in both languages,
// light and dark, desktop and phone width. Usage: npm run build && node scripts/screenshots.mjs [outDir] [--train]
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium } from '@playwright/test';

const out = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '/tmp/shots';
const train = process.argv.includes('--train');
const port = 4341;
const origin = `http://127.0.0.1:${port}`;
mkdirSync(out, { recursive: true });
const server = spawn('npx', ['astro', 'preview', '--host', '127.0.0.1', '--port', String(port)], { stdio: 'ignore', detached: true });
process.on('exit', () => {
  try {
    process.kill(-server.pid);
  } catch {}
});
for (let i = 0; i < 120; i++) {
  try {
    if ((await fetch(`${origin}/en/`)).ok) break;
  } catch {}
  await new Promise((r) => setTimeout(r, 500));
}
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking', '--enable-unsafe-swiftshader'] });
const viewports = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
for (const path of ['/en/', '/zh-cn/', '/en/ngram/', '/zh-cn/ngram/']) {
  for (const scheme of ['light', 'dark']) {
    for (const [device, viewport] of Object.entries(viewports)) {
      const page = await browser.newPage({ viewport, colorScheme: scheme, deviceScaleFactor: 1 });
      const errors = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(origin + path + (train ? '?train.steps=100' : ''));
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
process.exit(0);
