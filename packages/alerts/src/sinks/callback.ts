import type { Notification, Sink } from '../types'

export interface CallbackSinkOptions {
  name?: string
}

/** A sink that hands each notification to `fn`; a rejection counts as a failed delivery. */
export function callbackSink(
  fn: (notification: Notification, signal: AbortSignal) => void | Promise<void>,
  options: CallbackSinkOptions = {},
): Sink {
  return {
    name: options.name ?? 'callback',
    async send(notification, signal) {
      await fn(notification, signal)
    },
  }
}
