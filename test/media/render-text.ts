import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { debianAssetOrSkip, type DebianAsset } from '../helpers/debian-assets.js';

// Text images for the OCR tests, drawn with sharp (libvips and pango, no system tool) in WenQuanYi Micro Hei
// from Debian's fonts-wqy-microhei (1.6 MB): installed, or fetched by the tests (helpers/debian-assets.ts).

export const RENDER_PACKAGES = 'fonts-wqy-microhei';
const FONT_IN_PACKAGE = 'usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
const FAMILY = 'WenQuanYi Micro Hei';
/** vips crops text to its ink: an ideograph's ink starts about this far above the baseline, in em. */
const INK_ABOVE_BASELINE = 0.88;

let font: Promise<DebianAsset> | undefined;

/**
 * On a machine without fontconfig's configuration (a bare container has no /etc/fonts), text is drawn with
 * fontconfig's built-in defaults, whose hinting moves glyphs enough to change what OCR reads ("PaddleHub
 * Serving" became one word); Debian's defaults (slight hinting, greyscale antialiasing) are given instead,
 * before anything is drawn. A machine with its own configuration keeps it.
 */
function debianFontDefaults(): void {
  if (process.env.FONTCONFIG_FILE || existsSync('/etc/fonts/fonts.conf')) return;
  const dir = mkdtempSync(join(tmpdir(), 'hub-test-fonts-'));
  writeFileSync(join(dir, 'fonts.conf'), [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
    '<fontconfig>',
    `  <cachedir>${join(dir, 'cache')}</cachedir>`,
    '  <match target="pattern">',
    '    <edit name="hinting" mode="append"><bool>true</bool></edit>',
    '    <edit name="hintstyle" mode="append"><const>hintslight</const></edit>',
    '    <edit name="antialias" mode="append"><bool>true</bool></edit>',
    '    <edit name="rgba" mode="append"><const>none</const></edit>',
    '  </match>',
    '</fontconfig>',
  ].join('\n'));
  process.env.FONTCONFIG_FILE = join(dir, 'fonts.conf');
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
}
debianFontDefaults();

/** The CJK font, or why there is none (said out loud once; under CI a failure). */
export function textRenderer(): Promise<DebianAsset> {
  font ??= debianAssetOrSkip(RENDER_PACKAGES, FONT_IN_PACKAGE);
  return font;
}

/** True when rendering works; otherwise skips the test, or fails it under CI. */
export async function requireRendererOrSkip(t: { skip: (why: string) => void }): Promise<boolean> {
  const found = await textRenderer();
  if (found.skip) t.skip(found.skip);
  return !found.skip;
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

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const TRANSPARENT = { r: 0, g: 0, b: 0, alpha: 0 };

async function layer(line: TextLine, fontfile: string, color: string): Promise<OverlayOptions> {
  const size = line.size ?? 40;
  const markup = `<span foreground="${escape(color)}">${escape(line.text)}</span>`;
  let glyphs = await sharp({ text: { text: markup, fontfile, font: `${FAMILY} ${size}`, dpi: 72, rgba: true } }).png().toBuffer();
  // Turned about the ink's top-left corner, which then lies where the corner of the turned box puts it.
  const rad = ((line.angle ?? 0) * Math.PI) / 180;
  let [left, top] = [line.x, line.y - INK_ABOVE_BASELINE * size];
  if (line.angle) {
    const { width: w, height: h } = await sharp(glyphs).metadata();
    glyphs = await sharp(glyphs).rotate(line.angle, { background: TRANSPARENT }).png().toBuffer();
    const [cx, cy] = [w! / 2, h! / 2];
    const { width: W, height: H } = await sharp(glyphs).metadata();
    // Where the unturned corner (0, 0) goes, in the turned image.
    const [ox, oy] = [W! / 2 - cx * Math.cos(rad) + cy * Math.sin(rad), H! / 2 - cx * Math.sin(rad) - cy * Math.cos(rad)];
    [left, top] = [left - ox, top - oy];
  }
  return { input: glyphs, left: Math.round(left), top: Math.round(top) };
}

/** Renders the lines and returns the encoded file. */
export async function renderText(options: RenderOptions): Promise<Buffer> {
  const found = await textRenderer();
  if (!found.path) throw new Error(`cannot render text: ${found.skip}`);
  const background = options.background ?? 'white';
  const layers = await Promise.all(options.lines.map((line) => layer(line, found.path, options.color ?? 'black')));
  let image = sharp(await sharp({ create: { width: options.width, height: options.height, channels: 3, background } })
    .composite(layers).png().toBuffer());
  if (options.rotate) image = image.rotate(options.rotate, { background });
  const format = options.format ?? 'jpg';
  return (format === 'png' ? image.png() : format === 'webp' ? image.webp({ quality: 92 }) : image.jpeg({ quality: 92 })).toBuffer();
}
