import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../../src/i18n/locales';
import { BIGRAM_HEATMAP_TEXT } from '../../../src/widgets/text/bigramHeatmap';
import { BIGRAM_TRAINER_TEXT } from '../../../src/widgets/text/bigramTrainer';
import { COMMON_TEXT } from '../../../src/widgets/text/common';
import { DYNAMICS_TRAINER_TEXT } from '../../../src/widgets/text/dynamicsTrainer';
import { mergeText, type WidgetText } from '../../../src/widgets/text/define';
import { EMBEDDING_PROJECTION_TEXT } from '../../../src/widgets/text/embeddingProjection';
import { HIDDEN_LAYER_TEXT } from '../../../src/widgets/text/hiddenLayer';
import { INSIDE_VIEW_TEXT } from '../../../src/widgets/text/insideView';
import { LR_FINDER_TEXT } from '../../../src/widgets/text/lrFinder';
import { LAYER_STATS_TEXT } from '../../../src/widgets/text/layerStats';
import { MLP_RUN_TEXT } from '../../../src/widgets/text/mlpRun';
import { MLP_TRAINER_TEXT } from '../../../src/widgets/text/mlpTrainer';
import { NGRAM_EXPLORER_TEXT } from '../../../src/widgets/text/ngramExplorer';
import { RECIPE_TRAINER_TEXT } from '../../../src/widgets/text/recipeTrainer';
import { REFERENCE_TABLE_TEXT } from '../../../src/widgets/text/referenceTable';
import { RUN_RECORD_TEXT } from '../../../src/widgets/text/runRecord';
import { RUNS_TEXT } from '../../../src/widgets/text/runs';
import { SAMPLER_TEXT } from '../../../src/widgets/text/sampler';
import { RECURRENT_TRAINER_TEXT } from '../../../src/widgets/text/recurrentTrainer';
import { MODEL_SAMPLER_TEXT } from '../../../src/widgets/text/modelSampler';
import { GRADIENT_FLOW_TEXT } from '../../../src/widgets/text/gradientFlow';
import { RNN_UNROLLED_TEXT } from '../../../src/widgets/text/rnnUnrolled';
import { GPT_TRAINER_TEXT } from '../../../src/widgets/text/gptTrainer';
import { ATTENTION_STEPS_TEXT } from '../../../src/widgets/text/attentionSteps';

/**
 * What a page's own code and the counting worker pull in, found by bundling them as the site's
 * build does (a worker started with `new URL(…, import.meta.url)` is a separate bundle, so it is
 * not followed): only the lab worker may bring tfjs.
 */
async function inputsOf(entry: string): Promise<{ inputs: string[]; bytes: number }> {
  const result = await build({ entryPoints: [entry], bundle: true, write: false, metafile: true, format: 'esm', platform: 'browser', minify: true, loader: { '.css': 'empty' }, logLevel: 'silent' });
  return { inputs: Object.keys(result.metafile.inputs), bytes: result.outputFiles.reduce((s, f) => s + f.contents.length, 0) };
}

const PAGE_MODULES = ['bigramHeatmap', 'ngramExplorer', 'bigramTrainer', 'sampler', 'recipeTrainer', 'mlpTrainer', 'embeddingProjection', 'hiddenLayer', 'runsPanel', 'lrFinder', 'dynamicsTrainer', 'layerStats', 'gateStrips', 'lstmUnits', 'recurrentTrainer', 'modelSampler', 'rnnUnrolled', 'gradientFlow', 'gptTrainer', 'attentionSteps', 'attentionHeads', 'headsTimeline'].map((m) => `src/widgets/${m}.ts`);

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

/** A page module's bundle as text, non-ASCII kept as it is (esbuild escapes it by default). */
async function bundleText(entry: string): Promise<string> {
  const result = await build({ entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'browser', minify: true, charset: 'utf8', loader: { '.css': 'empty' }, logLevel: 'silent' });
  return result.outputFiles.map((f) => f.text).join('\n');
}

/** Each page module's own text table (a trainer's includes the run record's words of its base class); the reference table's words are the build's only. */
const OWN_TEXT: Record<string, WidgetText> = {
  bigramHeatmap: BIGRAM_HEATMAP_TEXT,
  ngramExplorer: NGRAM_EXPLORER_TEXT,
  bigramTrainer: mergeText(BIGRAM_TRAINER_TEXT, RUN_RECORD_TEXT),
  sampler: SAMPLER_TEXT,
  recipeTrainer: mergeText(RECIPE_TRAINER_TEXT, RUN_RECORD_TEXT),
  mlpTrainer: mergeText(MLP_RUN_TEXT, MLP_TRAINER_TEXT, RUN_RECORD_TEXT),
  runsPanel: RUNS_TEXT,
  embeddingProjection: mergeText(INSIDE_VIEW_TEXT, EMBEDDING_PROJECTION_TEXT),
  hiddenLayer: mergeText(INSIDE_VIEW_TEXT, HIDDEN_LAYER_TEXT),
  lrFinder: mergeText(LR_FINDER_TEXT, RUN_RECORD_TEXT),
  dynamicsTrainer: mergeText(MLP_RUN_TEXT, DYNAMICS_TRAINER_TEXT, RUN_RECORD_TEXT),
  layerStats: mergeText(INSIDE_VIEW_TEXT, LAYER_STATS_TEXT),
  recurrentTrainer: mergeText(MLP_RUN_TEXT, RECURRENT_TRAINER_TEXT, RUN_RECORD_TEXT),
  modelSampler: MODEL_SAMPLER_TEXT,
  rnnUnrolled: mergeText(INSIDE_VIEW_TEXT, RNN_UNROLLED_TEXT),
  gradientFlow: GRADIENT_FLOW_TEXT,
  gptTrainer: mergeText(MLP_RUN_TEXT, GPT_TRAINER_TEXT, RUN_RECORD_TEXT),
  attentionSteps: mergeText(INSIDE_VIEW_TEXT, ATTENTION_STEPS_TEXT),
};
const ALL_TEXT = [...Object.values(OWN_TEXT), REFERENCE_TABLE_TEXT];

/** Every string of `texts` in every language long enough to tell one widget's words from another's. */
const distinctive = (texts: WidgetText[]) => texts.flatMap((text) => LOCALES.flatMap((lang) => Object.values(text[lang]))).filter((s) => s.length >= 12);

describe('each page ships only its own widgets\' words', () => {
  it.each(Object.keys(OWN_TEXT))('%s carries its own and the common words, and no other widget\'s', async (name) => {
    const bundle = await bundleText(`src/widgets/${name}.ts`);
    const own: WidgetText[] = [OWN_TEXT[name]!, COMMON_TEXT];
    for (const s of distinctive(own)) expect(bundle, s).toContain(s);
    const mine = distinctive(own).join('\n');
    const others = distinctive(ALL_TEXT.filter((t) => !own.includes(t))).filter((s) => !mine.includes(s));
    expect(others.length).toBeGreaterThan(20);
    expect(others.filter((s) => bundle.includes(s))).toEqual([]);
  });
});

