import { sentaFiles } from './senta-files.js';

// What senta_bilstm says of its weights, which users supply: shared by the installer (weights.ts) and the module.

/** Environment variable naming a folder with model.onnx and vocab.txt. */
export const SENTA_DIR_ENV = 'HUB_SENTA_DIR';

const SENTA_NEEDS = `senta_bilstm needs ${sentaFiles.model} and ${sentaFiles.vocab} in init_args.directory or ${SENTA_DIR_ENV}`;
export const NO_PACKAGE = 'no package reachable here holds Chinese sentiment weights';

/** What to say when there are no weights; `detail` names a folder that was given but lacks files. */
export function noWeightsMessage(detail?: string): string {
  return `no weights: ${SENTA_NEEDS}${detail ? ` (${detail})` : ''}; ${NO_PACKAGE}`;
}
