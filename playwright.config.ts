import { defineConfig } from '@playwright/test';

/** Port of the preview server the end-to-end tests run against (the built site). */
const PORT = Number(process.env.PW_PORT ?? 4329);

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    launchOptions: {
      // Debian's Chromium, never a downloaded browser (.ci/run installs it when missing).
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // Why these flags: this machine's network is closed, and Chromium's background services
      // would otherwise try, and fail, to reach Google's hosts at every start.
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic', '--enable-unsafe-swiftshader'],
    },
  },
  webServer: {
    command: `npx astro preview --host 127.0.0.1 --port ${PORT}`,
    url: `http://127.0.0.1:${PORT}/en/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
