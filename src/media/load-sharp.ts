import type Sharp from 'sharp';

// sharp brings libvips, a few hundred milliseconds of CPU to load; a server of text modules never touches an
// image, so it is loaded with the first one instead of at start.

let loading: Promise<typeof Sharp> | undefined;

export function loadSharp(): Promise<typeof Sharp> {
  loading ??= import('sharp').then((m) => m.default);
  return loading;
}
