import { chromium } from '@playwright/test';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const combos = process.argv.slice(2);
for (const combo of combos) {
  const [lang, scheme, device] = combo.split('-');
  const ctx = await b.newContext({ colorScheme: scheme, viewport: device === 'phone' ? { width: 375, height: 800 } : { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const p = await ctx.newPage();
  await p.goto(`http://127.0.0.1:4382/${lang}/fixtures/lstm-gru/?gates.text=${encodeURIComponent('ROMEO:\nBut soft, what light through café?')}`);
  const els = ['lm-gate-strips:not([data-url-prefix])', 'lm-lstm-units', 'lm-gate-strips[data-url-prefix="gates-gru"]'];
  for (const sel of els) { await p.locator(sel).scrollIntoViewIfNeeded(); }
  for (const sel of els) { await p.locator(sel).scrollIntoViewIfNeeded(); await p.waitForFunction((s) => document.querySelector(s)?.dataset.snapshots, sel, { timeout: 60000 }); }
  let i = 0;
  for (const sel of els) await p.locator(sel).screenshot({ path: `/tmp/ch5-shots/${combo}-${i++}.png` });
  await ctx.close();
}
await b.close();
