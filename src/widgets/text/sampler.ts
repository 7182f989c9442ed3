import { defineText } from './define';

/** Words of the sampler (`lm-sampler`). */
export const SAMPLER_TEXT = defineText(
  {
    'sampler.title': 'Sampler',
    'sampler.temperature': 'Temperature',
    'sampler.count': 'How many',
    'sampler.generate': 'Generate',
    'sampler.output': 'Samples',
    'sampler.empty': '(empty)',
    'sampler.fromTrain': 'in the training set',
    'sampler.note': 'Same seed, same settings → same samples. Temperature 0 always picks the most likely character.',
  },
  {
    'sampler.title': '采样器',
    'sampler.temperature': '温度',
    'sampler.count': '数量',
    'sampler.generate': '生成',
    'sampler.output': '生成结果',
    'sampler.empty': '（空）',
    'sampler.fromTrain': '训练集中出现过',
    'sampler.note': '相同的种子和设置，得到相同的结果。温度为 0 时总是选概率最大的字符。',
  },
);
