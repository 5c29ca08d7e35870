import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianAssetOrSkip, debianAssetPath, type DebianAsset } from '../../helpers/debian-assets.js';

// Debian's darknet package: real photos for the tests and the ImageNet class names the classifier reports;
// installed, or fetched by the tests (helpers/debian-assets.ts).

const DATA = 'usr/share/darknet/data';

/** darknet's data folder, fetched if need be, or why there is none (said out loud; under CI a failure). */
export const darknetData = (): Promise<DebianAsset> => debianAssetOrSkip('darknet', DATA);

/** A file of darknet's data folder, once darknetData or skipWithoutDarknet has found it. */
export const darknetPhoto = (name: string): Buffer => readFileSync(join(debianAssetPath('darknet', DATA), name));

/** For `describe(..., { skip: await skipWithoutDarknet() }, ...)`: the reason to skip, or false. */
export async function skipWithoutDarknet(): Promise<string | false> {
  return (await darknetData()).skip;
}
