import { closest } from '../config/issues.js';
import type { ModuleDefinition } from './types.js';
import { lac } from './lac/index.js';
import { centernetMobilenetV3Coco2017 } from './centernet_mobilenet_v3_coco2017/index.js';
import { blazefaceMediapipe } from './blazeface_mediapipe/index.js';
import { pyramidboxLiteServerMask } from './pyramidbox_lite_server_mask/index.js';
import { pyramidboxLiteMobileMask } from './pyramidbox_lite_mobile_mask/index.js';
import { sentaBilstm } from './senta_bilstm/index.js';
import { jiebaPaddle } from './jieba_paddle/index.js';
import { chineseOcrDbCrnnMobile } from './chinese_ocr_db_crnn_mobile/index.js';
import { vgg16Imagenet } from './vgg16_imagenet/index.js';
import { yolov3Darknet53Coco2017 } from './yolov3_darknet53_coco2017/index.js';

// Every module Hub Serving can serve. Adding a module is adding its folder and one line here.
export const moduleDefinitions: readonly ModuleDefinition[] = [lac, jiebaPaddle, chineseOcrDbCrnnMobile, sentaBilstm, centernetMobilenetV3Coco2017, blazefaceMediapipe, pyramidboxLiteServerMask, pyramidboxLiteMobileMask, vgg16Imagenet, yolov3Darknet53Coco2017];

/** `-m <task>` starts that task's default module. */
export const taskDefaults: Readonly<Record<string, string>> = {
  lexical_analysis: 'lac',
  word_segmentation: 'jieba_paddle',
  object_detection: 'centernet_mobilenet_v3_coco2017',
  face_detection: 'blazeface_mediapipe',
  sentiment_classification: 'senta_bilstm',
  ocr: 'chinese_ocr_db_crnn_mobile',
  image_classification: 'vgg16_imagenet',
};

export function findModule(nameOrTask: string): ModuleDefinition | undefined {
  const name = taskDefaults[nameOrTask] ?? nameOrTask;
  return moduleDefinitions.find((m) => m.manifest.name === name);
}

export function moduleNames(): string[] {
  return moduleDefinitions.map((m) => m.manifest.name);
}

/** The module or task name closest to a mistyped one (`lax` -> `lac`), for "did you mean" hints. */
export function closestModule(name: string): string | undefined {
  return closest(name, [...moduleNames(), ...Object.keys(taskDefaults)]);
}

/** `module "lax" is not available; did you mean "lac"?`, the start of every unknown-module message. */
export function unknownModuleMessage(name: string): string {
  const guess = closestModule(name);
  return `module "${name}" is not available${guess ? ` (did you mean "${guess}"?)` : ''}`;
}
