/**
 * Keys on a focused parameter slider, in the parameter's own steps (the slider's 0..1000 positions are
 * finer than most steps, so the browser's own arrow step snapped back to the same value and → did
 * nothing): arrows one step, Page Up/Down ten, Home/End the ends. On a log scale a step is a hundredth
 * of the range's span in log space (a tenth for Page keys), as the slider is drawn.
 */
import { snap, type ParamInfo } from './params';

const UP = new Set(['ArrowRight', 'ArrowUp', 'PageUp']);
const KEYS = new Set([
  'ArrowRight',
  'ArrowUp',
  'ArrowLeft',
  'ArrowDown',
  'PageUp',
  'PageDown',
  'Home',
  'End',
]);

/** The value a key moves a number parameter to; null when the key is not a slider key. */
export function sliderKeyValue(decl: ParamInfo, value: number, key: string): number | null {
  if (!KEYS.has(key)) return null;
  const min = decl.min ?? 0,
    max = decl.max ?? 1;
  if (key === 'Home') return snap(decl, min);
  if (key === 'End') return snap(decl, max);
  const dir = UP.has(key) ? 1 : -1;
  const steps = key === 'PageUp' || key === 'PageDown' ? 10 : 1;
  if (decl.log) {
    const floor = min > 0 ? min : Math.max(decl.step ?? 0, max / 1e4);
    const span = Math.log(max) - Math.log(floor);
    if (dir < 0 && value <= floor) return snap(decl, min);
    const from = Math.max(value, floor);
    // Walk until the snapped value moves (three significant digits can swallow a small step).
    for (let k = 1; k <= 100; k++) {
      const next = snap(decl, Math.exp(Math.log(from) + (dir * steps * k * span) / 100));
      if (next !== value) return next;
    }
    return value;
  }
  const step = decl.step ?? (decl.integer ? 1 : (max - min) / 100);
  for (let k = 1; k <= 100; k++) {
    const next = snap(decl, value + dir * steps * k * step);
    if (next !== value) return next;
  }
  return value;
}

/**
 * A keydown handler for a number parameter's slider: sets the value the key moves to and keeps the
 * browser from moving the slider by its own (too fine) position step.
 */
export function sliderKeyHandler(
  decl: ParamInfo,
  value: number,
  set: (v: number) => void,
): (e: {
  key: string;
  preventDefault(): void;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
}) => void {
  return (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const next = sliderKeyValue(decl, value, e.key);
    if (next === null) return;
    e.preventDefault();
    if (next !== value) set(next);
  };
}
