import { hubError, type HubError } from '../errors/catalogue.js';

// What image modules answer about bad images. Every message starts with the item, e.g. "images[2]: ...",
// so a client sending many images knows which one to fix.

export function itemLabel(index: number, field = 'images'): string {
  return `${field}[${index}]`;
}

/** The item is not something we can decode: 400. */
export function badImage(index: number, detail: string, field = 'images'): HubError {
  return hubError('INVALID_ARGUMENT', `${itemLabel(index, field)}: ${detail}`);
}

export function notAnImage(index: number, field = 'images'): HubError {
  return badImage(index, 'not an image (unsupported or corrupt data); send JPEG, PNG or WebP', field);
}

/** The image is larger than the limits (checked from its header, before decoding): 413. */
export function imageTooLarge(index: number, detail: string, field = 'images'): HubError {
  return hubError('IMAGE_TOO_LARGE', itemLabel(index, field), detail);
}
