import { defineText } from './define';

/** Words of the grid of every head (lm-attention-heads). */
export const ATTENTION_HEADS_TEXT = defineText(
  {
    'headsGrid.title': 'Every head of the GPT, on your text',
    'headsGrid.fallback': 'This view draws the attention of every layer and head of a GPT for a text you type; it needs JavaScript.',
    'headsGrid.textLabel': 'Text',
    'headsGrid.textHelp': 'Type a text; the model reads at most its block of characters (the shipped GPT: {block}).',
    'headsGrid.readingLabel': 'The text as the model reads it',
    'headsGrid.skippedChar': 'not in the model’s vocabulary: left out',
    'headsGrid.skipped': 'Not in the model’s vocabulary, so left out (struck through above): {chars}.',
    'headsGrid.cut': 'The model reads at most {block} characters at once: the rest of the text is cut (greyed above).',
    'headsGrid.linkCut': 'The link’s text was longer than {max} characters: only the first {max} are kept.',
    'headsGrid.empty': 'Type some text above to see where each head looks.',
  },
  {
    'headsGrid.title': 'GPT 的每一个头，读你的文本',
    'headsGrid.fallback': '这个视图画出 GPT 每一层、每一个头在你输入的文本上的注意力，需要 JavaScript。',
    'headsGrid.textLabel': '文本',
    'headsGrid.textHelp': '输入一段文本；模型一次最多读它的块长那么多个字符（随页面提供的 GPT：{block} 个）。',
    'headsGrid.readingLabel': '模型读到的文本',
    'headsGrid.skippedChar': '不在模型的词表里：跳过',
    'headsGrid.skipped': '这些字符不在模型的词表里，已跳过（上面划掉的）：{chars}。',
    'headsGrid.cut': '模型一次最多读 {block} 个字符：后面的部分被截掉了（上面灰色的）。',
    'headsGrid.linkCut': '链接里的文本超过 {max} 个字符：只保留前 {max} 个。',
    'headsGrid.empty': '在上面输入一些文本，看看每个头在看哪里。',
  },
);
