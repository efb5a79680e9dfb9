/**
 * Reads what ONNX Runtime's JS API does not expose: a model's custom metadata_props (and its opset
 * and producer), parsed from the model bytes with onnx-proto. Decoding also serves as the first
 * integrity check: bytes that are not an ONNX ModelProto fail here with MODEL_INTEGRITY.
 */
import onnxProto from 'onnx-proto';
import { StudioError } from '../common/errors';

const { onnx } = onnxProto;

export interface ModelFileInfo {
  /** Custom metadata_props (key -> value). */
  metadata: Record<string, string>;
  producerName: string;
  irVersion: number;
  /** Version of the default ('' / ai.onnx) operator set, 0 when absent. */
  opset: number;
}

/**
 * Decodes the model's top-level fields. `label` names the file in messages.
 * @throws StudioError MODEL_INTEGRITY when the bytes are not an ONNX model.
 */
export function readModelInfo(bytes: Uint8Array, label: string): ModelFileInfo {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw integrity(label, `protobuf decoding failed: ${(e as Error).message}`, e);
  }
  const irVersion = Number(model.irVersion);
  if (!model.graph || !(irVersion > 0)) {
    throw integrity(label, 'it has no ONNX graph or IR version');
  }
  const metadata: Record<string, string> = {};
  for (const p of model.metadataProps) if (p.key) metadata[p.key] = p.value ?? '';
  const opsetEntry = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return {
    metadata,
    producerName: model.producerName,
    irVersion,
    opset: opsetEntry ? Number(opsetEntry.version) : 0,
  };
}

function integrity(label: string, why: string, cause?: unknown): StudioError {
  return new StudioError(
    'MODEL_INTEGRITY',
    `The model file ${label} is not a valid ONNX model (${why}). Download or import it again.`,
    { cause },
  );
}
