import type { TensorMetadata } from '../../backends/onnx-metadata.js';
import type { LoadedModule, ModuleDefinition } from '../../modules/types.js';
import type { WireTensor } from '../../models/wire-tensor.js';
import type { V2Model } from './routes.js';
import { TensorError, type DecodedTensor } from './tensor-codec.js';

// A PaddleHub module over /v2, where its arguments and results have a tensor form: the module declares its
// tensors and how they map to predict arguments and back; its predict, scheduler and limits are the ones the
// PaddleHub route uses.

export interface ModuleTensors {
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
  /** The predict arguments a request's tensors stand for. */
  toArgs(inputs: Map<string, DecodedTensor>): Record<string, unknown>;
  /** The module's results as output tensors. */
  toOutputs(results: unknown[]): Record<string, WireTensor>;
}

export function moduleAsV2(definition: ModuleDefinition & { tensors: ModuleTensors }, loaded: LoadedModule, predictArgs: Record<string, unknown>): V2Model {
  const { tensors } = definition;
  return {
    name: definition.manifest.name,
    versions: [definition.manifest.version],
    platform: 'hub-serving',
    inputs: tensors.inputs,
    outputs: tensors.outputs,
    ready: () => true,
    async infer(request, call) {
      const given = new Map(request.inputs.map((t) => [t.name, t]));
      for (const want of tensors.inputs) {
        const input = given.get(want.name);
        if (!input) throw new TensorError(`${definition.manifest.name} needs the input ${want.name} (${want.datatype} ${JSON.stringify(want.shape)})`);
        if (input.datatype !== want.datatype) throw new TensorError(`input ${want.name} must be ${want.datatype}, got ${input.datatype}`);
        if (input.shape.length !== want.shape.length) throw new TensorError(`input ${want.name} must have ${want.shape.length} dimension(s), got ${input.shape.length}`);
      }
      for (const name of given.keys()) if (!tensors.inputs.some((t) => t.name === name)) throw new TensorError(`input ${name} is not an input of ${definition.manifest.name}`);
      const parsed = definition.predictSchema.safeParse({ ...predictArgs, ...tensors.toArgs(given) });
      if (!parsed.success) throw new TensorError(parsed.error.issues[0]!.message);
      const outputs = tensors.toOutputs(await loaded.predict(parsed.data, call));
      for (const { name } of request.outputs ?? []) if (!(name in outputs)) throw new TensorError(`output ${name} is not an output of ${definition.manifest.name}`);
      return outputs;
    },
  };
}
