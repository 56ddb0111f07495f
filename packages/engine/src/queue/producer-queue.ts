// The producer's queue and the stream of its events: opened with its first job, read from where
// the stream ended before that job existed.
import type { ExtractResult, SourceDocument } from '../index'
import type { checkConnection } from './connection'
import { crashed } from './jobs'

export interface OpenQueue {
  queue: import('bullmq').Queue
  events: import('bullmq').QueueEvents
}

export type Settle = (jobId: string, result: (doc: SourceDocument) => ExtractResult) => void

/**
 * The producer's queue and its event stream, which reads from the stream's last entry as it is
 * now: every job added from here on has its `completed` or `failed` event seen, and settled.
 */
export async function openQueue(
  bullmq: typeof import('bullmq'),
  common: ReturnType<typeof checkConnection>,
  settle: Settle,
): Promise<OpenQueue> {
  const queue = new bullmq.Queue(common.name, common)
  queue.on('error', () => {})
  const events = new bullmq.QueueEvents(common.name, {
    ...common,
    lastEventId: await eventsTail(queue),
  })
  events.on('error', () => {})
  events.on('completed', ({ jobId, returnvalue }) =>
    settle(jobId, () => returnvalue as unknown as ExtractResult),
  )
  events.on('failed', ({ jobId, failedReason }) =>
    settle(jobId, (doc) => crashed(doc, failedReason)),
  )
  try {
    await events.waitUntilReady()
  } catch (error) {
    await Promise.allSettled([events.close(), queue.close()])
    throw error
  }
  return { queue, events }
}

/** Best effort: jobs nobody started are removed (a running job cannot be, and finishes). */
export async function closeQueue({ queue, events }: OpenQueue, pending: string[]): Promise<void> {
  await Promise.all(pending.map((id) => queue.remove(id).catch(() => 0)))
  await events.close()
  await queue.close()
}

/**
 * The id of the last entry of the queue's events stream ('0-0' when it has none), where the
 * producer's `QueueEvents` starts reading. BullMQ's default, `$`, means "what arrives after the
 * first read", and that read comes a round trip after the connection is ready: a job completing
 * in between lost its event and waited for the reconcile (seconds). Unreadable: `$`.
 */
async function eventsTail(queue: import('bullmq').Queue): Promise<string> {
  try {
    // BullMQ 6 keeps the client in its backend, BullMQ 5 on the queue
    const holder = (
      typeof (queue as { getBackend?: unknown }).getBackend === 'function'
        ? (queue as unknown as { getBackend(): unknown }).getBackend()
        : queue
    ) as { client: Promise<{ xrevrange(...args: unknown[]): Promise<Array<[string, unknown]>> }> }
    const client = await holder.client
    const last = await client.xrevrange(queue.keys.events, '+', '-', 'COUNT', 1)
    return last[0]?.[0] ?? '0-0'
  } catch {
    return '$'
  }
}
