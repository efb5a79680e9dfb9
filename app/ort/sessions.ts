/**
 * The ONNX Runtime layer's entry point for the rest of the engine: the session pool and single-model
 * loading. (app/ort is the only place that imports onnxruntime-node.)
 */
export { createSessionPool, type StudioSessionPool } from './pool';
export { describeInfo, loadModelSession, type LoadHooks, type LoadedModelSession } from './session';
export { readModelInfo, type ModelFileInfo } from './modelFile';
export { CUDA_OPT_IN, unavailableReason } from './providers';
export { formatDims } from './tensors';
