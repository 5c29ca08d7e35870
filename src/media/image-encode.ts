import { loadSharp } from './load-sharp.js';
import { transferable, type RgbImage } from './pixels.js';

// Resizing and encoding on the main thread through sharp (asynchronous, in libuv's pool), and drawing
// results over an image for the `visualization` option, which answers with base64 JPEG instead of files.

const rawInput = (image: RgbImage) => ({ raw: { width: image.width, height: image.height, channels: 3 as const } });

export type ResizeKernel = 'nearest' | 'linear' | 'cubic' | 'lanczos3';

/** Exact size, aspect ratio not kept (models with fixed inputs stretch as their training did). */
export async function resizeImage(image: RgbImage, width: number, height: number, kernel: ResizeKernel = 'linear'): Promise<RgbImage> {
  if (width === image.width && height === image.height) return image;
  const sharp = await loadSharp();
  const data = await sharp(image.data, rawInput(image)).resize(width, height, { fit: 'fill', kernel }).raw().toBuffer();
  return { width, height, data: transferable(data) };
}

export async function encodeJpeg(image: RgbImage, quality = 90): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(image.data, rawInput(image)).jpeg({ quality }).toBuffer();
}

export interface Overlay {
  /** Closed polygon, in pixels of the image. */
  points: readonly (readonly [number, number])[];
  /** CSS colour; red by default. */
  color?: string;
  /** Short text drawn by the first point. */
  label?: string;
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** An SVG layer with the shapes, the size of the image. */
export function overlaySvg(width: number, height: number, shapes: readonly Overlay[]): string {
  const stroke = Math.max(3, Math.round(Math.max(width, height) / 300));
  const font = Math.max(12, stroke * 6);
  const parts = shapes.map((shape) => {
    const color = escapeXml(shape.color ?? '#ff0000');
    const points = shape.points.map(([x, y]) => `${x},${y}`).join(' ');
    const polygon = `<polygon points="${points}" fill="none" stroke="${color}" stroke-width="${stroke}"/>`;
    if (!shape.label || shape.points.length === 0) return polygon;
    const [x, y] = shape.points[0]!;
    return `${polygon}<text x="${x}" y="${Math.max(font, y - stroke)}" font-size="${font}" fill="${color}">${escapeXml(shape.label)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

/** The image with the shapes drawn over it, as base64 JPEG. */
export async function visualizeJpegBase64(image: RgbImage, shapes: readonly Overlay[], quality = 85): Promise<string> {
  const layer = Buffer.from(overlaySvg(image.width, image.height, shapes));
  const sharp = await loadSharp();
  const jpeg = await sharp(image.data, rawInput(image)).composite([{ input: layer, top: 0, left: 0 }])
    // Full-resolution colour: thin coloured lines blur away with the usual 4:2:0 subsampling.
    .jpeg({ quality, chromaSubsampling: '4:4:4' }).toBuffer();
  return jpeg.toString('base64');
}
