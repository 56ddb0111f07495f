/**
 * Count-min sketch of 4-bit-style saturating counters (capped at 15) with periodic halving, the
 * frequency estimator of TinyLFU: old popularity decays so the filter follows the workload.
 */
export class FrequencySketch {
  private readonly table: Uint8Array
  private readonly mask: number
  private readonly sampleSize: number
  private additions = 0

  constructor(capacity: number) {
    let width = 16
    while (width < capacity * 4) width *= 2
    this.table = new Uint8Array(width * 4)
    this.mask = width - 1
    this.sampleSize = Math.max(10 * capacity, 64)
  }

  /** Estimated access count of `key` (0..15). */
  frequency(key: string): number {
    const hash = hashKey(key)
    let min = 15
    for (let row = 0; row < 4; row++) {
      const count = this.table[this.slot(hash, row)] ?? 0
      if (count < min) min = count
    }
    return min
  }

  /** Records one access of `key`. */
  increment(key: string): void {
    const hash = hashKey(key)
    let added = false
    for (let row = 0; row < 4; row++) {
      const slot = this.slot(hash, row)
      const count = this.table[slot] ?? 0
      if (count < 15) {
        this.table[slot] = count + 1
        added = true
      }
    }
    if (added && ++this.additions >= this.sampleSize) this.age()
  }

  private slot(hash: number, row: number): number {
    const mixed = Math.imul(hash ^ (hash >>> (row * 7 + 3)), 0x9e3779b1 + row * 0x7feb352d)
    return row * (this.mask + 1) + ((mixed ^ (mixed >>> 15)) & this.mask)
  }

  private age(): void {
    for (let i = 0; i < this.table.length; i++) this.table[i] = (this.table[i] ?? 0) >>> 1
    this.additions = Math.floor(this.additions / 2)
  }
}

/** FNV-1a over at most the first and last 64 characters plus the length, so huge keys stay cheap. */
function hashKey(key: string): number {
  let hash = 0x811c9dc5 ^ key.length
  const length = key.length
  if (length <= 128) {
    for (let i = 0; i < length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193)
  } else {
    for (let i = 0; i < 64; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193)
    for (let i = length - 64; i < length; i++)
      hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193)
  }
  return hash >>> 0
}
