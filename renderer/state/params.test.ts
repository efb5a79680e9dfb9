import { describe, expect, it } from 'vitest';
import {
  SLIDER_STEPS,
  formatValue,
  initialStages,
  parseTyped,
  sliderToValue,
  snap,
  stageRequests,
  valueToSlider,
  type ParamInfo,
} from './params';
import { FAKE_STAGES } from './testing/fakeEngine';

const linear: ParamInfo = {
  kind: 'number',
  name: 'contextMargin',
  label: 'Context margin',
  help: '',
  default: 0.75,
  min: 0.1,
  max: 4,
  step: 0.05,
};
const integer: ParamInfo = {
  ...linear,
  name: 'feather',
  default: 3,
  min: 0,
  max: 64,
  step: 1,
  integer: true,
  unit: 'px',
};
const log: ParamInfo = {
  ...linear,
  name: 'lambda',
  default: 0.01,
  min: 0.0001,
  max: 10,
  step: 0.0001,
  log: true,
};
const logZero: ParamInfo = { ...log, min: 0 };

describe('sliders from declarations', () => {
  it('maps a linear slider to stepped values and back', () => {
    expect(sliderToValue(linear, 0)).toBe(0.1);
    expect(sliderToValue(linear, SLIDER_STEPS)).toBe(4);
    expect(sliderToValue(linear, SLIDER_STEPS / 2)).toBe(2.05);
    expect(sliderToValue(integer, 503)).toBe(32);
    expect(valueToSlider(integer, 32)).toBe(500);
    expect(snap(linear, 0.7712)).toBe(0.75);
    expect(snap(linear, 99)).toBe(4);
  });

  it('maps a log slider evenly over decades, and back', () => {
    expect(sliderToValue(log, 0)).toBe(0.0001);
    expect(sliderToValue(log, SLIDER_STEPS)).toBe(10);
    // Five decades: the middle is 0.0001 * 10^2.5.
    expect(sliderToValue(log, SLIDER_STEPS / 2)).toBeCloseTo(0.0316, 4);
    expect(sliderToValue(log, SLIDER_STEPS / 5)).toBeCloseTo(0.001, 6);
    for (const v of [0.0001, 0.003, 0.5, 7])
      expect(sliderToValue(log, valueToSlider(log, v)) / v).toBeCloseTo(1, 1);
    // A log scale whose minimum is 0 still reaches 0 at the left end.
    expect(sliderToValue(logZero, 0)).toBe(0);
    expect(sliderToValue(logZero, 1)).toBeGreaterThan(0);
  });

  it('formats values with their unit and parses typed text', () => {
    expect(formatValue(integer, 3)).toBe('3 px');
    expect(formatValue(linear, 0.75)).toBe('0.75');
    expect(formatValue(log, 0.012345)).toBe('0.0123');
    expect(formatValue({ ...linear, kind: 'boolean', default: true }, false)).toBe('off');
    expect(formatValue({ ...linear, kind: 'rect', default: null }, { x: 1, y: 2, width: 3, height: 4 })).toBe(
      '1,2 3×4',
    );
    expect(parseTyped(integer, '12 px')).toBe(12);
    expect(parseTyped(integer, '999')).toBe(64);
    expect(parseTyped(integer, 'abc')).toBeNull();
  });

  it('sends the enabled stages in order with only the changed values', () => {
    const stages = initialStages(FAKE_STAGES);
    expect(stages.map((s) => s.enabled)).toEqual([true, false]);
    expect(stageRequests(FAKE_STAGES, stages)).toEqual([{ name: 'lama', params: {} }]);
    stages[1] = { ...stages[1], enabled: true, values: { ...stages[1].values, lambdaL: 0.5 } };
    expect(stageRequests(FAKE_STAGES, stages)).toEqual([
      { name: 'lama', params: {} },
      { name: 'color', params: { lambdaL: 0.5 } },
    ]);
  });
});
