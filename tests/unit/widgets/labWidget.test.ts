// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkerResponse } from '../../../lab/worker/protocol';
import { define, LabWidget, SET_VALUES_EVENT } from '../../../src/widgets/labWidget';
import { defineText, mergeText, type WidgetText } from '../../../src/widgets/text/define';

const schema = { n: { kind: 'int', default: 2, min: 1, max: 5 } } as const;
const TEXT = defineText({ 'test.title': 'A test widget' }, { 'test.title': '测试组件' });

/** The least widget: settings in the URL, nothing run. */
class TestWidget extends LabWidget<typeof schema, typeof TEXT> {
  protected readonly urlPrefix = 'test';
  protected readonly schema = schema;
  protected readonly text = TEXT;
  protected readonly backend = 'cpu';
  protected setup(): void {}
  protected onMessage(_message: WorkerResponse): void {}
  protected onSettingChanged(): void {}
  /** The words it would show, for the test to read. */
  shownWords(): string {
    return `${this.t('test.title')} / ${this.t('error.retry')}`;
  }
  /** Its prefix, for the test to read. */
  prefixInUse(): string {
    return this.instancePrefix;
  }
}
define('lm-test-widget', TestWidget);

/** A base class with words of its own, as the inside views have: its subclasses' tables must include them. */
const BASE_TEXT = defineText({ 'base.hello': 'Hello from the base' }, { 'base.hello': '基类的问候' });
abstract class BaseWithWords<T extends WidgetText<'base.hello'>> extends LabWidget<typeof schema, T> {
  protected readonly urlPrefix = 'based';
  protected readonly schema = schema;
  protected readonly backend = 'cpu';
  protected setup(): void {
    this.setStatus(this.t('base.hello'));
  }
  protected onMessage(_message: WorkerResponse): void {}
  protected onSettingChanged(): void {}
}
const LEAF_TEXT = mergeText(BASE_TEXT, defineText({ 'leaf.title': 'Leaf' }, { 'leaf.title': '叶' }));
class LeafWidget extends BaseWithWords<typeof LEAF_TEXT> {
  protected readonly text = LEAF_TEXT;
}
define('lm-leaf-widget', LeafWidget);

/** A widget as WidgetFrame renders it, with its `n` control, attached to the page. */
function mount(prefix?: string, lang = 'en', defaults?: string): TestWidget {
  const el = document.createElement('lm-test-widget') as TestWidget;
  el.dataset.lang = lang;
  if (prefix) el.dataset.urlPrefix = prefix;
  if (defaults !== undefined) el.dataset.defaults = defaults;
  el.innerHTML = '<div data-part="notice"></div><div data-part="error"></div><input data-field="n"><p data-part="status"></p>';
  document.body.append(el);
  return el;
}

const control = (el: HTMLElement) => el.querySelector<HTMLInputElement>('[data-field="n"]')!;

function change(el: HTMLElement, value: string): void {
  control(el).value = value;
  control(el).dispatchEvent(new Event('change'));
}

afterEach(() => {
  document.body.replaceChildren();
  history.replaceState(null, '', '/');
});

describe('a URL prefix per widget instance', () => {
  it('two widgets of one kind read and write their own settings', () => {
    history.replaceState(null, '', '/?test.n=3&test2.n=4');
    const [first, second] = [mount(), mount('test2')];
    expect([control(first).value, control(second).value]).toEqual(['3', '4']);
    change(first, '5');
    change(second, '1');
    expect(new URLSearchParams(location.search).toString()).toBe('test.n=5&test2.n=1');
    // Back to the default: only that widget's parameter goes.
    change(second, '2');
    expect(location.search).toBe('?test.n=5');
  });

  it('the notices of a bad value name the instance’s own parameter', () => {
    history.replaceState(null, '', '/?test2.n=9');
    const [first, second] = [mount(), mount('test2')];
    expect(first.querySelector('[data-part="notice"]')!.textContent).toBe('');
    expect(second.querySelector('[data-part="notice"]')!.textContent).toContain('test2.n=9');
    expect(control(second).value).toBe('5');
  });

  it('is the element’s own, else the class’s', () => {
    expect([mount().prefixInUse(), mount('test2').prefixInUse()]).toEqual(['test', 'test2']);
  });
});

describe('an instance’s own defaults', () => {
  it('start the widget, the URL overriding them', () => {
    expect(control(mount('a', 'en', '{"n":4}')).value).toBe('4');
    history.replaceState(null, '', '/?b.n=1');
    expect(control(mount('b', 'en', '{"n":4}')).value).toBe('1');
  });

  it('are what the URL leaves out, so a link reproduces the run', () => {
    const el = mount('a', 'en', '{"n":4}');
    change(el, '2');
    expect(location.search).toBe('?a.n=2');
    change(el, '4');
    expect(location.search).toBe('');
  });

  it('that are not values of the field, or not JSON, are ignored', () => {
    expect(control(mount('a', 'en', '{"n":9,"zz":1}')).value).toBe('2');
    expect(control(mount('b', 'en', '{"n":2.5}')).value).toBe('2');
    expect(control(mount('c', 'en', 'not json')).value).toBe('2');
  });
});

describe('setting values from elsewhere on the page', () => {
  const send = (detail: unknown) => document.dispatchEvent(new CustomEvent(SET_VALUES_EVENT, { detail }));

  it('reaches only the instance with that prefix, clamped by the schema', () => {
    const [first, second] = [mount(), mount('test2')];
    send({ prefix: 'test2', values: { n: 99, unknown: 3 } });
    expect([control(first).value, control(second).value]).toEqual(['2', '5']);
    expect(location.search).toBe('?test2.n=5');
  });

  it('ignores invalid values and malformed events', () => {
    const el = mount();
    send({ prefix: 'test', values: { n: 'abc' } });
    send({ prefix: 'test', values: { n: Number.NaN } });
    send({ prefix: 'test' });
    send(null);
    expect(control(el).value).toBe('2');
  });

  it('scrolls to and focuses the widget when asked to reveal it', () => {
    const el = mount();
    el.innerHTML += '<figure></figure>';
    send({ prefix: 'test', values: { n: 3 }, reveal: true });
    expect(document.activeElement).toBe(el.querySelector('figure'));
    expect(control(el).value).toBe('3');
  });

  it('stops listening once the widget leaves the page', () => {
    const el = mount();
    el.remove();
    send({ prefix: 'test', values: { n: 4 } });
    expect(control(el).value).toBe('2');
  });
});

describe('widget words', () => {
  it('come from the widget’s own table and the common one, in the page’s language', () => {
    expect(mount().shownWords()).toBe('A test widget / Try again');
    expect(mount(undefined, 'zh-cn').shownWords()).toBe('测试组件 / 重试');
  });
});

describe('a base class with words of its own', () => {
  it('finds them in its subclass’s merged table', () => {
    const el = document.createElement('lm-leaf-widget');
    el.dataset.lang = 'zh-cn';
    el.innerHTML = '<div data-part="notice"></div><div data-part="error"></div><p data-part="status"></p>';
    document.body.append(el);
    expect(el.querySelector('[data-part="status"]')!.textContent).toBe('基类的问候');
  });
});
