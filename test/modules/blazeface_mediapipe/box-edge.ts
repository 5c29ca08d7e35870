import sharp from 'sharp';

// What a visualisation drew: the colour in the middle of a box's top edge, read back from the base64 JPEG a
// face module answered with, and the picture's size.

export interface DrawnBox {
  left: number;
  top: number;
  right: number;
}

export async function topEdgeColour(jpegBase64: string, box: DrawnBox): Promise<{ rgb: number[]; width: number; height: number }> {
  const { data, info } = await sharp(Buffer.from(jpegBase64, 'base64')).raw().toBuffer({ resolveWithObject: true });
  const at = (box.top * info.width + Math.round((box.left + box.right) / 2)) * info.channels;
  return { rgb: [...data.subarray(at, at + 3)], width: info.width, height: info.height };
}
