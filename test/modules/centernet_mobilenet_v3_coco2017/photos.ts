import { existsSync, readFileSync } from 'node:fs';

// Real photos from Debian packages (darknet, facedetect): the proof that the detectors find real objects.

export const PHOTOS = {
  dog: { path: '/usr/share/darknet/data/dog.jpg', pkg: 'darknet' },
  horses: { path: '/usr/share/darknet/data/horses.jpg', pkg: 'darknet' },
  person: { path: '/usr/share/darknet/data/person.jpg', pkg: 'darknet' },
  graceHopper: { path: '/usr/share/doc/facedetect/examples/grace_hopper_512x512.jpg', pkg: 'facedetect' },
} as const;

export type PhotoName = keyof typeof PHOTOS;

export const photo = (name: PhotoName): Buffer => readFileSync(PHOTOS[name].path);
export const photoBase64 = (name: PhotoName): string => photo(name).toString('base64');

/** True when the photos exist; otherwise skips loudly, and under CI fails instead. */
export function requirePhotosOrSkip(t: { skip: (why: string) => void }, names: readonly PhotoName[]): boolean {
  const missing = names.filter((n) => !existsSync(PHOTOS[n].path));
  if (missing.length === 0) return true;
  const pkgs = [...new Set(missing.map((n) => PHOTOS[n].pkg))];
  const why = `test photos missing (${missing.map((n) => PHOTOS[n].path).join(', ')}): apt-get install ${pkgs.join(' ')}`;
  if (process.env.CI === 'true') throw new Error(why);
  console.warn(`SKIPPING: ${why}`);
  t.skip(why);
  return false;
}
