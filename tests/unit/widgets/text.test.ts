import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../../src/i18n/locales';
import type { WidgetText } from '../../../src/widgets/text/define';

/** Every text table of src/widgets/text, by file and export name, found by globbing the folder. */
const tables = Object.entries(import.meta.glob<Record<string, unknown>>(['../../../src/widgets/text/*.ts', '!**/define.ts'], { eager: true })).flatMap(([path, module]) =>
  Object.entries(module).map(([name, text]) => ({ name: `${path.split('/').at(-1)}:${name}`, text: text as WidgetText })),
);

const placeholders = (s: string) => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

describe('widget text', () => {
  it('finds every table', () => {
    expect(tables.map((t) => t.name).sort()).toEqual(
      ['attentionHeads', 'attentionSteps', 'bigramHeatmap', 'bigramTrainer', 'common', 'dynamicsTrainer', 'embeddingProjection', 'gateStrips', 'gptTrainer', 'gradientFlow', 'heads', 'headsTimeline', 'hiddenLayer', 'insideView', 'layerStats', 'lrFinder', 'lstmUnits', 'mlpRun', 'mlpTrainer', 'modelSampler', 'ngramExplorer', 'recipeTrainer', 'recurrentTrainer', 'referenceTable', 'rnnUnrolled', 'runRecord', 'runs', 'sampler'].map((f) => expect.stringMatching(new RegExp(`^${f}\\.ts:[A-Z_]+_TEXT$`))),
    );
  });

  it.each(tables)('$name has every key in every language, none empty', ({ text }) => {
    const keys = Object.keys(text.en).sort();
    for (const lang of LOCALES) {
      expect(Object.keys(text[lang]).sort(), lang).toEqual(keys);
      for (const key of keys) expect(text[lang][key]!.trim(), `${lang} ${key}`).not.toBe('');
    }
  });

  it.each(tables)('$name says the same placeholders in every language', ({ text }) => {
    for (const key of Object.keys(text.en)) {
      for (const lang of LOCALES) expect(placeholders(text[lang][key]!), `${lang} ${key}`).toEqual(placeholders(text.en[key]!));
    }
  });

  it('no two tables share a key, so merging a widget\u2019s tables loses nothing', () => {
    const owner = new Map<string, string>();
    for (const { name, text } of tables) {
      for (const key of Object.keys(text.en)) {
        expect(owner.get(key), `${key} in ${name}`).toBeUndefined();
        owner.set(key, name);
      }
    }
  });
});
