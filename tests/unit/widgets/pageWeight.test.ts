import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * What a page's own code and the counting worker pull in, found by bundling them as the site's
 * build does (a worker started with `new URL(…, import.meta.url)` is a separate bundle, so it is
 * not followed): only the lab worker may bring tfjs.
 */
async function inputsOf(entry: string): Promise<{ inputs: string[]; bytes: number }> {
  const result = await build({ entryPoints: [entry], bundle: true, write: false, metafile: true, format: 'esm', platform: 'browser', minify: true, logLevel: 'silent' });
  return { inputs: Object.keys(result.metafile.inputs), bytes: result.outputFiles.reduce((s, f) => s + f.contents.length, 0) };
}

const PAGE_MODULES = ['bigramHeatmap', 'ngramExplorer', 'bigramTrainer', 'sampler', 'recipeTrainer'].map((m) => `src/widgets/${m}.ts`);

describe('what pages and the counting worker load', () => {
  it.each(PAGE_MODULES)('%s imports no tfjs', async (entry) => {
    const { inputs } = await inputsOf(entry);
    expect(inputs.length).toBeGreaterThan(1);
    expect(inputs.filter((i) => i.includes('@tensorflow'))).toEqual([]);
  });

  it('the loader every page runs imports nothing', async () => {
    expect((await inputsOf('src/widgets/lazyWidget.ts')).inputs).toEqual(['src/widgets/lazyWidget.ts']);
  });

  it('the counting worker imports no tfjs and stays a few KB', async () => {
    const { inputs, bytes } = await inputsOf('src/widgets/count.worker.ts');
    expect(inputs).toContain('lab/worker/countHost.ts');
    expect(inputs.filter((i) => i.includes('@tensorflow'))).toEqual([]);
    expect(bytes).toBeLessThan(30 * 1024);
  });

  it('the tensor side of the n-gram does import tfjs (so the checks above can see it)', async () => {
    const { inputs } = await inputsOf('lab/models/ngram.ts');
    expect(inputs.some((i) => i.includes('@tensorflow/tfjs-core'))).toBe(true);
  });
});
