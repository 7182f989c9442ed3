import type { BackendName } from '../../lab/backend/names';
import type { TrainingPlan } from '../../lab/train/run';
import type { Job, LossPoint, WorkerResponse } from '../../lab/worker/protocol';
import type { LossChartView, LossReference } from '../views/lossChart';
import { define } from './labWidget';
import type { RunPhase, RunState } from './runLifecycle';
import type { ReferenceCurve } from './referenceCurves';
import { carrySteps, planFor, RECIPE_SCHEMA, type RecipeFacts, recipeOf, stepOptions } from './recipeSchema';
import { RECIPE_TRAINER_TEXT } from './text/recipeTrainer';
import { trainingChart } from './trainingChart';
import { TrainingWidget } from './trainingWidget';

/** One training run: what it trains, how far it got. */
interface RecipeRun {
  plan: TrainingPlan;
  facts: RecipeFacts | undefined;
  step: number;
  /** The last dev loss. */
  dev?: number;
  /** The step of the last dev loss. */
  devStep?: number;
}

/** The chart's series of the recipe's Node reference curve, drawn dashed. */
const REFERENCE_SERIES = 'reference';

/**
 * A recipe of the reference table trained in the widget's worker, exactly as the Node reference
 * ran it (or with fewer steps, or another seed): the loss curve against the reference's dev loss
 * (and its whole dev curve, dashed, when the run is the recipe's own and the curve is shipped)
 * and the recipe's target, the throughput, and at the end whether the target was reached. The
 * run is mirrored in `data-*` attributes for tests and scripts: state, step, steps, dev (the
 * last dev loss), tokens-per-sec, seconds (running time), reached, reference-dev, target,
 * backend and threads.
 */
class RecipeTrainerElement extends TrainingWidget<typeof RECIPE_SCHEMA, typeof RECIPE_TRAINER_TEXT> {
  protected readonly urlPrefix = 'race';
  protected readonly text = RECIPE_TRAINER_TEXT;
  protected readonly schema = RECIPE_SCHEMA;
  protected get backend(): BackendName | 'auto' {
    return this.values.backend as BackendName | 'auto';
  }
  #facts = new Map<string, RecipeFacts>();
  /** Node reference curves by recipe id, for the recipes that have one. */
  #curves: Record<string, ReferenceCurve> = {};
  #chart: LossChartView | undefined;
  #run: RecipeRun | undefined;
  /** The recipe the controls show, to carry the share of steps over when the reader picks another. */
  #recipe = '';

  protected override setup(): void {
    const facts = JSON.parse(this.ref('facts').textContent || '[]') as RecipeFacts[];
    this.#facts = new Map(facts.map((f) => [f.id, f]));
    this.#curves = JSON.parse(this.ref('curves').textContent || '{}') as Record<string, ReferenceCurve>;
    this.#recipe = this.values.recipe;
    this.#chart = trainingChart(this.ref('chart'), this.locale, this.t('race.aria'), 0, [
      { key: REFERENCE_SERIES, label: this.t('race.refCurve'), color: 'var(--chart-2)', dash: '5 4', opacity: 0.6 },
    ]);
    super.setup();
    this.#showRecipe();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#chart?.destroy();
    this.#chart = undefined;
    this.#run = undefined;
  }

  protected onSettingChanged(key: keyof typeof RECIPE_SCHEMA): void {
    if (key === 'backend') this.switchBackend(this.backend); // the next run starts a worker on the chosen backend
    if (key === 'recipe') {
      const steps = carrySteps(this.values.steps, recipeOf(this.#recipe), recipeOf(this.values.recipe));
      this.#recipe = this.values.recipe;
      if (steps !== this.values.steps) return this.setValue('steps', steps); // which comes back here
    }
    this.dispatch({ type: 'reset' });
    this.nextJob(); // the old run's last messages are ignored
    this.#showRecipe();
  }

  protected override describeUsedValue(key: keyof typeof RECIPE_SCHEMA, used: string): string {
    // A steps value of 0 means the recipe's own number of steps.
    if (key !== 'steps' || used !== '0') return used;
    return this.t('race.stepsFull', { steps: recipeOf(this.values.recipe).plan.steps.toLocaleString(this.locale) });
  }

  /** Puts the controls, chart and readouts in their idle state for the chosen recipe. */
  #showRecipe(): void {
    const recipe = recipeOf(this.values.recipe);
    const steps = this.querySelector<HTMLSelectElement>('[data-field="steps"]');
    if (steps) {
      steps.replaceChildren(...stepOptions(this.locale, recipe, this.values.steps).map((o) => new Option(o.label, o.value)));
      steps.value = String(this.values.steps);
    }
    const seed = this.querySelector<HTMLInputElement>('[data-field="seed"]');
    if (seed) {
      seed.placeholder = String(recipe.plan.seed);
      seed.title = this.t('race.seedRecipe', { seed: recipe.plan.seed });
      if (!this.values.seed) seed.value = '';
    }
    this.#run = undefined;
    this.#resetView(planFor(recipe, this.values.steps, this.values.seed).steps);
  }

  #resetView(totalSteps: number): void {
    const facts = this.#facts.get(this.values.recipe);
    const s = this.words;
    const references: LossReference[] = [];
    if (facts?.referenceDev !== undefined) references.push({ label: s['race.refLine'], value: facts.referenceDev, series: 'dev' });
    if (facts?.target !== undefined) references.push({ label: s['race.targetLine'], value: facts.target });
    if (facts?.floorDev !== undefined) references.push({ label: s['chart.refDev'], value: facts.floorDev });
    this.#chart?.reset({ totalSteps });
    this.#chart?.setReferences(references);
    this.#showReferenceCurve();
    for (const part of ['progress', 'final']) this.ref(part).textContent = '';
    for (const key of ['step', 'dev', 'tokensPerSec', 'seconds', 'reached', 'referenceDev', 'target']) delete this.dataset[key];
    this.dataset.steps = String(totalSteps);
    if (facts?.referenceDev !== undefined) this.dataset.referenceDev = String(facts.referenceDev);
    if (facts?.target !== undefined) this.dataset.target = String(facts.target);
  }

  /** The recipe's Node curve, when this run is the recipe's own (its steps and seed) and one is shipped. */
  #showReferenceCurve(): void {
    const recipe = recipeOf(this.values.recipe);
    const own = (value: number, recipeValue: number) => value === 0 || value === recipeValue;
    const curve = this.#curves[recipe.id];
    this.dataset.referenceCurve = String(Boolean(curve && own(this.values.steps, recipe.plan.steps) && own(this.values.seed, recipe.plan.seed)));
    if (this.dataset.referenceCurve !== 'true') return;
    this.#chart?.append(curve!.map(([step, loss]) => ({ step, series: REFERENCE_SERIES, loss })));
  }

  protected makeJob(): Job {
    const recipe = recipeOf(this.values.recipe);
    return { kind: 'plan', dataset: recipe.dataset, plan: this.#run!.plan };
  }

  protected beginRun(): void {
    const recipe = recipeOf(this.values.recipe);
    const plan = planFor(recipe, this.values.steps, this.values.seed);
    this.#resetView(plan.steps);
    this.#run = { plan, facts: this.#facts.get(recipe.id), step: 0 };
  }

  protected onRunMessage(message: WorkerResponse): void {
    if (message.type === 'progress') this.#progress(message.step, message.points);
  }

  #progress(step: number, points: LossPoint[]): void {
    const run = this.#run;
    if (!run) return;
    this.#chart?.append(points);
    run.step = step;
    for (const p of points) if (p.series === 'dev') [run.dev, run.devStep] = [p.loss, p.step];
    this.#showProgress(run, false);
    this.showProgress(step, run.plan.steps);
  }

  /** The progress line and the `data-*` mirror of a run: step, dev loss, throughput, time. */
  #showProgress(run: RecipeRun, ended: boolean): void {
    const seconds = this.runMs / 1000;
    const rate = run.step > 0 && seconds > 0 && run.facts ? (run.step * run.facts.tokensPerStep) / seconds : NaN;
    Object.assign(this.dataset, { step: String(run.step), seconds: seconds.toFixed(1) });
    if (run.dev !== undefined) this.dataset.dev = String(run.dev);
    if (Number.isFinite(rate)) this.dataset.tokensPerSec = String(Math.round(rate));
    const count = (x: number) => (Number.isFinite(x) ? this.number(x, 0) : '–');
    this.ref('progress').textContent = this.t(ended ? 'race.progressEnd' : 'race.progress', {
      step: count(run.step),
      steps: count(run.plan.steps),
      rate: count(rate),
      elapsed: this.duration(seconds),
    });
  }

  /** The final dev loss beside the Node reference, and the target reached or not. */
  #showOutcome(run: RecipeRun): void {
    this.#showProgress(run, true);
    if (run.dev === undefined) return;
    const loss = (x: number) => this.number(x, 3);
    if (run.devStep !== run.step) {
      // Stopped between evaluations: the last dev loss is of an earlier model; judge nothing on it.
      this.ref('final').textContent = this.t('race.stoppedBetweenEvals', { steps: this.number(run.step, 0), dev: loss(run.dev), evalStep: this.number(run.devStep ?? 0, 0) });
      return;
    }
    const facts = run.facts;
    const final =
      facts?.referenceDev !== undefined
        ? this.t('race.final', { dev: loss(run.dev), steps: this.number(run.step, 0), reference: loss(facts.referenceDev), refSteps: this.number(facts.referenceSteps ?? NaN, 0) })
        : this.t('race.finalNoReference', { dev: loss(run.dev), steps: this.number(run.step, 0) });
    let target = this.t('race.noTarget');
    if (facts?.target !== undefined) {
      const reached = run.dev <= facts.target;
      this.dataset.reached = String(reached);
      target = this.t(reached ? 'race.reached' : 'race.notReached', { target: loss(facts.target) });
    }
    this.ref('final').textContent = this.t('race.outcome', { final, target });
  }

  protected onPhase(phase: RunPhase, state: RunState): void {
    const run = this.#run;
    const status: Partial<Record<RunPhase, string>> = {
      idle: this.t('race.idle'),
      loading: this.t('status.loading', { dataset: this.t(`data.${recipeOf(this.values.recipe).dataset}`) }),
      running: this.t('race.training'),
      paused: this.t('train.paused'),
      stopped: [this.t('train.stopped'), state.evalAbandoned ? this.t('train.evalAbandoned') : ''].filter(Boolean).join(' '),
      done: this.t('train.done'),
      error: '',
    };
    if (status[phase] !== undefined) this.setStatus(status[phase]);
    if (run && (phase === 'done' || phase === 'stopped')) this.#showOutcome(run);
  }
}

define('lm-recipe-trainer', RecipeTrainerElement);
