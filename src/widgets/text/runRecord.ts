import { defineText } from './define';

/** Words every trainer uses of its runs' record (TrainingWidget): a diverged run, and a store that cannot keep runs. */
export const RUN_RECORD_TEXT = defineText(
  {
    'record.diverged': 'The loss diverged at step {step} and the run stopped itself; the last good loss was {loss}, at step {good}. Try a smaller learning rate.',
    'record.unavailable': 'This run is not being kept: the browser gives this page no storage (a private window?). Training goes on.',
    'record.quota': 'This run is not being kept: the browser’s storage for this site is full. Delete some runs in a runs panel; training goes on.',
    'record.failed': 'This run is not being kept ({reason}). Training goes on.',
  },
  {
    'record.diverged': '损失在第 {step} 步发散，训练已自动停止；最后一个正常的损失是 {loss}（第 {good} 步）。试试更小的学习率。',
    'record.unavailable': '这次训练没有被保存：浏览器没有给本页存储空间（是无痕窗口吗？）。训练照常进行。',
    'record.quota': '这次训练没有被保存：浏览器给本站的存储空间已满。请在“训练记录”面板里删掉一些记录；训练照常进行。',
    'record.failed': '这次训练没有被保存（{reason}）。训练照常进行。',
  },
);
