/**
 * Loads a follower's code as soon as the trainer it follows starts a run, wherever on the page
 * the reader is, instead of waiting for the reader to scroll near it (lazyWidget.ts): a view
 * that keeps every snapshot of a run (the heads timeline), or that must cut what the trainer's
 * model reads to that model's block before the first snapshot (the heads grid), cannot wait.
 * This module imports nothing, so a page can afford it.
 */

/**
 * Calls `load` once, at the first click on the Start button (`data-part="start"`) of a trainer
 * (its `data-url-prefix`) that an element `tag` of the page follows (`data-follows`).
 */
export function loadWhenFollowedStarts(tag: string, load: () => Promise<unknown>): void {
  const followed = new Set([...document.querySelectorAll<HTMLElement>(tag)].map((el) => el.dataset.follows).filter(Boolean));
  if (followed.size === 0) return;
  const onClick = (event: Event) => {
    const target = event.target instanceof Element ? event.target : null;
    const trainer = target?.closest<HTMLElement>('[data-url-prefix]');
    if (!trainer || !followed.has(trainer.dataset.urlPrefix) || trainer.hasAttribute('data-follows') || !target?.closest('[data-part="start"]')) return;
    document.removeEventListener('click', onClick, true);
    void load();
  };
  // Capture: the trainer's own handler may stop the click from bubbling.
  document.addEventListener('click', onClick, true);
}
