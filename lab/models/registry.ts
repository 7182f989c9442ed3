import { NeuralBigram, type NeuralBigramConfig } from './bigram';
import { GPT, type GptConfig } from './gpt';
import { MLP, type MlpConfig } from './mlp';
import type { LanguageModel } from './model';
import { type RecurrentConfig, RecurrentLM } from './recurrent';

/** The trainable models of the ladder, by the name a URL, a job or the command line uses. */
export const MODEL_KINDS = ['bigram', 'mlp', 'rnn', 'lstm', 'gru', 'gpt'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** Is `name` one of {@link MODEL_KINDS}? */
export function isModelKind(name: string): name is ModelKind {
  return (MODEL_KINDS as readonly string[]).includes(name);
}

/** Each kind's config, without the vocabulary size, which comes from the data set. */
export interface ModelConfigs {
  bigram: Omit<NeuralBigramConfig, 'vocabSize'>;
  mlp: Omit<MlpConfig, 'vocabSize'>;
  rnn: Omit<RecurrentConfig, 'vocabSize' | 'cell'>;
  lstm: Omit<RecurrentConfig, 'vocabSize' | 'cell'>;
  gru: Omit<RecurrentConfig, 'vocabSize' | 'cell'>;
  gpt: Omit<GptConfig, 'vocabSize'>;
}

/** A model to build: its kind and config. A checkpoint stores one, and a URL can too. */
export type ModelSpec = { [K in ModelKind]: { kind: K; config: ModelConfigs[K] } }[ModelKind];

/** Builds a fresh, randomly initialized model of a spec for a vocabulary of `vocabSize` tokens. */
export function createModel(spec: ModelSpec, vocabSize: number): LanguageModel {
  switch (spec.kind) {
    case 'bigram':
      return new NeuralBigram({ ...spec.config, vocabSize });
    case 'mlp':
      return new MLP({ ...spec.config, vocabSize });
    case 'rnn':
    case 'lstm':
    case 'gru':
      return new RecurrentLM({ ...spec.config, cell: spec.kind, vocabSize });
    case 'gpt':
      return new GPT({ ...spec.config, vocabSize });
  }
}

/** How many tokens of context a spec's model sees (1 for the bigram). */
export function blockSizeOf(spec: ModelSpec): number {
  return spec.kind === 'bigram' ? 1 : spec.config.blockSize;
}
