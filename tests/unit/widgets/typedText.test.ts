// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bindTypedText, skippedList } from '../../../src/widgets/typedText';

afterEach(() => {
  vi.useRealTimers();
  history.replaceState(null, '', '/');
});

function bind(search: string, max = 5) {
  history.replaceState(null, '', `/page/${search}`);
  const box = document.createElement('textarea');
  const onText = vi.fn();
  const text = bindTypedText({ box, param: 'gates.text', fallback: 'emma', max, delay: 100, listen: (t, type, h) => t.addEventListener(type, h), onText });
  return { box, onText, text };
}

describe('bindTypedText', () => {
  it('opens on the fallback, or the link’s text cut to the limit (and says so)', () => {
    expect(bind('').text).toMatchObject({ value: 'emma', cut: false });
    const { box, text } = bind('?gates.text=ROMEO%3A%0Ahi');
    expect(text).toMatchObject({ value: 'ROMEO', cut: true });
    expect(box.value).toBe('ROMEO');
  });

  it('reads the box again once typing pauses, writes the URL, and leaves the fallback out of it', () => {
    vi.useFakeTimers();
    const { box, onText, text } = bind('?other=1');
    box.value = 'ava';
    box.dispatchEvent(new Event('input'));
    box.value = 'avatar!';
    box.dispatchEvent(new Event('input'));
    expect(onText).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    expect(onText).toHaveBeenCalledOnce();
    expect(onText).toHaveBeenCalledWith('avata');
    expect(location.search).toBe('?other=1&gates.text=avata');
    text.set('emma');
    expect(location.search).toBe('?other=1');
    expect(onText).toHaveBeenCalledTimes(2);
    text.set('emma');
    expect(onText).toHaveBeenCalledTimes(2);
  });
});

describe('skippedList', () => {
  it('quotes the characters left out, listed as each language lists them', () => {
    const read = { chars: ['a', 'é', '{'], tokens: ['a'], at: [0], skipped: [1, 2], boundary: '\n' };
    expect(skippedList(read, 'en')).toBe('“é”, “{”');
    expect(skippedList(read, 'zh-cn')).toBe('“é”、“{”');
  });

  it('names a character left out many times once', () => {
    const read = { chars: ['A', 'b', 'A', 'A', '😀', 'A'], tokens: ['b'], at: [1], skipped: [0, 2, 3, 4, 5], boundary: '\n' };
    expect(skippedList(read, 'en')).toBe('“A”, “😀”');
  });
});
