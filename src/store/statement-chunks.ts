/**
 * Splits `items` into slices for multi-row statements whose sizes repeat: full slices of `max`, then
 * the rest in powers of two (64, 32, ..., 1). A statement's SQL text depends on its number of rows;
 * with sizes that repeat, prepared statements are reused from the cache instead of being compiled
 * for every batch (compiling a statement of thousands of parameters costs more than running it, and
 * each distinct one is kept in memory).
 */
export function statementChunks<T>(items: readonly T[], max: number): T[][] {
  const chunks: T[][] = [];
  let at = 0;
  while (items.length - at >= max) {
    chunks.push(items.slice(at, at + max));
    at += max;
  }
  for (let size = highestPowerOfTwo(max); size >= 1; size = size >> 1) {
    if (items.length - at >= size) {
      chunks.push(items.slice(at, at + size));
      at += size;
    }
  }
  return chunks;
}

function highestPowerOfTwo(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}
