/** Robust summary of a set of per-operation times, in nanoseconds. */
export interface SampleStats {
  /** Samples kept after trimming. */
  n: number
  median: number
  mean: number
  /** Median absolute deviation from the median. */
  mad: number
  /** 95% confidence interval of the median (distribution-free, from order statistics). */
  ciLow: number
  ciHigh: number
  /** Nearest-rank p90 and p99 of the untrimmed samples. */
  p90: number
  p99: number
  min: number
  max: number
  /** Operations per second at the median time. */
  opsPerSec: number
}

export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort()
}

/** Median of an already sorted array. */
export function sortedMedian(sorted: ArrayLike<number>): number {
  const n = sorted.length
  if (n === 0) return 0
  const mid = n >> 1
  return n % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Nearest-rank percentile (`p` in [0, 1]) of an already sorted, non-empty array. */
function nearestRank(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.max(0, Math.ceil(sorted.length * p) - 1)] as number
}

/**
 * Ranks bounding a 95% confidence interval of the median of `n` sorted values: the median
 * lies between them with probability ≥ 95% whatever the distribution (normal approximation
 * of the binomial).
 */
export function medianCiRanks(n: number): [number, number] {
  const half = (1.96 * Math.sqrt(n)) / 2
  const low = Math.max(0, Math.floor(n / 2 - half) - 1)
  const high = Math.min(n - 1, Math.ceil(n / 2 + half))
  return [low, high]
}

/**
 * Summarizes samples: drops the `trim` fraction at each end (outliers from GC or scheduling),
 * then reports median, mean, MAD and the 95% CI of the median.
 */
export function summarize(samples: ArrayLike<number>, trim = 0.05): SampleStats {
  const all = sortedCopy(samples)
  const drop = Math.floor(all.length * trim)
  const kept = all.subarray(drop, all.length - drop)
  const n = kept.length
  if (n === 0) {
    return {
      n: 0,
      median: 0,
      mean: 0,
      mad: 0,
      ciLow: 0,
      ciHigh: 0,
      p90: 0,
      p99: 0,
      min: 0,
      max: 0,
      opsPerSec: 0,
    }
  }
  const median = sortedMedian(kept)
  let sum = 0
  const deviations = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    sum += kept[i] as number
    deviations[i] = Math.abs((kept[i] as number) - median)
  }
  const [low, high] = medianCiRanks(n)
  return {
    n,
    median,
    mean: sum / n,
    mad: sortedMedian(deviations.sort()),
    ciLow: kept[low] as number,
    ciHigh: kept[high] as number,
    p90: nearestRank(all, 0.9),
    p99: nearestRank(all, 0.99),
    min: all[0] as number,
    max: all[all.length - 1] as number,
    opsPerSec: median > 0 ? 1e9 / median : 0,
  }
}

/** A small seeded PRNG (mulberry32) so resampling gives the same answer every run. */
export function seededRandom(seed: number): () => number {
  let state = seed | 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * 95% bootstrap interval of `median(current) / median(baseline)` for two independent sample
 * sets, with a fixed seed so the verdict does not change between runs of the same data.
 */
export function bootstrapRatioCi(
  baseline: ArrayLike<number>,
  current: ArrayLike<number>,
  resamples = 1000,
  seed = 0x5eed,
): { ratio: number; ciLow: number; ciHigh: number } {
  const random = seededRandom(seed)
  const a = Float64Array.from(baseline)
  const b = Float64Array.from(current)
  const bufferA = new Float64Array(a.length)
  const bufferB = new Float64Array(b.length)
  const ratios = new Float64Array(resamples)
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < a.length; i++) bufferA[i] = a[Math.floor(random() * a.length)] as number
    for (let i = 0; i < b.length; i++) bufferB[i] = b[Math.floor(random() * b.length)] as number
    ratios[r] = sortedMedian(bufferB.sort()) / sortedMedian(bufferA.sort())
  }
  ratios.sort()
  return {
    ratio: sortedMedian(sortedCopy(b)) / sortedMedian(sortedCopy(a)),
    ciLow: ratios[Math.floor(resamples * 0.025)] as number,
    ciHigh: ratios[Math.min(resamples - 1, Math.ceil(resamples * 0.975) - 1)] as number,
  }
}
