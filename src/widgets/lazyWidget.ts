/**
 * Loads a widget's code (its custom element, d3, its view) only when the reader comes near the
 * widget or touches it, so that a chapter costs its text and the widgets in sight, not every
 * widget's code; workers, in turn, start once a widget runs (a trainer as it comes into view,
 * a counting widget with its first job).
 *
 * Until the element is upgraded its server-rendered controls already work as plain HTML, so
 * what the reader does there is kept and replayed on the upgraded element: clicks on its buttons
 * (a Train pressed early still trains) and changed settings. This module imports nothing, so
 * every page can afford it.
 */

/** How far outside the viewport a widget starts loading: about a screenful of scrolling early. */
const ROOT_MARGIN = '200px';

/** Events that show the reader is using a widget that is not loaded yet. */
const INTERACTIONS = ['pointerdown', 'focusin', 'keydown', 'click', 'input', 'change'] as const;

/** A setting the reader changed before the widget ran: the control and the value chosen. */
interface ChangedSetting {
  control: HTMLInputElement | HTMLSelectElement;
  value: string;
}

/**
 * Defines the custom element `tag` from the module `load` imports, once a widget with that tag
 * is within {@link ROOT_MARGIN} of the viewport or the reader interacts with one.
 */
export function lazyDefine(tag: string, load: () => Promise<unknown>): void {
  const hosts = [...document.querySelectorAll<HTMLElement>(tag)];
  if (hosts.length === 0 || customElements.get(tag)) return;
  const early = new AbortController();
  const clicks: HTMLButtonElement[] = [];
  const changes: ChangedSetting[] = [];
  let loading: Promise<void> | undefined;

  const start = (): Promise<void> =>
    (loading ??= load()
      .then(() => customElements.whenDefined(tag))
      .then(() => {
        early.abort();
        observer.disconnect();
        hosts.forEach(clearLoadFailure);
        replay(clicks, changes);
      })
      .catch((err: unknown) => {
        loading = undefined; // the next interaction or the retry button tries again
        hosts.forEach((host) => showLoadFailure(host, err, start));
      }));

  const record = (event: Event) => {
    if (customElements.get(tag)) return; // upgraded: the element handles its own events now
    const target = event.target instanceof Element ? event.target : null;
    if (event.type === 'click') {
      const button = target?.closest<HTMLButtonElement>('button[data-part]');
      if (button) clicks.push(button);
    }
    if (event.type === 'change' && target?.matches('[data-field]')) {
      const control = target as HTMLInputElement | HTMLSelectElement;
      changes.push({ control, value: control.value });
    }
    void start();
  };

  const observer = new IntersectionObserver(
    (entries) => {
      if (entries.some((e) => e.isIntersecting)) void start();
    },
    { rootMargin: ROOT_MARGIN },
  );
  for (const host of hosts) {
    observer.observe(host);
    for (const type of INTERACTIONS) host.addEventListener(type, record, { capture: true, signal: early.signal });
  }
}

/** Hands what the reader did before the upgrade to the upgraded element: settings first, then clicks. */
function replay(clicks: HTMLButtonElement[], changes: ChangedSetting[]): void {
  for (const { control, value } of changes.splice(0)) {
    control.value = value;
    control.dispatchEvent(new Event('change', { bubbles: true }));
  }
  for (const button of clicks.splice(0)) button.click();
}

/**
 * Shows, in the widget's error box, that its code did not load: the server-rendered message of
 * its `template[data-part="load-failed"]` (it has no strings of its own), the reason, and a
 * button that tries again.
 */
function showLoadFailure(host: HTMLElement, err: unknown, retry: () => void): void {
  const box = host.querySelector<HTMLElement>('[data-part="error"]');
  const template = host.querySelector<HTMLTemplateElement>('template[data-part="load-failed"]');
  if (!box || !template) return;
  const message = template.content.cloneNode(true) as DocumentFragment;
  const reason = message.querySelector('[data-part="load-failed-reason"]');
  if (reason) reason.textContent = err instanceof Error ? err.message : String(err);
  message.querySelector('button')?.addEventListener('click', () => retry(), { once: true });
  box.replaceChildren(message);
  box.hidden = false;
}

/** Takes a load failure shown before out of the widget's error box, once the code has loaded. */
function clearLoadFailure(host: HTMLElement): void {
  const box = host.querySelector<HTMLElement>('[data-part="error"]');
  box?.querySelector('[data-part="load-failed-message"]')?.remove();
  if (box && box.childNodes.length === 0) box.hidden = true;
}
