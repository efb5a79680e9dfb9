/**
 * One parameter's control, generated from its declaration: a slider (linear or log) with its value,
 * unit and range; a checkbox (its label once); a select; or a region picker for rectangles. Each has
 * reset-to-default, its short help as the tooltip, and the longer text behind "More".
 */
import { useEffect, useState } from 'react';
import type { ParamValue } from '../../app/common/params';
import {
  SLIDER_STEPS,
  formatValue,
  helpText,
  parseTyped,
  sliderToValue,
  valueToSlider,
  type ParamInfo,
} from '../state/params';
import { sliderKeyHandler } from '../state/sliderKeys';
import { TryValuesButton } from './TryValues';
import { useEditor, useEditorState } from './useEditor';
import { runCommand } from '../state/commandRegistry';

interface Props {
  stage: string;
  decl: ParamInfo;
  value: ParamValue;
  disabled?: boolean;
  /** The short panel: no range line under the slider. */
  plain?: boolean;
}

function isDefault(decl: ParamInfo, value: ParamValue): boolean {
  return JSON.stringify(decl.default) === JSON.stringify(value);
}

export function ParamControl({ stage, decl, value, disabled, plain }: Props) {
  const editor = useEditor();
  const [moreOpen, setMoreOpen] = useState(false);
  const id = `param-${stage}-${decl.name}`;
  const { short, more } = helpText(decl);
  const set = (v: ParamValue) => editor.runs.setParam(stage, decl.name, v);
  const reset = (
    <button
      className="reset"
      title={`Reset to ${formatValue(decl, decl.default)}`}
      aria-label={`Reset ${decl.label} to default`}
      disabled={disabled || isDefault(decl, value)}
      onClick={() => editor.runs.resetParam(stage, decl.name)}
      data-testid={`${id}-reset`}
    >
      ↺
    </button>
  );
  const moreButton = more && (
    <button
      className="more"
      aria-expanded={moreOpen}
      aria-controls={`${id}-more`}
      title={moreOpen ? 'Less' : 'More about this setting'}
      onClick={() => setMoreOpen(!moreOpen)}
      data-testid={`${id}-more-toggle`}
    >
      {moreOpen ? 'Less' : 'More'}
    </button>
  );
  return (
    <div
      className={`param${isDefault(decl, value) ? '' : ' changed'}`}
      title={short}
      data-testid={`${id}-row`}
    >
      {decl.kind === 'boolean' ? (
        // A checkbox carries its own label: shown once.
        <div className="param-head">
          <label className="check">
            <input
              id={id}
              type="checkbox"
              checked={value === true}
              disabled={disabled}
              onChange={(e) => set(e.target.checked)}
              data-testid={id}
            />
            {decl.label}
          </label>
          {moreButton}
          {reset}
        </div>
      ) : (
        <div className="param-head">
          <label htmlFor={id}>{decl.label}</label>
          {moreButton}
          {decl.kind === 'number' && (
            <NumberField decl={decl} value={value as number} onCommit={set} disabled={disabled} id={id} />
          )}
          {decl.kind === 'rect' && <span className="value">{formatValue(decl, value)}</span>}
          {reset}
        </div>
      )}
      {decl.kind === 'number' && (
        <div className="slider-row">
          <input
            id={id}
            type="range"
            min={0}
            max={SLIDER_STEPS}
            step={1}
            disabled={disabled}
            value={valueToSlider(decl, value as number)}
            onChange={(e) => set(sliderToValue(decl, Number(e.target.value)))}
            onKeyDown={sliderKeyHandler(decl, value as number, set)}
            data-testid={id}
            aria-valuetext={formatValue(decl, value)}
          />
          {!plain && (
            <span className="range">
              {formatValue(decl, decl.min ?? 0)} – {formatValue(decl, decl.max ?? 1)}
              {decl.log ? ' (log)' : ''}
            </span>
          )}
          <TryValuesButton stage={stage} decl={decl} disabled={disabled} />
        </div>
      )}
      {decl.kind === 'enum' && (
        <select
          id={id}
          value={String(value)}
          disabled={disabled}
          onChange={(e) => set(e.target.value)}
          data-testid={id}
        >
          {decl.options?.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
      {decl.kind === 'rect' && (
        <RectPicker stage={stage} decl={decl} value={value} disabled={disabled} id={id} />
      )}
      {moreOpen && more && (
        <p className="param-more" id={`${id}-more`} data-testid={`${id}-more`}>
          {more}
        </p>
      )}
    </div>
  );
}

/** The value as typed text; commits on Enter or blur, snapped and clamped to the declaration. */
function NumberField(props: {
  decl: ParamInfo;
  value: number;
  onCommit: (v: number) => void;
  disabled?: boolean;
  id: string;
}) {
  const { decl, value, onCommit, disabled, id } = props;
  const shown = formatValue({ ...decl, unit: undefined }, value);
  const [text, setText] = useState(shown);
  useEffect(() => setText(shown), [shown]);
  const commit = () => {
    const v = parseTyped(decl, text);
    if (v === null) setText(shown);
    else onCommit(v);
  };
  return (
    <span className="number-field">
      <input
        type="text"
        inputMode="decimal"
        value={text}
        disabled={disabled}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') setText(shown);
        }}
        aria-label={`${decl.label} value`}
        data-testid={`${id}-value`}
      />
      {decl.unit && <span className="unit">{decl.unit}</span>}
    </span>
  );
}

function RectPicker(props: {
  stage: string;
  decl: ParamInfo;
  value: ParamValue;
  disabled?: boolean;
  id: string;
}) {
  const { stage, decl, value, disabled, id } = props;
  const editor = useEditor();
  const picking = useEditorState((s) => s.picking?.stage === stage && s.picking.param === decl.name);
  const hasDoc = useEditorState((s) => s.doc !== null);
  return (
    <div className="rect-picker">
      <button
        className={picking ? 'active' : ''}
        disabled={disabled || !hasDoc}
        onClick={() => (picking ? runCommand(editor, 'escape') : editor.masking.startPick(stage, decl.name))}
        data-testid={`${id}-pick`}
      >
        {picking ? 'Drag a rectangle on the image… (Esc)' : value ? 'Pick again' : 'Pick on image'}
      </button>
      {value !== null && (
        <button disabled={disabled} onClick={() => editor.runs.setParam(stage, decl.name, null)}>
          Clear
        </button>
      )}
    </div>
  );
}
