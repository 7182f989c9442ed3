import { defineText } from './define';

/** Words of the embedding projection (lm-embedding-projection). */
export const EMBEDDING_PROJECTION_TEXT = defineText(
  {
    'embed.title': 'Character embeddings in 2-D',
    'embed.titleTang': 'Tang poems: the embeddings of 汉字 in 2-D',
    'embed.fallback': 'This view draws the model’s character embeddings; it needs JavaScript.',
    'embed.aria': 'Scatter plot of the character embeddings projected to two dimensions.',
    'embed.readoutEmpty': 'Point at a character, or focus the chart and use the arrow keys, to see its nearest neighbours.',
    'embed.readout': '{token}: nearest {neighbours}',
    'embed.point': '{label} at ({x}, {y})',
    'embed.colToken': 'Character',
    'embed.colX': 'x',
    'embed.colY': 'y',
    'embed.raw': 'The embeddings have two dimensions: these are their raw coordinates.',
    'embed.pca': 'The first two principal components of the embeddings ({share} % of their variance). Neighbours are measured in the full space, by cosine similarity.',
  },
  {
    'embed.title': '二维的字符嵌入',
    'embed.titleTang': '唐诗：汉字嵌入的二维投影',
    'embed.fallback': '此视图绘制模型的字符嵌入，需要启用 JavaScript。',
    'embed.aria': '字符嵌入投影到二维的散点图。',
    'embed.readoutEmpty': '指向一个字符，或聚焦图表后用方向键移动，即可看到它的最近邻。',
    'embed.readout': '{token}：最近邻 {neighbours}',
    'embed.point': '{label} 位于 ({x}, {y})',
    'embed.colToken': '字符',
    'embed.colX': 'x',
    'embed.colY': 'y',
    'embed.raw': '嵌入只有两维：这里画的就是原始坐标。',
    'embed.pca': '嵌入的前两个主成分（占方差的 {share}%）。最近邻在完整空间中按余弦相似度计算。',
  },
);
