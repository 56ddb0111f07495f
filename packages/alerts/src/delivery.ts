import { SinkFailedError } from './errors'
import type { Notification, Sink } from './types'

/** Reports the outcome of each delivery. */
export interface DeliveryHooks {
  delivered(notification: Notification, sink: string): void
  failed(error: unknown, notification: Notification, sink: string): void
}

interface Lane {
  sink: Sink
  queue: Notification[]
  running: Promise<void> | undefined
}

/**
 * One queue per sink, drained in order by its own async loop: a slow or failing sink only
 * delays itself, never evaluation or the other sinks. A full queue drops its oldest entry.
 */
export class Delivery {
  private readonly lanes: Lane[]
  private readonly controller = new AbortController()
  dropped = 0

  constructor(
    sinks: Sink[],
    private readonly hooks: DeliveryHooks,
    private readonly maxQueue: number,
  ) {
    this.lanes = sinks.map((sink) => ({ sink, queue: [], running: undefined }))
  }

  enqueue(notification: Notification): void {
    for (const lane of this.lanes) {
      if (lane.queue.length >= this.maxQueue) {
        const lost = lane.queue.shift() as Notification
        this.dropped++
        this.hooks.failed(
          new SinkFailedError(
            lane.sink.name,
            0,
            `sink ${lane.sink.name}: queue full, dropped the oldest notification`,
          ),
          lost,
          lane.sink.name,
        )
      }
      lane.queue.push(notification)
      lane.running ??= this.drain(lane)
    }
  }

  private async drain(lane: Lane): Promise<void> {
    // Yield first so enqueue() returns before any sink code runs.
    await Promise.resolve()
    for (let next = lane.queue.shift(); next; next = lane.queue.shift()) {
      try {
        await lane.sink.send(next, this.controller.signal)
        this.hooks.delivered(next, lane.sink.name)
      } catch (error) {
        this.hooks.failed(error, next, lane.sink.name)
      }
    }
    lane.running = undefined
  }

  /** Resolves when every queue is empty; `abort` first cancels in-flight sends. */
  async drainAll(abort: boolean): Promise<void> {
    if (abort) {
      this.controller.abort(new Error('alert manager stopped'))
      for (const lane of this.lanes) lane.queue.length = 0
    }
    while (this.lanes.some((lane) => lane.running)) {
      await Promise.all(this.lanes.map((lane) => lane.running))
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.sink.close?.()))
  }
}
