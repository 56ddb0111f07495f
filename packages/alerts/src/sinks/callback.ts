import { checkKnownKeys, checkOptionsObject, describeValue, InvalidOptionError } from '../kernel'
import type { Notification, Sink } from '../types'

export interface CallbackSinkOptions {
  name?: string
}

// The keys the options take: `satisfies` makes the compiler keep the list complete.
const CALLBACK_SINK_OPTIONS = Object.keys({ name: true } satisfies Record<
  keyof CallbackSinkOptions,
  true
>)

/** A sink that hands each notification to `fn`; a rejection counts as a failed delivery. */
export function callbackSink(
  fn: (notification: Notification, signal: AbortSignal) => void | Promise<void>,
  options: CallbackSinkOptions = {},
): Sink {
  if (typeof fn !== 'function') {
    throw new InvalidOptionError(
      'fn',
      `callbackSink(): fn must be a function, got ${describeValue(fn)}`,
    )
  }
  checkOptionsObject(options, 'options', 'callbackSink()')
  checkKnownKeys(options, CALLBACK_SINK_OPTIONS, 'callbackSink()')
  return {
    name: options.name ?? 'callback',
    async send(notification, signal) {
      await fn(notification, signal)
    },
  }
}
