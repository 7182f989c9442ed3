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

/** One watch (or inspect) a trainer sends for its followers: an input and the probes taken on it. */
export interface WatchGroup {
  input: InspectInput;
  /** Probes named `<index>/<name>` as {@link modelBus.probesOf} names them, so that the bus routes each snapshot. */
  probes: Record<string, Probe>;
}

/**
 * The followers' probes of `source` (modelBus.probesOf) grouped by the input each follower
 * declares: one request per distinct input, the usual batch first. A trainer sends one `watch`
 * per group and publishes every group's snapshots on the bus, which hands each view its own.
 */
export function watchGroups(source: string, info: ModelInfo, purpose: 'watch' | 'inspect'): WatchGroup[] {
  const followers = [...document.querySelectorAll(`[${FOLLOWS_ATTRIBUTE}]`)].filter((el) => el.getAttribute(FOLLOWS_ATTRIBUTE) === source);
  const groups = new Map<string, WatchGroup>([[canonicalJson(WATCH_INPUT), { input: WATCH_INPUT, probes: {} }]]);
  for (const [name, probe] of Object.entries(modelBus.probesOf(source, info, purpose))) {
    const index = Number(name.slice(0, name.indexOf('/')));
    const input = declaredInput(followers[index]);
    const key = canonicalJson(input);
    const group = groups.get(key) ?? { input, probes: {} };
    group.probes[name] = probe;
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

function isInput(x: unknown): x is InspectInput {
  if (!x || typeof x !== 'object') return false;
  const o = x as Record<string, unknown>;
  if (typeof o.text === 'string') return o.unknown === undefined || o.unknown === 'skip' || o.unknown === 'error';
  return (o.split === 'train' || o.split === 'dev' || o.split === 'test') && Number.isInteger(o.count) && (o.length === undefined || Number.isInteger(o.length));
}
