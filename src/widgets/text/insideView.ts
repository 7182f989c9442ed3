import { defineText } from './define';

/** Words every view of a model's insides shares: where the model it draws comes from. */
export const INSIDE_VIEW_TEXT = defineText(
  {
    'inside.loading': 'Loading the shipped model…',
    'inside.checkpoint': 'The model shipped with this page, trained in Node.',
    'inside.checkpointDev': 'The model shipped with this page, trained in Node (dev NLL {dev}).',
    'inside.reader': 'Your model, at step {step}.',
    'inside.showCheckpoint': 'Show the shipped model',
  },
  {
    'inside.loading': '正在载入随页面提供的模型…',
    'inside.checkpoint': '随页面提供的模型（在 Node 中训练）。',
    'inside.checkpointDev': '随页面提供的模型（在 Node 中训练，验证集 NLL {dev}）。',
    'inside.reader': '你的模型，第 {step} 步。',
    'inside.showCheckpoint': '显示随页面提供的模型',
  },
);
