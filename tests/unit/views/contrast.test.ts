import { describe, expect, it } from 'vitest';
import { BLACK, composite, contrastRatio, MIN_TEXT_CONTRAST, parseColor, readableInk, relativeLuminance, toHex, WHITE, type Rgb } from '../../../src/views/contrast';
import { rng } from './helpers';

describe('WCAG contrast', () => {
  it('gives the relative luminance of the WCAG definition', () => {
    expect(relativeLuminance(BLACK)).toBe(0);
    expect(relativeLuminance(WHITE)).toBeCloseTo(1, 12);
    // Pure primaries weigh by the WCAG coefficients.
    expect(relativeLuminance([255, 0, 0])).toBeCloseTo(0.2126, 12);
    expect(relativeLuminance([0, 255, 0])).toBeCloseTo(0.7152, 12);
    // Mid grey #777: the sRGB curve, not a linear 0.467.
    expect(relativeLuminance([0x77, 0x77, 0x77])).toBeCloseTo(0.1845, 4);
  });

  it('gives contrast ratios that match published values', () => {
    expect(contrastRatio(BLACK, WHITE)).toBeCloseTo(21, 10);
    expect(contrastRatio(WHITE, BLACK)).toBeCloseTo(21, 10);
    expect(contrastRatio([0x77, 0x77, 0x77], WHITE)).toBeCloseTo(4.48, 2); // the classic just-fails grey
    expect(contrastRatio([0x76, 0x76, 0x76], WHITE)).toBeGreaterThan(MIN_TEXT_CONTRAST); // and its passing neighbour
    expect(contrastRatio([0x25, 0x63, 0xeb], WHITE)).toBeCloseTo(5.17, 2); // Tailwind blue-600
    expect(contrastRatio([0x44, 0x88, 0xcc], [0x44, 0x88, 0xcc])).toBe(1);
  });

  it('reads the colour forms of stylesheets and getComputedStyle', () => {
    expect(parseColor('#2563eb')).toEqual({ rgb: [37, 99, 235], alpha: 1 });
    expect(parseColor(' #FFF ')).toEqual({ rgb: [255, 255, 255], alpha: 1 });
    expect(parseColor('rgb(37, 99, 235)')).toEqual({ rgb: [37, 99, 235], alpha: 1 });
    expect(parseColor('rgba(0, 0, 0, 0)')).toEqual({ rgb: [0, 0, 0], alpha: 0 });
    expect(parseColor('rgb(10 20 30 / 50%)')).toEqual({ rgb: [10, 20, 30], alpha: 0.5 });
    for (const bad of ['', 'var(--chart-1)', 'blue', '#12', 'rgb(1, 2)', 'rgb(a, b, c)', 'hsl(0 0% 0%)']) expect(parseColor(bad)).toBeUndefined();
  });

  it('blends a translucent colour over an opaque one', () => {
    expect(composite(WHITE, 0, BLACK)).toEqual(BLACK);
    expect(composite(WHITE, 1, BLACK)).toEqual(WHITE);
    expect(toHex(composite([200, 100, 0], 0.5, [0, 100, 200]))).toBe('#646464');
  });

  it('picks black on light fills and white on dark ones', () => {
    expect(readableInk(WHITE)).toEqual(BLACK);
    expect(readableInk([0xe5, 0xe7, 0xeb])).toEqual(BLACK);
    expect(readableInk([0x0f, 0x14, 0x19])).toEqual(WHITE);
    expect(readableInk([0x25, 0x63, 0xeb])).toEqual(WHITE);
  });

  it('finds text of at least 4.5:1 on any fill', () => {
    const random = rng(11);
    let worst = Infinity;
    for (let i = 0; i < 20_000; i++) {
      const fill: Rgb = [random() * 255, random() * 255, random() * 255];
      worst = Math.min(worst, contrastRatio(fill, readableInk(fill)));
    }
    expect(worst).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    expect(worst).toBeLessThan(4.8); // the random fills did reach the hard middle greys
  });
});
