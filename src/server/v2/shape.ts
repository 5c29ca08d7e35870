// Shapes: element counts, and whether a request's concrete shape fits a model's declared one (-1 for a
// dimension the model leaves open).

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** A request shape: non-negative integers, at most 8 dimensions, a bounded element count. */
export function shapeProblem(shape: unknown, maxElements: number): string | undefined {
  if (!Array.isArray(shape)) return 'expected "shape" to be a list of dimensions';
  if (shape.length > 8) return `expected at most 8 dimensions, got ${shape.length}`;
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) return 'expected every dimension to be an integer >= 0';
  if (elementCount(shape as number[]) > maxElements) return `the shape holds ${elementCount(shape as number[])} elements, more than ${maxElements}`;
  return undefined;
}

/** Why a concrete shape does not fit a declared one (-1 or a named dimension matches any size). */
export function shapeMismatch(given: readonly number[], declared: readonly (number | string)[]): string | undefined {
  if (declared.length === 0) return undefined; // the model declares no shape
  if (given.length !== declared.length) return `expected ${declared.length} dimensions [${declared.join(', ')}], got ${given.length} [${given.join(', ')}]`;
  for (let i = 0; i < given.length; i++) {
    const want = declared[i]!;
    if (typeof want === 'number' && want >= 0 && want !== given[i]) return `dimension ${i} must be ${want}, got ${given[i]}`;
  }
  return undefined;
}

/** A declared shape as the protocol's metadata has it: named or unknown dimensions are -1. */
export function metadataShape(declared: readonly (number | string)[]): number[] {
  return declared.map((d) => (typeof d === 'number' && d >= 0 ? d : -1));
}
