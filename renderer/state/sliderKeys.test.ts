import { describe, expect, it } from 'vitest';
import { SLIDER_STEPS, sliderToValue, valueToSlider, type ParamInfo } from './params';
import { sliderKeyHandler, sliderKeyValue } from './sliderKeys';

const linear: ParamInfo = {
  kind: 'number',
  name: 'feather',
  label: 'Feather',
  help: '',
  default: 8,
  min: 0,
  max: 64,
  step: 1,
  integer: true,
};
const fine: ParamInfo = { ...linear, name: 'w', default: 0.5, min: 0, max: 1, step: 0.05, integer: false };
const log: ParamInfo = {
  ...linear,
  name: 'lambda',
  default: 1,
  min: 0.001,
  max: 1000,
  step: 0.001,
  integer: false,
  log: true,
};

describe('slider keys', () => {
  it("the browser's own step (one slider position) does not move a 1 px parameter: the old bug", () => {
    expect(sliderToValue(linear, valueToSlider(linear, 8) + 1)).toBe(8);
    expect(SLIDER_STEPS).toBe(1000);
  });

  it('arrows move one declared step, Page keys ten, Home/End to the ends', () => {
    expect(sliderKeyValue(linear, 8, 'ArrowRight')).toBe(9);
    expect(sliderKeyValue(linear, 8, 'ArrowUp')).toBe(9);
    expect(sliderKeyValue(linear, 8, 'ArrowLeft')).toBe(7);
    expect(sliderKeyValue(linear, 8, 'ArrowDown')).toBe(7);
    expect(sliderKeyValue(linear, 8, 'PageUp')).toBe(18);
    expect(sliderKeyValue(linear, 8, 'PageDown')).toBe(0);
    expect(sliderKeyValue(linear, 8, 'Home')).toBe(0);
    expect(sliderKeyValue(linear, 8, 'End')).toBe(64);
    expect(sliderKeyValue(linear, 64, 'ArrowRight')).toBe(64);
    expect(sliderKeyValue(fine, 0.5, 'ArrowRight')).toBe(0.55);
    expect(sliderKeyValue(linear, 8, 'a')).toBeNull();
  });

  it('on a log scale a step is a hundredth of the span in log space, and always moves', () => {
    const up = sliderKeyValue(log, 1, 'ArrowRight')!;
    // 6 decades / 100 steps: × 10^0.06 ≈ 1.148.
    expect(up).toBeCloseTo(1.15, 2);
    expect(sliderKeyValue(log, 1, 'ArrowLeft')!).toBeCloseTo(0.871, 2);
    expect(sliderKeyValue(log, 1, 'PageUp')!).toBeCloseTo(3.98, 1);
    expect(sliderKeyValue(log, 1000, 'End')).toBe(1000);
    expect(sliderKeyValue(log, 1, 'Home')).toBe(0.001);
  });

  it('the handler sets the value and stops the browser from moving the slider itself', () => {
    const set: number[] = [];
    let prevented = 0;
    const h = sliderKeyHandler(linear, 8, (v) => set.push(v));
    h({ key: 'ArrowRight', preventDefault: () => prevented++ });
    h({ key: 'Tab', preventDefault: () => prevented++ });
    expect(set).toEqual([9]);
    expect(prevented).toBe(1);
  });
});
