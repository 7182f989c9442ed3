import { composite, parseColor, type Rgb, type Rgba } from './contrast';

/**
 * The colours a view was painted in, as the page's stylesheet resolved them: views draw with
 * theme variables (`var(--chart-1)`), so only computed styles tell which colour a reader sees.
 * Each reader returns `undefined` where styles are not computed (no stylesheet, as in Node).
 */

/** An SVG element's computed fill with its fill-opacity folded into the alpha. */
export function paintOf(el: Element): Rgba | undefined {
  const style = computedStyle(el);
  const fill = style && parseColor(style.fill);
  if (!fill) return undefined;
  const opacity = style.fillOpacity === '' ? 1 : Number(style.fillOpacity);
  return { rgb: fill.rgb, alpha: fill.alpha * (Number.isFinite(opacity) ? opacity : 1) };
}

/** The opaque colour behind `el`: its ancestors' backgrounds, blended up from the nearest opaque one. */
export function backdropOf(el: Element): Rgb | undefined {
  const layers: Rgba[] = [];
  for (let node = el.parentElement; node; node = node.parentElement) {
    const background = parseColor(computedStyle(node)?.backgroundColor ?? '');
    if (!background || background.alpha === 0) continue;
    layers.push(background);
    if (background.alpha === 1) break;
  }
  const base = layers.pop();
  if (!base || base.alpha < 1) return undefined;
  return layers.reduceRight((under, layer) => composite(layer.rgb, layer.alpha, under), base.rgb);
}

/**
 * Calls `onChange` when the page's theme may have changed: the reader's toggle (an attribute of
 * `<html>`) or the system's light/dark setting. Returns the function that stops watching.
 */
export function observeTheme(doc: Document, onChange: () => void): () => void {
  const view = doc.defaultView;
  const stops: (() => void)[] = [];
  if (view && typeof view.MutationObserver === 'function') {
    const observer = new view.MutationObserver(onChange);
    observer.observe(doc.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class', 'style'] });
    stops.push(() => observer.disconnect());
  }
  const scheme = typeof view?.matchMedia === 'function' ? view.matchMedia('(prefers-color-scheme: dark)') : undefined;
  if (scheme) {
    scheme.addEventListener('change', onChange);
    stops.push(() => scheme.removeEventListener('change', onChange));
  }
  return () => stops.forEach((stop) => stop());
}

function computedStyle(el: Element): CSSStyleDeclaration | undefined {
  return el.ownerDocument.defaultView?.getComputedStyle(el);
}
