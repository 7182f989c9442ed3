import { defineText } from './define';

/** Words of the neural bigram trainer (`lm-bigram-trainer`). */
export const BIGRAM_TRAINER_TEXT = defineText(
  {
    'train.title': 'Neural bigram, trained in your browser',
    'train.optimizer': 'Optimizer',
    'train.probe': 'Backend probe',
    'train.probeRow': '{name}: {result}',
    'train.probeFailed': 'unavailable ({error})',
    'train.probeMs': '{ms} ms per test step',
    'train.probeNone': 'Not probed: the backend was chosen in the settings, or by this page’s first probe.',
    'train.step': 'Step {step} of {steps}',
    'train.losses': 'batch loss {batch} · train NLL {train} · dev NLL {dev}',
    'train.reference': 'Count bigram (k = 1): train {train}, dev {dev}',
    'train.reached': 'Within 0.01 of the count bigram on dev at step {step}, after {seconds} s.',
    'train.notReached': 'Not yet within 0.01 of the count bigram on dev.',
    'train.idle': 'Press Train to start.',
    'train.aria': 'Loss curve of the neural bigram against the count bigram',
    'train.refCurve': 'reference run (default settings, Node), dev',
  },
  {
    'train.title': '在浏览器里训练神经网络二元模型',
    'train.optimizer': '优化器',
    'train.probe': '后端测速',
    'train.probeRow': '{name}：{result}',
    'train.probeFailed': '不可用（{error}）',
    'train.probeMs': '每个测试步 {ms} 毫秒',
    'train.probeNone': '未测速：后端是在设置里选定的，或由本页第一次测速选出。',
    'train.step': '第 {step} / {steps} 步',
    'train.losses': '批损失 {batch} · 训练集 NLL {train} · 验证集 NLL {dev}',
    'train.reference': '计数二元模型（k = 1）：训练集 {train}，验证集 {dev}',
    'train.reached': '第 {step} 步（{seconds} 秒）时，验证集 NLL 与计数二元模型相差已不到 0.01。',
    'train.notReached': '验证集 NLL 与计数二元模型的差距还没有缩小到 0.01 以内。',
    'train.idle': '点击“开始训练”。',
    'train.aria': '神经网络二元模型的损失曲线，与计数二元模型对比',
    'train.refCurve': '参考运行（默认设置，Node），验证集',
  },
);
