import { closest } from '../config/issues.js';
import type { ModuleDefinition } from './types.js';

// Every built-in module by name, each imported only when asked for: a module's definition pulls in its
// pipeline and native libraries, so a server started with -m lac loads lac's alone. registry.ts imports them
// all for the commands that list the catalogue. Adding a module is adding its folder and one line here.

const importers: Readonly<Record<string, () => Promise<ModuleDefinition>>> = {
  lac: async () => (await import('./lac/index.js')).lac,
  jieba_paddle: async () => (await import('./jieba_paddle/index.js')).jiebaPaddle,
  chinese_ocr_db_crnn_mobile: async () => (await import('./chinese_ocr_db_crnn_mobile/index.js')).chineseOcrDbCrnnMobile,
  senta_bilstm: async () => (await import('./senta_bilstm/index.js')).sentaBilstm,
  centernet_mobilenet_v3_coco2017: async () => (await import('./centernet_mobilenet_v3_coco2017/index.js')).centernetMobilenetV3Coco2017,
  blazeface_mediapipe: async () => (await import('./blazeface_mediapipe/index.js')).blazefaceMediapipe,
  pyramidbox_lite_server_mask: async () => (await import('./pyramidbox_lite_server_mask/index.js')).pyramidboxLiteServerMask,
  pyramidbox_lite_mobile_mask: async () => (await import('./pyramidbox_lite_mobile_mask/index.js')).pyramidboxLiteMobileMask,
  vgg16_imagenet: async () => (await import('./vgg16_imagenet/index.js')).vgg16Imagenet,
  yolov3_darknet53_coco2017: async () => (await import('./yolov3_darknet53_coco2017/index.js')).yolov3Darknet53Coco2017,
};

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

/** The built-in modules' names, in the catalogue's order. */
export function moduleNames(): string[] {
  return Object.keys(importers);
}

/** The module a name or task stands for, imported now (and only it); undefined for neither. */
export function importModule(nameOrTask: string): Promise<ModuleDefinition | undefined> {
  const name = taskDefaults[nameOrTask] ?? nameOrTask;
  return Object.hasOwn(importers, name) ? importers[name]!() : Promise.resolve(undefined);
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
