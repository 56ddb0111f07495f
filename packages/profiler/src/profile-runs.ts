import { InvalidOptionError } from './errors'
import { checkKnownKeys, checkOptionsObject, describeValue, positiveInteger } from './kernel'
import {
  cpuHotspots,
  heapTopAllocations,
  runCpuProfile,
  runHeapProfile,
  writeProfile,
} from './profiles'
import type { SpanTracker } from './spans'
import type {
  CpuProfileOptions,
  CpuProfileResult,
  HeapProfileOptions,
  HeapProfileResult,
} from './types'

// The keys each call takes: `satisfies` makes the compiler keep both lists complete.
const CPU_PROFILE_OPTIONS = Object.keys({
  out: true,
  samplingIntervalUs: true,
  top: true,
} satisfies Record<keyof CpuProfileOptions, true>)
const HEAP_PROFILE_OPTIONS = Object.keys({
  out: true,
  samplingIntervalBytes: true,
  top: true,
} satisfies Record<keyof HeapProfileOptions, true>)

function checkFn(fn: unknown): void {
  if (typeof fn !== 'function') {
    throw new InvalidOptionError('fn', `fn must be a function, got ${describeValue(fn)}`)
  }
}

/**
 * `profiler.cpuProfile(fn)`: a V8 CPU profile of `fn`, its hotspots, and the span whose self
 * time grew most while it ran (`dominantSpan`).
 */
export async function profileCpu<T>(
  spans: SpanTracker,
  fn: () => Promise<T> | T,
  profileOptions: CpuProfileOptions = {},
): Promise<CpuProfileResult<T>> {
  checkOptionsObject(profileOptions, 'options')
  checkKnownKeys(profileOptions, CPU_PROFILE_OPTIONS, 'cpuProfile()')
  checkFn(fn)
  const interval = positiveInteger('samplingIntervalUs', profileOptions.samplingIntervalUs, 100)
  const top = positiveInteger('top', profileOptions.top, 10)
  const before = spans.selfTimes()
  const { result, profile, durationMs } = await runCpuProfile(fn, interval)
  let dominantSpan: CpuProfileResult<unknown>['dominantSpan']
  for (const [path, selfMs] of spans.selfTimes()) {
    const delta = selfMs - (before.get(path) ?? 0)
    if (delta > 0 && (!dominantSpan || delta > dominantSpan.selfMs)) {
      dominantSpan = {
        path,
        selfMs: delta,
        share: durationMs > 0 ? Math.min(1, delta / durationMs) : 0,
      }
    }
  }
  const file = profileOptions.out ? await writeProfile(profileOptions.out, profile) : undefined
  return {
    result,
    ...(file ? { file } : {}),
    profile,
    hotspots: cpuHotspots(profile, top),
    durationMs,
    ...(dominantSpan ? { dominantSpan } : {}),
  }
}

/** `profiler.heapProfile(fn)`: a V8 sampling heap profile of `fn` and its top allocations. */
export async function profileHeap<T>(
  fn: () => Promise<T> | T,
  profileOptions: HeapProfileOptions = {},
): Promise<HeapProfileResult<T>> {
  checkOptionsObject(profileOptions, 'options')
  checkKnownKeys(profileOptions, HEAP_PROFILE_OPTIONS, 'heapProfile()')
  checkFn(fn)
  const interval = positiveInteger(
    'samplingIntervalBytes',
    profileOptions.samplingIntervalBytes,
    32768,
  )
  const top = positiveInteger('top', profileOptions.top, 10)
  const { result, profile } = await runHeapProfile(fn, interval)
  const file = profileOptions.out ? await writeProfile(profileOptions.out, profile) : undefined
  return {
    result,
    ...(file ? { file } : {}),
    profile,
    ...heapTopAllocations(profile, top),
  }
}
