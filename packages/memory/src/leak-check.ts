import { getHeapStatistics } from 'node:v8'
import { getGc } from './gc'
import type { LeakCheckOptions, LeakCheckResult } from './types'
import { parseSize, requireFunction, requireInteger } from './units'

/** Bytes still reachable: heap in use plus off-heap memory owned by JS objects (Buffers). */
function retainedBytes(): number {
  const heap = getHeapStatistics()
  return heap.used_heap_size + (heap.external_memory ?? 0)
}

/** Median of the slopes between every pair of samples: one GC hiccup cannot tilt it. */
function theilSen(samples: ArrayLike<number>): number {
  const slopes: number[] = []
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      slopes.push(((samples[j] as number) - (samples[i] as number)) / (j - i))
    }
  }
  if (slopes.length === 0) return 0
  slopes.sort((a, b) => a - b)
  const middle = slopes.length >> 1
  return slopes.length % 2 === 1
    ? (slopes[middle] as number)
    : ((slopes[middle - 1] as number) + (slopes[middle] as number)) / 2
}

/** Coefficient of determination of the least-squares line through the samples. */
function rSquared(samples: ArrayLike<number>): number {
  const n = samples.length
  let sumX = 0
  let sumY = 0
  for (let i = 0; i < n; i++) {
    sumX += i
    sumY += samples[i] as number
  }
  const meanX = sumX / n
  const meanY = sumY / n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const dx = i - meanX
    const dy = (samples[i] as number) - meanY
    sxy += dx * dy
    sxx += dx * dx
    syy += dy * dy
  }
  return syy === 0 || sxx === 0 ? 0 : (sxy * sxy) / (sxx * syy)
}

/**
 * Runs `fn` repeatedly with a full garbage collection after each run (no `--expose-gc` flag
 * needed) and fits the growth of retained memory. A function that keeps a steady slope above
 * `threshold` bytes per iteration is a leak. No heap snapshot is taken, so checking costs no
 * extra memory, unlike snapshot-diffing tools.
 */
export async function leakCheck(
  fn: (iteration: number) => unknown,
  options: LeakCheckOptions = {},
): Promise<LeakCheckResult> {
  requireFunction(fn, 'fn')
  const iterations = requireInteger(options.iterations ?? 50, 'iterations', 3)
  const warmup = requireInteger(options.warmup ?? 5, 'warmup', 0)
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

  const bytesPerIteration = theilSen(samples)
  const r2 = rSquared(samples)
  const leaking = bytesPerIteration >= threshold && r2 >= 0.5
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
