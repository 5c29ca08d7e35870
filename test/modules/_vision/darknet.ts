import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Debian's darknet package: real photos for the tests and the ImageNet class names the classifier reports.

export const DARKNET_DATA = '/usr/share/darknet/data';

export const darknetPhoto = (name: string): Buffer => readFileSync(join(DARKNET_DATA, name));

export function darknetPresent(): boolean {
  return ['dog.jpg', 'person.jpg', 'scream.jpg', 'imagenet.labels.list', 'imagenet.shortnames.list'].every((f) => existsSync(join(DARKNET_DATA, f)));
}

/**
 * For `describe(..., { skip: skipWithoutDarknet() }, ...)`: the reason to skip, said out loud, when the package
 * is missing; false when it is there. Under CI its absence is a failure, not a skip.
 */
export function skipWithoutDarknet(): string | false {
  if (darknetPresent()) return false;
  const why = `Debian's darknet package is not installed (${DARKNET_DATA} lacks its photos and ImageNet lists): apt-get install darknet`;
  if (process.env.CI === 'true') throw new Error(why);
  console.warn(`SKIPPING: ${why}`);
  return why;
}
