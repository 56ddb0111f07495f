import { InvalidOptionError } from './errors'
import { checkKnownKeys, checkOptionsObject, describeValue, positiveInteger } from './kernel'
import type { ProfilerOptions } from './profiler'

// The keys `createProfiler` takes: `satisfies` makes the compiler keep the list complete.
const PROFILER_OPTIONS = Object.keys({
  collectRuntime: true,
  spans: true,
  intervalMs: true,
  timelineSize: true,
  prefix: true,
  now: true,
  traceChannels: true,
} satisfies Record<keyof ProfilerOptions, true>)

/** `createProfiler`'s options, checked (each bad one throws `InvalidOptionError`) and defaulted. */
export function resolveOptions(options: ProfilerOptions) {
  checkOptionsObject(options, 'options')
  checkKnownKeys(options, PROFILER_OPTIONS, 'createProfiler()')
  const intervalMs = positiveInteger('intervalMs', options.intervalMs, 1000)
  const timelineSize = positiveInteger('timelineSize', options.timelineSize, 300)
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new InvalidOptionError('now', 'now must be a function returning milliseconds')
  }
  const prefix: unknown = options.prefix ?? ''
  if (typeof prefix !== 'string' || (prefix && !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix))) {
    throw new InvalidOptionError(
      'prefix',
      `prefix must match [a-zA-Z_:][a-zA-Z0-9_:]*, got ${describeValue(prefix)}`,
    )
  }
  const traceChannels = options.traceChannels ?? []
  if (
    !Array.isArray(traceChannels) ||
    traceChannels.some((name) => typeof name !== 'string' || !name)
  ) {
    throw new InvalidOptionError('traceChannels', 'traceChannels must be an array of channel names')
  }
  return { intervalMs, timelineSize, prefix, traceChannels: traceChannels as string[] }
}
