// keras-yolo3's letterbox_image, which the model zoo's YOLOv3 was exported with: scale to fit the square
// input keeping the aspect ratio (sizes truncated), centre on grey 128. The graph maps its boxes back to the
// original image from image_shape assuming exactly this, so the arithmetic follows the Python to the bit.

export const INPUT_SIDE = 416;
export const PAD_GREY = 128;

export interface LetterboxPlan {
  /** Size of the resized image. */
  width: number;
  height: number;
  /** Where it is pasted on the side x side canvas. */
  left: number;
  top: number;
  side: number;
}

export function letterboxPlan(imageWidth: number, imageHeight: number, side = INPUT_SIDE): LetterboxPlan {
  const scale = Math.min(side / imageWidth, side / imageHeight);
  const width = Math.max(1, Math.trunc(imageWidth * scale));
  const height = Math.max(1, Math.trunc(imageHeight * scale));
  return { width, height, left: Math.floor((side - width) / 2), top: Math.floor((side - height) / 2), side };
}
