import type { InspectInput, ModelInfo, Probe, ShapedArray } from '../../lab/worker/protocol';
import { expandProbes, inspectable } from './probeTemplates';

/**
 * How a view of a model's insides follows a trainer on the same page. The trainer holds the
 * model in its worker; a view (embedding projection, hidden layer, attention heads…) names the
 * trainer it follows by the trainer's URL prefix (`data-follows="mlp"`) and declares, in its
 * server-rendered markup, the probes it draws (`data-watch`, JSON of {@link Probe}s by name).
 * Declared in markup, because a view lower on the page may not have loaded its code when the
 * reader presses Train: the trainer reads every follower's probes from the DOM when a run
 * starts, asks its worker to watch them all, and publishes what comes back here. A view that
 * loads later gets the latest model and snapshot at once. Declared probes may stand for one per
 * layer or parameter matrix (probeTemplates.ts): the trainer asks for them once its worker has
 * built the run's model, and the model's description says how many there are.
 */

/**
 * What a trainer's model reads when its followers' probes are taken: the first 32 examples of
 * the dev split, the same every time, so that snapshots differ only by the weights.
 */
export const WATCH_INPUT: InspectInput = { split: 'dev', count: 32 };

/** A snapshot as a follower receives it: only its own probes, under its own names. */
export interface FollowedSnapshot {
  step: number;
  arrays: Record<string, ShapedArray>;
}

/** A trainer's model as a checkpoint (`encodeCheckpoint`'s bytes), for a follower that runs it in its own worker. */
export interface TrainedModel {
  bytes: Uint8Array;
  /** The optimizer steps it had. */
  step: number;
}

/** What a follower is told. */
export interface Follower {
  /** The trainer holds a new model (a run began, or the reader loaded a file). */
  onModel(info: ModelInfo): void;
  onSnapshot(snapshot: FollowedSnapshot): void;
  /** A run ended and its model was saved for the followers that want it ({@link WANTS_MODEL_ATTRIBUTE}). */
  onTrained?(model: TrainedModel): void;
}

/** The attribute that names the trainer a view follows, and the one that lists its probes. */
export const FOLLOWS_ATTRIBUTE = 'data-follows';
export const WATCH_ATTRIBUTE = 'data-watch';
/**
 * The attribute of a follower that needs the trained model itself rather than snapshots (a
 * sampler runs it in its own worker): the trainer then saves its model at the end of each run
 * and publishes it ({@link ModelBus.publishTrained}). In markup, so that a trainer knows it
 * even before the follower's code has loaded.
 */
export const WANTS_MODEL_ATTRIBUTE = 'data-wants-model';

/** Separates a follower's index from its probe's name in the probes the trainer sends. */
const SEPARATOR = '/';

/** The latest of a trainer's model and snapshot, for followers that arrive late. */
interface Latest {
  info?: ModelInfo;
  snapshot?: { step: number; arrays: Record<string, ShapedArray> };
  trained?: TrainedModel;
}

/** The followers of every trainer on the page. */
class ModelBus {
  readonly #followers = new Map<string, Map<Element, Follower>>();
  readonly #latest = new Map<string, Latest>();

  /**
   * Every probe the views following `source` declare, for the model `info` describes, named
   * `<index>/<name>` so that one watch serves them all; the index is the view's position among
   * the page's followers of `source`. For an `inspect` (a model loaded, not training), the probes
   * only a watch can take are left out.
   */
  probesOf(source: string, info: ModelInfo, purpose: 'watch' | 'inspect'): Record<string, Probe> {
    const probes: Record<string, Probe> = {};
    followersInPage(source).forEach((view, index) => {
      for (const [name, probe] of Object.entries(expandProbes(declaredProbes(view), info))) {
        if (purpose === 'watch' || inspectable(probe)) probes[`${index}${SEPARATOR}${name}`] = probe;
      }
    });
    return probes;
  }

  /** `view` follows `source` from now on; returns what stops it. Tells it the latest model and snapshot at once. */
  follow(source: string, view: Element, follower: Follower): () => void {
    const followers = this.#followers.get(source) ?? new Map<Element, Follower>();
    this.#followers.set(source, followers);
    followers.set(view, follower);
    const latest = this.#latest.get(source);
    if (latest?.info) follower.onModel(latest.info);
    if (latest?.snapshot) this.#deliver(source, view, follower, latest.snapshot);
    if (latest?.trained) follower.onTrained?.({ step: latest.trained.step, bytes: latest.trained.bytes.slice() });
    return () => followers.delete(view);
  }

  /** Whether a view of the page following `source` wants its trained model ({@link WANTS_MODEL_ATTRIBUTE}). */
  wantsModel(source: string): boolean {
    return followersInPage(source).some((view) => view.hasAttribute(WANTS_MODEL_ATTRIBUTE));
  }

  /** `source`'s run ended with `model`: the followers that want it get it (each its own copy to transfer). */
  publishTrained(source: string, model: TrainedModel): void {
    const latest = this.#latest.get(source) ?? {};
    latest.trained = model;
    this.#latest.set(source, latest);
    for (const follower of this.#followers.get(source)?.values() ?? []) follower.onTrained?.({ step: model.step, bytes: model.bytes.slice() });
  }

  /** `source` holds a new model: older snapshots no longer apply. */
  publishModel(source: string, info: ModelInfo): void {
    this.#latest.set(source, { info });
    for (const follower of this.#followers.get(source)?.values() ?? []) follower.onModel(info);
  }

  /** A snapshot of `source`'s watch: each follower gets its own probes. */
  publishSnapshot(source: string, snapshot: { step: number; arrays: Record<string, ShapedArray> }): void {
    const latest = this.#latest.get(source) ?? {};
    latest.snapshot = snapshot;
    this.#latest.set(source, latest);
    for (const [view, follower] of this.#followers.get(source) ?? []) this.#deliver(source, view, follower, snapshot);
  }

  #deliver(source: string, view: Element, follower: Follower, snapshot: { step: number; arrays: Record<string, ShapedArray> }): void {
    const index = followersInPage(source).indexOf(view);
    if (index < 0) return;
    const prefix = `${index}${SEPARATOR}`;
    const arrays: Record<string, ShapedArray> = {};
    for (const [name, array] of Object.entries(snapshot.arrays)) if (name.startsWith(prefix)) arrays[name.slice(prefix.length)] = array;
    if (Object.keys(arrays).length > 0) follower.onSnapshot({ step: snapshot.step, arrays });
  }
}

/** The page's views that follow `source`, in document order. */
function followersInPage(source: string): Element[] {
  return [...document.querySelectorAll(`[${FOLLOWS_ATTRIBUTE}]`)].filter((el) => el.getAttribute(FOLLOWS_ATTRIBUTE) === source);
}

/** The probes a view declares in its markup; none if the attribute is missing or not JSON. */
function declaredProbes(view: Element): Record<string, Probe> {
  try {
    const parsed: unknown = JSON.parse(view.getAttribute(WATCH_ATTRIBUTE) ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, Probe>) : {};
  } catch {
    return {};
  }
}

/** The page's one bus. */
export const modelBus = new ModelBus();
