import { defineText } from './define';

/** Words of the reference table (rendered at build time only). */
export const REFERENCE_TABLE_TEXT = defineText(
  {
    'model.countBigram': 'count bigram (k\u00a0=\u00a01)',
    'ref.caption': 'Trained in Node on tfjs’s wasm backend ({cores} cores, {date}). Dev and test are mean negative log-likelihoods in nats per character; met: dev at or below the target.',
    'ref.model': 'Model',
    'ref.params': 'Parameters',
    'ref.steps': 'Steps',
    'ref.tokens': 'Tokens',
    'ref.dev': 'Dev',
    'ref.test': 'Test',
    'ref.target': 'Target',
    'ref.met': 'Met',
    'ref.yes': 'yes',
    'ref.no': 'no',
    'ref.pending': 'not measured yet',
  },
  {
    'model.countBigram': '计数二元模型（k\u00a0=\u00a01）',
    'ref.caption': '在 Node 中用 tfjs 的 wasm 后端训练（{cores} 核，{date}）。验证集和测试集两列是平均负对数似然，单位为奈特/字符；“达标”指验证集损失不高于目标。',
    'ref.model': '模型',
    'ref.params': '参数量',
    'ref.steps': '步数',
    'ref.tokens': 'token 数',
    'ref.dev': '验证集',
    'ref.test': '测试集',
    'ref.target': '目标',
    'ref.met': '达标',
    'ref.yes': '是',
    'ref.no': '否',
    'ref.pending': '尚未测出',
  },
);
