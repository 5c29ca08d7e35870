import { readFileSync } from 'node:fs';
import { debianAssetOrSkip, debianAssetPath } from '../../helpers/debian-assets.js';

// Real photos from Debian packages (darknet, facedetect): the proof that the detectors find real objects.
// Installed, or fetched by the tests (helpers/debian-assets.ts) in photosSkipReason or requirePhotosOrSkip.

export const PHOTOS = {
  dog: { pkg: 'darknet', path: 'usr/share/darknet/data/dog.jpg' },
  horses: { pkg: 'darknet', path: 'usr/share/darknet/data/horses.jpg' },
  person: { pkg: 'darknet', path: 'usr/share/darknet/data/person.jpg' },
  graceHopper: { pkg: 'facedetect', path: 'usr/share/doc/facedetect/examples/grace_hopper_512x512.jpg' },
} as const;

export type PhotoName = keyof typeof PHOTOS;

/** Where the photo is on this machine, once photosSkipReason or requirePhotosOrSkip has found it. */
export const photoPath = (name: PhotoName): string => debianAssetPath(PHOTOS[name].pkg, PHOTOS[name].path);
export const photo = (name: PhotoName): Buffer => readFileSync(photoPath(name));
export const photoBase64 = (name: PhotoName): string => photo(name).toString('base64');

/** Fetches the photos' packages if need be; why they cannot be had (said out loud; under CI a failure), or undefined. */
export async function photosSkipReason(names: readonly PhotoName[]): Promise<string | undefined> {
  const found = await Promise.all(names.map((n) => debianAssetOrSkip(PHOTOS[n].pkg, PHOTOS[n].path)));
  return found.map((f) => f.skip).filter(Boolean).join('; ') || undefined;
}

/** True when the photos are here; otherwise skips the test loudly, and under CI fails instead. */
export async function requirePhotosOrSkip(t: { skip: (why: string) => void }, names: readonly PhotoName[]): Promise<boolean> {
  const why = await photosSkipReason(names);
  if (why) t.skip(why);
  return !why;
}
