import type { InspectInput, ModelInfo, Probe } from '../../lab/worker/protocol';
import { canonicalJson } from './canonicalJson';
import { FOLLOWS_ATTRIBUTE, modelBus, WATCH_INPUT } from './modelBus';

/**
 * The attribute by which a view that follows a trainer declares what the trainer's model should
 * read for its probes (JSON of an {@link InspectInput}), when the trainer's usual probe batch
 * ({@link WATCH_INPUT}, the first 32 dev examples) is not it: chapter 4's unrolled RNN reads the
 * reader's text (and rewrites the attribute as the text changes), the gradient chart 32 windows
 * of 40 dev characters. A view without it reads the usual batch.
 */
export const WATCH_INPUT_ATTRIBUTE = 'data-watch-input';

/**
 * The event a follower dispatches on the document after changing its declared input
 * (`detail: { source }`, the trainer it follows), so that a trainer holding a trained model
 * inspects it again on the new input.
 */
export const FOLLOWER_INPUT_EVENT = 'lm-follower-input';

/**
 * The attribute by which a follower asks for its own watch cadence: a snapshot every this many
 * steps (a whole number >= 1), e.g. chapter 7's heads timeline, which keeps every snapshot as a
 * frame. A follower without it (or with a value that is not one) takes the trainer's usual
 * cadence. Read when the trainer's run has built its model, so a follower may rewrite it until
 * then; followers that read the same input share one watch, which runs at the smallest cadence
 * any of them asks for (each of them gets at least the snapshots it asked for).
 */
export const WATCH_EVERY_ATTRIBUTE = 'data-watch-every';

/** Declares `view`'s new input for the trainer it follows, and tells that trainer. */
export function declareInput(view: Element, input: InspectInput): void {
  if (!view.hasAttribute(WATCH_INPUT_ATTRIBUTE)) return;
  view.setAttribute(WATCH_INPUT_ATTRIBUTE, JSON.stringify(input));
  document.dispatchEvent(new CustomEvent(FOLLOWER_INPUT_EVENT, { detail: { source: view.getAttribute(FOLLOWS_ATTRIBUTE) } }));
}

/** One watch (or inspect) a trainer sends for its followers: an input and the probes taken on it. */
export interface WatchGroup {
  input: InspectInput;
  /** Probes named `<index>/<name>` as {@link modelBus.probesOf} names them, so that the bus routes each snapshot. */
  probes: Record<string, Probe>;
  /** Steps between two snapshots of a watch: the smallest its followers ask for ({@link WATCH_EVERY_ATTRIBUTE}, else the trainer's usual). */
  every: number;
}

/**
 * The followers' probes of `source` (modelBus.probesOf) grouped by the input each follower
 * declares: one request per distinct input, the usual batch first. A trainer sends one `watch`
 * per group, every `every` steps (the smallest cadence its followers ask for, `usualEvery` for
 * one that asks none), and publishes every group's snapshots on the bus, which hands each view
 * its own.
 */
export function watchGroups(source: string, info: ModelInfo, purpose: 'watch' | 'inspect', usualEvery = 1): WatchGroup[] {
  const followers = [...document.querySelectorAll(`[${FOLLOWS_ATTRIBUTE}]`)].filter((el) => el.getAttribute(FOLLOWS_ATTRIBUTE) === source);
  const groups = new Map<string, WatchGroup>([[canonicalJson(WATCH_INPUT), { input: WATCH_INPUT, probes: {}, every: Infinity }]]);
  for (const [name, probe] of Object.entries(modelBus.probesOf(source, info, purpose))) {
    const index = Number(name.slice(0, name.indexOf('/')));
    const input = declaredInput(followers[index]);
    const key = canonicalJson(input);
    const group = groups.get(key) ?? { input, probes: {}, every: Infinity };
    group.probes[name] = probe;
    group.every = Math.min(group.every, declaredEvery(followers[index]) ?? usualEvery);
    groups.set(key, group);
  }
  return [...groups.values()].filter((g) => Object.keys(g.probes).length > 0);
}

/** The input a follower declares; the usual batch when it declares none, or one that is not an input. */
export function declaredInput(view: Element | undefined): InspectInput {
  try {
    const parsed: unknown = JSON.parse(view?.getAttribute(WATCH_INPUT_ATTRIBUTE) ?? 'null');
    return isInput(parsed) ? parsed : WATCH_INPUT;
  } catch {
    return WATCH_INPUT;
  }
}

/** The cadence a follower asks for ({@link WATCH_EVERY_ATTRIBUTE}); none when it asks none, or not a whole number >= 1. */
export function declaredEvery(view: Element | undefined): number | undefined {
  const given = view?.getAttribute(WATCH_EVERY_ATTRIBUTE);
  if (given == null || !/^\d+$/.test(given.trim())) return undefined;
  const every = Number(given);
  return every >= 1 ? every : undefined;
}

function isInput(x: unknown): x is InspectInput {
  if (!x || typeof x !== 'object') return false;
  const o = x as Record<string, unknown>;
  if (typeof o.text === 'string') return o.unknown === undefined || o.unknown === 'skip' || o.unknown === 'error';
  return (o.split === 'train' || o.split === 'dev' || o.split === 'test') && Number.isInteger(o.count) && (o.length === undefined || Number.isInteger(o.length));
}
