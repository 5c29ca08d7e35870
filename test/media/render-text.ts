import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Text images rendered in the test with ImageMagick and a CJK font from Debian (imagemagick, fonts-noto-cjk).
// The `convert` on PATH may be a stand-in that cannot draw text, so the real one is looked for and checked.

const CJK_FONTS = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc',
];
const CONVERTS = ['/usr/bin/convert', '/usr/bin/magick', 'magick', 'convert'];

export const RENDER_PACKAGES = 'imagemagick fonts-noto-cjk';

let tools: { convert: string; font: string } | null | undefined;

/** The real ImageMagick and a CJK font, or null when either is missing. */
export function textRenderer(): { convert: string; font: string } | null {
  if (tools !== undefined) return tools;
  const font = CJK_FONTS.find((f) => existsSync(f));
  const convert = CONVERTS.find((c) => /Version: ImageMagick \d/.test(spawnSync(c, ['-version'], { encoding: 'utf8' }).stdout ?? ''));
  tools = font && convert ? { convert, font } : null;
  return tools;
}

/** True when rendering works; otherwise skips the test loudly, or fails it under CI. */
export function requireRendererOrSkip(t: { skip: (why: string) => void }): boolean {
  if (textRenderer()) return true;
  const why = `ImageMagick with a CJK font is missing (need the Debian packages: apt-get install -y ${RENDER_PACKAGES})`;
  if (process.env.CI === 'true') throw new Error(why);
  console.warn(`\n*** SKIPPING: ${why} ***\n`);
  t.skip(why);
  return false;
}

export interface TextLine {
  text: string;
  x: number;
  /** Baseline. */
  y: number;
  /** Degrees, clockwise. */
  angle?: number;
  size?: number;
}

export interface RenderOptions {
  width: number;
  height: number;
  lines: TextLine[];
  background?: string;
  color?: string;
  /** Turn the finished image by this many degrees (e.g. 180 for an upside-down page). */
  rotate?: number;
  /** Output format by extension: jpg, png, webp. */
  format?: 'jpg' | 'png' | 'webp';
}

/** Renders the lines and returns the encoded file. */
export function renderText(options: RenderOptions): Buffer {
  const found = textRenderer();
  if (!found) throw new Error(`cannot render text: apt-get install -y ${RENDER_PACKAGES}`);
  const dir = mkdtempSync(join(tmpdir(), 'ocr-render-'));
  const out = join(dir, `image.${options.format ?? 'jpg'}`);
  try {
    const args = ['-size', `${options.width}x${options.height}`, `xc:${options.background ?? 'white'}`,
      '-font', found.font, '-fill', options.color ?? 'black'];
    for (const line of options.lines) {
      const angle = line.angle ?? 0;
      args.push('-pointsize', String(line.size ?? 40), '-annotate', `${angle}x${angle}+${line.x}+${line.y}`, line.text);
    }
    if (options.rotate) args.push('-rotate', String(options.rotate));
    args.push('-quality', '92', out);
    const result = spawnSync(found.convert, args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${found.convert} failed: ${result.stderr}`);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
