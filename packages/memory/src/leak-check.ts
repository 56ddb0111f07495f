import { getHeapStatistics } from 'node:v8'
import { getGc } from './gc'
import { checkKnownKeys } from './kernel'
import type { LeakCheckOptions, LeakCheckResult } from './types'
import { parseSize, requireFunction, requireInteger, requireOptions } from './units'

// The keys the options take: `satisfies` makes the compiler keep the list complete.
const LEAK_CHECK_OPTIONS = Object.keys({
  iterations: true,
  warmup: true,
  threshold: true,
} satisfies Record<keyof LeakCheckOptions, true>)

/** Bytes still reachable: heap in use plus off-heap memory owned by JS objects (Buffers). */
function retainedBytes(): number {
  const heap = getHeapStatistics()
  return heap.used_heap_size + (heap.external_memory ?? 0)
}

function median(values: number[]): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/** Median of the slopes between every pair of samples: one GC hiccup cannot tilt it. */
function theilSen(samples: ArrayLike<number>): number {
  const slopes: number[] = []
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      slopes.push(((samples[j] as number) - (samples[i] as number)) / (j - i))
    }
  }
  return median(slopes)
}

/**
 * Coefficient of determination of the least-squares line through the samples, leaving out
 * outliers (farther from the robust line than 3 scaled median absolute deviations, or 64
 * bytes): a single allocation by someone else between a GC and a sample must not hide a leak.
 */
function rSquared(samples: ArrayLike<number>, slope: number): number {
  const n = samples.length
  const offsets: number[] = []
  for (let i = 0; i < n; i++) offsets.push((samples[i] as number) - slope * i)
  const intercept = median(offsets)
  const residuals = offsets.map((offset) => Math.abs(offset - intercept))
  const tolerance = Math.max(3 * 1.4826 * median(residuals), 64)
  const xs: number[] = []
  const ys: number[] = []
  for (let i = 0; i < n; i++) {
    if ((residuals[i] as number) <= tolerance) {
      xs.push(i)
      ys.push(samples[i] as number)
    }
  }
  const meanX = xs.reduce((a, b) => a + b, 0) / xs.length
  const meanY = ys.reduce((a, b) => a + b, 0) / ys.length
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let k = 0; k < xs.length; k++) {
    const dx = (xs[k] as number) - meanX
    const dy = (ys[k] as number) - meanY
    sxy += dx * dy
    sxx += dx * dx
    syy += dy * dy
  }
  return syy === 0 || sxx === 0 ? 0 : (sxy * sxy) / (sxx * syy)
}

/**
 * Judges a series of retained-byte samples: robust slope per sample, goodness of fit, and
 * whether it is a leak: at least `threshold` per sample, on a line (r² ≥ 0.5 without
 * outliers), and growing in both halves, since a one-off step (a cache warming, a lazy init)
 * shows in one half only.
 */
export function assessGrowth(
  samples: Float64Array | number[],
  threshold: number,
): { slope: number; r2: number; leaking: boolean } {
  const series = samples instanceof Float64Array ? samples : Float64Array.from(samples)
  const slope = theilSen(series)
  const r2 = rSquared(series, slope)
  // At least two samples per half: a one-sample half has no slope, so with 3 iterations (the
  // fewest allowed) no leak could ever be flagged. For 3 samples the halves share the middle one.
  const half = Math.max(2, series.length >> 1)
  const persistent =
    theilSen(series.subarray(0, half)) >= threshold / 2 &&
    theilSen(series.subarray(series.length - half)) >= threshold / 2
  return { slope, r2, leaking: slope >= threshold && r2 >= 0.5 && persistent }
}

/**
 * Runs `fn` repeatedly with a full garbage collection after each run (no `--expose-gc` flag
 * needed) and fits the growth of retained memory. A function whose retained memory grows by
 * more than `threshold` bytes per iteration, steadily and in both halves of the run, leaks.
 * No heap snapshot is taken, so checking costs no extra memory, unlike snapshot-diffing tools.
 */
export async function leakCheck(
  fn: (iteration: number) => unknown,
  options: LeakCheckOptions = {},
): Promise<LeakCheckResult> {
  requireFunction(fn, 'fn')
  requireOptions(options, 'leakCheck()')
  checkKnownKeys(options, LEAK_CHECK_OPTIONS, 'leakCheck()')
  const iterations = requireInteger(options.iterations ?? 50, 'iterations', 3)
  const warmup = requireInteger(options.warmup ?? 10, 'warmup', 0)
  const threshold = parseSize(options.threshold ?? 256, 'threshold')
  const gc = getGc()
  // Preallocated so the harness itself does not grow the heap while measuring.
  const samples = new Float64Array(iterations)

  for (let i = 0; i < warmup; i++) await fn(-1 - i)
  gc()
  gc()
  const baseline = retainedBytes()
  for (let i = 0; i < iterations; i++) {
    await fn(i)
    gc()
    samples[i] = retainedBytes()
  }

  const { slope: bytesPerIteration, r2, leaking } = assessGrowth(samples, threshold)
  return {
    verdict: leaking ? 'leak' : 'clean',
    leaking,
    bytesPerIteration,
    r2,
    growth: (samples[iterations - 1] as number) - baseline,
    iterations,
    samples: Array.from(samples),
  }
}
