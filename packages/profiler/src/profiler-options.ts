import { InvalidOptionError } from './errors'
import { describeValue, positiveInteger } from './kernel'
import type { ProfilerOptions } from './profiler'

/** Throws `InvalidOptionError` naming `name` unless `options` is a plain object. */
export function checkOptionsObject(options: unknown, name: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError(name, `${name} must be an object, got ${describeValue(options)}`)
  }
}

/** `createProfiler`'s options, checked (each bad one throws `InvalidOptionError`) and defaulted. */
export function resolveOptions(options: ProfilerOptions) {
  checkOptionsObject(options, 'options')
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
