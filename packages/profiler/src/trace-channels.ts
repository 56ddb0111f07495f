import diagnosticsChannel from 'node:diagnostics_channel'
import type { Frame, SpanTracker } from './spans'

/**
 * Turns calls traced on `diagnostics_channel` tracing channels (`tracingChannel(name)
 * .tracePromise / traceSync / traceCallback`, as other mx packages publish them) into stages
 * named after the channel, under whichever span made the call. Spans opened inside the traced
 * function nest under it. Returns the function that stops following.
 */
export function followTracingChannels(names: readonly string[], spans: SpanTracker): () => void {
  const stops = names.map((name) => {
    const channel = diagnosticsChannel.tracingChannel<Frame, object>(name)
    const frames = new WeakMap<object, Frame>()
    const done = (context: object) => {
      const frame = frames.get(context)
      if (!frame) return
      frames.delete(context)
      spans.finish(frame, 'error' in context)
    }
    channel.start.bindStore(spans.storage, (context) => {
      const frame = spans.begin(name)
      frames.set(context, frame)
      return frame
    })
    const handlers = {
      start() {},
      // A sync call has its result (or error) by `end`; an async one settles at `asyncEnd`.
      end(context: object) {
        if ('result' in context || 'error' in context) done(context)
      },
      asyncStart() {},
      asyncEnd(context: object) {
        done(context)
      },
      error() {},
    }
    channel.subscribe(handlers)
    return () => {
      channel.unsubscribe(handlers)
      channel.start.unbindStore(spans.storage)
    }
  })
  return () => {
    for (const stop of stops) stop()
  }
}
