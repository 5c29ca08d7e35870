import { TINY_CLASSIFIER_GAIN } from '../_vision/tiny-models.js';

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/** The tiny classifier's probabilities for a crop whose channels average to `rgb` (0..255), worked out by hand. */
export function expectedTiny(rgb: [number, number, number], classes = 1000): number[] {
  const logits = new Array<number>(classes).fill(0);
  for (let c = 0; c < 3; c++) logits[c] = TINY_CLASSIFIER_GAIN * ((rgb[c]! / 255 - MEAN[c]!) / STD[c]!);
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}
