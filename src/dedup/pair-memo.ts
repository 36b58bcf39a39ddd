/** Up to this many numbers, a memo over values 0..side-1 is one dense table (side x side entries). */
const DENSE_NUMBERS = 4_000_000;

/**
 * A memo of numbers per pair of small non-negative integers (x, y), in typed arrays, no object per
 * entry: batch scoring looks up the same pairs of names and areas millions of times, and a Map of Maps
 * costs several times more per lookup. When the values are few (`side`: every x and y is below it, and
 * side x side entries fit DENSE_NUMBERS) the memo is a dense table; otherwise a hash table (open
 * addressing, linear probing) that starts again empty when it holds `limit` entries, so that memory
 * stays bounded whatever the data. Entries are marked present by a number that is not NaN in their
 * first place: never store NaN there.
 */
export class PairMemo {
  private xs: Int32Array;
  private ys: Int32Array;
  private values: Float64Array;
  private mask: number;
  private count = 0;
  /** The side of the dense table, or 0 for a hash table. */
  private readonly side: number;

  /** `width` numbers per entry; at most `limit` entries at a time (hash table). */
  constructor(
    readonly width: number,
    private readonly limit = 4_000_000,
    side?: number,
  ) {
    this.side = side !== undefined && side * side * width <= DENSE_NUMBERS ? Math.max(1, side) : 0;
    const capacity = this.side > 0 ? 0 : 1 << 12;
    this.xs = new Int32Array(capacity).fill(-1);
    this.ys = new Int32Array(capacity);
    this.values = this.side > 0 ? new Float64Array(this.side * this.side * width).fill(Number.NaN) : new Float64Array(capacity * width);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Whether the memo is one dense table. */
  get dense(): boolean {
    return this.side > 0;
  }

  /** Where the entry of (x, y) starts in `data`, or -1 when absent. */
  find(x: number, y: number): number {
    if (this.side > 0) {
      const at = (x * this.side + y) * this.width;
      return Number.isNaN(this.values[at]) ? -1 : at;
    }
    let slot = hashPair(x, y) & this.mask;
    for (;;) {
      const k = this.xs[slot] as number;
      if (k === -1) return -1;
      if (k === x && this.ys[slot] === y) return slot * this.width;
      slot = (slot + 1) & this.mask;
    }
  }

  /** The numbers of every entry, `width` per entry, at the offsets `find` and `add` give. */
  get data(): Float64Array {
    return this.values;
  }

  /** Adds (x, y) (not present) and returns where its `width` numbers go in `data`. */
  add(x: number, y: number): number {
    if (this.side > 0) {
      this.count += 1;
      return (x * this.side + y) * this.width;
    }
    if (this.count >= this.limit) this.reset(this.xs.length);
    else if ((this.count + 1) * 2 > this.xs.length) this.grow();
    let slot = hashPair(x, y) & this.mask;
    while (this.xs[slot] !== -1) slot = (slot + 1) & this.mask;
    this.xs[slot] = x;
    this.ys[slot] = y;
    this.count += 1;
    return slot * this.width;
  }

  private reset(capacity: number): void {
    this.xs = new Int32Array(capacity).fill(-1);
    this.ys = new Int32Array(capacity);
    this.values = new Float64Array(capacity * this.width);
    this.mask = capacity - 1;
    this.count = 0;
  }

  private grow(): void {
    const { xs, ys, values, width } = this;
    this.reset(xs.length * 2);
    for (let old = 0; old < xs.length; old++) {
      const x = xs[old] as number;
      if (x === -1) continue;
      const y = ys[old] as number;
      let slot = hashPair(x, y) & this.mask;
      while (this.xs[slot] !== -1) slot = (slot + 1) & this.mask;
      this.xs[slot] = x;
      this.ys[slot] = y;
      for (let k = 0; k < width; k++) this.values[slot * width + k] = values[old * width + k] as number;
      this.count += 1;
    }
  }
}

function hashPair(x: number, y: number): number {
  let h = Math.imul(x, 0x9e3779b1) ^ y;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return h ^ (h >>> 13);
}
