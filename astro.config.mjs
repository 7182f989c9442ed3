// @ts-check
import mdx from '@astrojs/mdx';
import { defineConfig } from 'astro/config';
import rehypeKatex from 'rehype-katex';
import remarkMath from 'remark-math';
import { wasmPthreadPool } from './scripts/wasm-pool.mjs';

/**
 * Cross-origin isolation: with these two headers pages and workers get SharedArrayBuffer, and
 * tfjs's wasm backend its multi-threaded build (lab/backend/register.ts sizes the pool). The
 * site loads nothing from other hosts, so require-corp costs nothing. `astro dev` and
 * `astro preview` send them; public/_headers asks static hosts that read it to do the same.
 */
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  output: 'static',
  server: { headers: crossOriginIsolation },
  trailingSlash: 'ignore',
  i18n: {
    locales: ['en', 'zh-cn'],
    defaultLocale: 'en',
    routing: { prefixDefaultLocale: true, redirectToDefaultLocale: false },
  },
  markdown: {
    remarkPlugins: [remarkMath],
    rehypePlugins: [rehypeKatex],
    shikiConfig: { themes: { light: 'github-light', dark: 'github-dark' } },
  },
  integrations: [mdx()],
  vite: {
    // tfjs's threaded wasm starts 8 pthread workers unless told otherwise (scripts/wasm-pool.mjs).
    plugins: [wasmPthreadPool()],
    worker: { format: 'es', plugins: () => [wasmPthreadPool()] },
    optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
    build: { chunkSizeWarningLimit: 4000 },
  },
});
