import { z } from 'zod';
import { arg } from '../contract/arguments.js';
import { booleanField, imageArguments, integerField } from './request-schema.js';

// The arguments and result shapes PaddleHub's detectors share (yolov3_darknet53_coco2017's object_detection,
// pyramidbox_lite_mobile's face_detection), worded alike in every module that speaks them.

/** `images` and PaddleHub's `paths`, without `data`, which the detectors modelled on these never took. */
export const { images, paths } = imageArguments;

export const visualizationArgument = arg(booleanField(false), 'also return "image": base64 JPEG with the boxes drawn (nothing is written on the server)');

export const outputDirArgument = arg(z.string({ error: 'expected a string' }).optional(), 'accepted for compatibility and ignored: no files are written');

/** batch_size of the detectors whose images run one per model call. */
export const perImageBatchSize = arg(integerField(1, 100, 1), 'accepted for compatibility; images run one per inference thread', { type: 'int' });

const confidence = z.number().min(0).max(1);
const drawn = z.string().optional();

/** One image's objects (yolov3_darknet53_coco2017's format): edges in pixels of the image, clipped to it. */
export const objectsResult = z.strictObject({
  data: z.array(z.strictObject({ label: z.string(), confidence, left: z.number(), top: z.number(), right: z.number(), bottom: z.number() })),
  /** PaddleHub's path of the visualisation file; always "" as no file is written. */
  save_path: z.literal(''),
  image: drawn,
});

const pixel = z.number().int().min(0);

/** One face (pyramidbox_lite_mobile's format): integer edges in pixels of the image. */
export const faceBox = z.strictObject({ confidence, top: pixel, bottom: pixel, left: pixel, right: pixel });

/** One image's faces; `path` is PaddleHub's path of the input or visualisation file, always "" as none is read or written. */
export const facesResult = <F extends z.ZodType>(face: F) => z.strictObject({ data: z.array(face), path: z.literal(''), image: drawn });
