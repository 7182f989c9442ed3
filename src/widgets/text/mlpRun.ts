import { defineText } from './define';

/** Words every trainer of the MLP shares (chapter 2's lm-mlp-trainer, chapter 3's lm-dynamics-trainer): its cost, its losses, its phases. */
export const MLP_RUN_TEXT = defineText(
  {
    'mlp.idle': 'Press Train to start.',
    'mlp.training': 'Training…',
    'mlp.losses': 'step {step} · batch loss {batch} · train NLL {train} · dev NLL {dev}',
    'mlp.cost': '{params} parameters · about {memory} while training · about {time} on {backend}.',
    'mlp.costAssumed': '{params} parameters · about {memory} while training · roughly {time} on {backend} (a guess until the backend has been measured).',
    'mlp.tooBig': '{params} parameters · about {memory} while training: too big to train in a browser tab. Make the batch or the model smaller (fewer hidden units, layers or embedding dimensions).',
    'mlp.refused': 'This configuration would need about {memory} of memory, more than the {limit} a tab can count on. Make the batch or the model smaller (fewer hidden units, layers or embedding dimensions).',
    'mlp.megabytes': '{mb} MB',
    'mlp.refCurve': 'reference run (default settings, Node)',
    'mlp.doneRun': 'Done: dev NLL {dev}.',
    'mlp.doneRunReference': 'Done: dev NLL {dev} (the same settings trained in Node end at {reference}).',
  },
  {
    'mlp.idle': '点击“开始训练”。',
    'mlp.training': '训练中…',
    'mlp.losses': '第 {step} 步 · 批损失 {batch} · 训练集 NLL {train} · 验证集 NLL {dev}',
    'mlp.cost': '{params} 个参数 · 训练时约占 {memory} · 在 {backend} 上约需 {time}。',
    'mlp.costAssumed': '{params} 个参数 · 训练时约占 {memory} · 在 {backend} 上大约需 {time}（后端测速之前只是估计）。',
    'mlp.tooBig': '{params} 个参数 · 训练时约占 {memory}：太大，无法在浏览器标签页中训练。请减小批大小或模型（隐藏单元、层数或嵌入维度）。',
    'mlp.refused': '这个配置大约需要 {memory} 内存，超过了一个标签页可用的 {limit}。请减小批大小或模型（隐藏单元、层数或嵌入维度）。',
    'mlp.megabytes': '{mb} MB',
    'mlp.refCurve': '参考运行（默认设置，Node）',
    'mlp.doneRun': '完成：验证集 NLL {dev}。',
    'mlp.doneRunReference': '完成：验证集 NLL {dev}（同样的设置在 Node 中训练，最终为 {reference}）。',
  },
);
