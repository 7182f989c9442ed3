import type { ChapterSlug } from '../chapters';
import type { Locale } from './locales';
import { fillTemplate } from './template';

/** Every word of the site's chrome, in English. The Chinese table must have the same keys. */
const en = {
  'site.title': 'How language models work',
  'site.tagline': 'Build them, from counting to GPT, in your browser.',
  'site.skip': 'Skip to content',
  'nav.home': 'Course home',
  'nav.language': 'Language',
  'nav.toc': 'On this page',
  'nav.chapters': 'Chapters',
  'nav.prev': 'Previous',
  'nav.next': 'Next',
  'theme.toggle': 'Dark mode',
  'home.pitch1': 'Every chapter trains real models in this tab, on WebGPU, WebGL or WebAssembly, and shows what they learn: count tables, loss curves, samples.',
  'home.pitch2': 'One data set runs through the whole ladder, so an n-gram and a Transformer can be compared number for number, and our numbers match the PyTorch references (makemore, nanoGPT).',
  'home.pitch3': 'Every setting, seed included, lives in the URL: a link reproduces a run. Nothing is loaded from elsewhere; the course works offline.',
  'home.start': 'Start with chapter 1',
  'home.chapters': 'Chapters',
  'home.soon': 'coming soon',
  'home.chapter': 'Chapter {n}',
  'footer.data': 'Data: names from makemore (MIT), Tiny Shakespeare from char-rnn, Tang poems from chinese-poetry (MIT).',
  'footer.credit': 'Chapter 1 follows the flow of Andrej Karpathy’s makemore.',
  'chapter.ngram': 'N-gram language models',
  'chapter.ngram.blurb': 'Count which character follows which, turn counts into probabilities, and measure a model with NLL and perplexity.',
  'chapter.mlp': 'MLP and embeddings',
  'chapter.mlp.blurb': 'Bengio’s neural language model: characters become vectors, and similar contexts share what they learn.',
  'chapter.training-dynamics': 'Training dynamics',
  'chapter.training-dynamics.blurb': 'Learning rates, initialization, normalization and overfitting, watched live, and every run kept to compare.',
  'chapter.rnn': 'Recurrent networks',
  'chapter.rnn.blurb': 'A state carried from character to character, unrolled in time, and why its gradients vanish.',
  'chapter.lstm-gru': 'LSTM and GRU',
  'chapter.lstm-gru.blurb': 'Gates that decide what to keep and what to forget, shown per character.',
  'chapter.attention': 'Attention, step by step',
  'chapter.attention.blurb': 'Queries, keys and values with real numbers, and the causal mask.',
  'chapter.transformer': 'The Transformer',
  'chapter.transformer.blurb': 'A GPT trained in your tab, its heads per layer for your own prompt.',
  'chapter.tokenization': 'Tokenization and BPE',
  'chapter.tokenization.blurb': 'Byte-pair encoding learned live, in English and Chinese.',
  'chapter.gpt-to-llms': 'From GPT to LLMs',
  'chapter.gpt-to-llms.blurb': 'Pretraining, fine-tuning in the tab, and learning from human feedback.',
  'chapter.race': 'The race',
  'chapter.race.blurb': 'Every model of the course on one data set, side by side.',
} as const;

export type UiKey = keyof typeof en;

const zhCN: Record<UiKey, string> = {
  'site.title': '语言模型是怎样工作的',
  'site.tagline': '从计数到 GPT，在浏览器里亲手搭建。',
  'site.skip': '跳到正文',
  'nav.home': '课程首页',
  'nav.language': '语言',
  'nav.toc': '本页目录',
  'nav.chapters': '章节',
  'nav.prev': '上一章',
  'nav.next': '下一章',
  'theme.toggle': '深色模式',
  'home.pitch1': '每一章都在这个浏览器标签页里真正训练模型（WebGPU、WebGL 或 WebAssembly），并展示模型学到了什么：计数表、损失曲线、生成的样本。',
  'home.pitch2': '同一个数据集贯穿整个阶梯，n 元语法和 Transformer 可以逐项对比；我们的数字与 PyTorch 参考实现（makemore、nanoGPT）一致。',
  'home.pitch3': '所有设置（包括随机种子）都保存在网址里：一个链接就能重现一次训练。不从其他网站加载任何内容，离线也能使用。',
  'home.start': '从第 1 章开始',
  'home.chapters': '章节',
  'home.soon': '即将推出',
  'home.chapter': '第 {n} 章',
  'footer.data': '数据：名字来自 makemore（MIT），莎士比亚语料来自 char-rnn，唐诗来自 chinese-poetry（MIT）。',
  'footer.credit': '第 1 章的讲解思路来自 Andrej Karpathy 的 makemore。',
  'chapter.ngram': 'n 元语法语言模型',
  'chapter.ngram.blurb': '统计哪个字符后面跟着哪个字符，把计数变成概率，再用负对数似然和困惑度衡量模型。',
  'chapter.mlp': '多层感知机与嵌入',
  'chapter.mlp.blurb': 'Bengio 的神经语言模型：字符变成向量，相似的上下文共享学到的知识。',
  'chapter.training-dynamics': '训练动态',
  'chapter.training-dynamics.blurb': '实时观察学习率、初始化、归一化和过拟合，并保存每一次运行以便比较。',
  'chapter.rnn': '循环神经网络',
  'chapter.rnn.blurb': '状态在字符之间传递，按时间展开，以及梯度为什么会消失。',
  'chapter.lstm-gru': 'LSTM 与 GRU',
  'chapter.lstm-gru.blurb': '门控决定保留什么、遗忘什么，逐字符展示。',
  'chapter.attention': '一步一步理解注意力',
  'chapter.attention.blurb': '用真实数字演示查询、键、值，以及因果掩码。',
  'chapter.transformer': 'Transformer',
  'chapter.transformer.blurb': '在标签页里训练一个 GPT，查看它每一层的注意力头如何处理你的输入。',
  'chapter.tokenization': '分词与 BPE',
  'chapter.tokenization.blurb': '现场学习字节对编码，中英文都有。',
  'chapter.gpt-to-llms': '从 GPT 到大语言模型',
  'chapter.gpt-to-llms.blurb': '预训练、在标签页里微调，以及基于人类反馈的强化学习。',
  'chapter.race': '模型大赛',
  'chapter.race.blurb': '课程中的所有模型在同一个数据集上同场比较。',
};

const TABLES: Record<Locale, Record<UiKey, string>> = { en, 'zh-cn': zhCN };

/** The site string `key` in `lang`, with `{name}` placeholders filled from `vars`. */
export function t(lang: Locale, key: UiKey, vars: Record<string, string | number> = {}): string {
  return fillTemplate(TABLES[lang][key], vars);
}

/** The title and blurb of a chapter of the syllabus. */
export function chapterText(lang: Locale, slug: ChapterSlug): { title: string; blurb: string } {
  return { title: t(lang, `chapter.${slug}` as UiKey), blurb: t(lang, `chapter.${slug}.blurb` as UiKey) };
}
