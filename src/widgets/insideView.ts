import type { InspectInput, ModelInfo, Probe, ReadText, ShapedArray, WorkerResponse } from '../../lab/worker/protocol';
import { LabWidget } from './labWidget';
import { type FollowedSnapshot, FOLLOWS_ATTRIBUTE, modelBus } from './modelBus';
import type { INSIDE_VIEW_TEXT } from './text/insideView';
import type { TextKey, WidgetText } from './text/define';
import type { Schema } from './urlState';

/** Whose model a view shows: the checkpoint the page ships, or the one the reader trains. */
export type ViewSource = 'checkpoint' | 'reader';

/** What the view draws from, and when. */
export interface ViewFrame {
  source: ViewSource;
  info: ModelInfo;
  /** The optimizer step of the weights the arrays come from. */
  step: number;
  arrays: Record<string, ShapedArray>;
  /** How a typed text was read, when the view's input is one (the arrays' positions follow it). */
  text?: ReadText;
}

/**
 * What every view of a model's insides shares. It opens on a checkpoint the site ships
 * (`data-checkpoint`), held in the view's own light worker (cpu backend: inspecting needs one
 * forward pass, not training), so that a picture is there before any training; and, when it
 * names a trainer it follows (`data-follows`), it switches to the reader's model as soon as
 * that trainer runs, redrawing from the snapshots the trainer's worker takes between steps.
 * A button goes back to the shipped model. Subclasses say which probes they need and draw.
 * State for tests and scripts: `data-source` (checkpoint or reader), `data-step`, and
 * `data-snapshots` (how many snapshots were drawn).
 */
export abstract class InsideView<S extends Schema, T extends WidgetText<TextKey<typeof INSIDE_VIEW_TEXT>>> extends LabWidget<S, T> {
  protected readonly backend = 'cpu';
  /** The shipped model's description, kept to go back to it. */
  #checkpoint: ModelInfo | undefined;
  /** The reader's model, once the followed trainer has one. */
  #reader: ModelInfo | undefined;
  #source: ViewSource = 'checkpoint';
  #requestId = 0;
  #snapshots = 0;
  #unfollow: (() => void) | undefined;

  /** The probes to compute on the shipped model, now that it is known (its vocabulary, its counts). */
  protected abstract probesFor(info: ModelInfo): Record<string, Probe>;
  /** What the shipped model reads when inspected. */
  protected abstract readonly inspectInput: InspectInput;
  /** Draws a frame. */
  protected abstract draw(frame: ViewFrame): void;
  /** Says what the view shows, e.g. "The shipped model (dev 2.17)" or "Your model, step 1,200". */
  protected abstract describe(frame: ViewFrame): string;
  /**
   * The followed trainer holds a new model (a run began, a file was loaded). Called before the
   * trainer asks for its followers' probes, so a view may still change the input it declares
   * (a text cut to the new model's block).
   */
  protected onReaderModel(_info: ModelInfo): void {}

  protected setup(): void {
    this.#loadCheckpoint();
    const follows = this.getAttribute(FOLLOWS_ATTRIBUTE);
    if (follows) {
      this.#unfollow = modelBus.follow(follows, this, {
        onModel: (info) => this.#readerModel(info),
        onSnapshot: (snapshot) => this.#readerSnapshot(snapshot),
      });
    }
    const back = this.querySelector<HTMLButtonElement>('[data-part="show-checkpoint"]');
    if (back) this.listen(back, 'click', () => this.#showCheckpoint());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unfollow?.();
    this.#unfollow = undefined;
  }

  /** Also what the error's "Try again" does: a checkpoint that did not load is asked for again. */
  protected onSettingChanged(): void {
    if (!this.#checkpoint) return this.#loadCheckpoint();
    this.#redraw();
  }

  #loadCheckpoint(): void {
    const checkpoint = this.dataset.checkpoint;
    if (!checkpoint) return;
    this.setStatus(this.t('inside.loading'));
    this.client?.send({ type: 'load', jobId: this.nextJob(), source: { checkpoint } });
  }

  protected onMessage(message: WorkerResponse): void {
    switch (message.type) {
      case 'model':
        this.#checkpoint = message.info;
        if (this.#source === 'checkpoint') this.#inspectCheckpoint();
        return;
      case 'snapshot':
        if (message.requestId !== this.#requestId || this.#source !== 'checkpoint' || !this.#checkpoint) return;
        return this.#show({ source: 'checkpoint', info: this.#checkpoint, step: message.step, arrays: message.arrays, text: message.text });
    }
  }

  #inspectCheckpoint(): void {
    if (!this.#checkpoint) return;
    this.#requestId += 1;
    this.client?.send({ type: 'inspect', jobId: this.currentJob, requestId: this.#requestId, input: this.inspectInput, probes: this.probesFor(this.#checkpoint) });
  }

  #readerModel(info: ModelInfo): void {
    this.onReaderModel(info);
    this.#reader = info;
    this.#source = 'reader';
    this.#showBackButton();
  }

  #readerSnapshot(snapshot: FollowedSnapshot): void {
    // A reader who went back to the shipped model mid-run stays there until the next run.
    if (!this.#reader || this.#source !== 'reader') return;
    this.#show({ source: 'reader', info: this.#reader, step: snapshot.step, arrays: snapshot.arrays, text: snapshot.text });
  }

  #showCheckpoint(): void {
    this.#source = 'checkpoint';
    this.#showBackButton();
    this.#inspectCheckpoint();
  }

  #redraw(): void {
    if (this.#source === 'checkpoint') this.#inspectCheckpoint();
  }

  #show(frame: ViewFrame): void {
    this.#snapshots += 1;
    Object.assign(this.dataset, { source: frame.source, step: String(frame.step), snapshots: String(this.#snapshots) });
    this.draw(frame);
    this.setStatus(this.describe(frame));
  }

  /** The button back to the shipped model shows while the reader's model is drawn. */
  #showBackButton(): void {
    const back = this.querySelector<HTMLButtonElement>('[data-part="show-checkpoint"]');
    if (back) back.hidden = this.#source !== 'reader';
  }
}
