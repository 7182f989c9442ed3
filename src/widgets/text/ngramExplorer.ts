import { defineText } from './define';

/** Words of the n-gram explorer (`lm-ngram-explorer`); the sampler’s page borrows its order label. */
export const NGRAM_EXPLORER_TEXT = defineText(
  {
    'ngram.title': 'N-gram explorer',
    'ngram.order': 'Order n',
    'ngram.smoothing': 'Smoothing k',
    'ngram.split': 'Split',
    'ngram.nll': 'NLL (nats/char)',
    'ngram.ppl': 'Perplexity',
    'ngram.train': 'train',
    'ngram.dev': 'dev',
    'ngram.contexts': '{contexts} distinct contexts seen in training, out of {possible} possible.',
    'ngram.history': 'Settings you tried',
    'ngram.infinite': '∞ (an n-gram in dev was never seen in training, and k = 0 gives it probability 0)',
    'ngram.settings': '{dataset}, n = {order}, k = {k}',
  },
  {
    'ngram.title': 'n 元语法探索器',
    'ngram.order': '阶数 n',
    'ngram.smoothing': '平滑参数 k',
    'ngram.split': '数据划分',
    'ngram.nll': '负对数似然（奈特/字符）',
    'ngram.ppl': '困惑度',
    'ngram.train': '训练集',
    'ngram.dev': '验证集',
    'ngram.contexts': '训练中见过 {contexts} 种不同的上下文，可能的上下文共 {possible} 种。',
    'ngram.history': '你试过的设置',
    'ngram.infinite': '∞（验证集中有训练时从未见过的 n 元组，k = 0 时它的概率为 0）',
    'ngram.settings': '{dataset}，n = {order}，k = {k}',
  },
);
