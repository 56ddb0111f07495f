// What the queue scenarios read from the hosts' messages: the producer's answers to one batch,
// and the worker hosts' queue log lines (job received, job done), by job id.
import type { SourceDocument } from '@mx/engine'
import type { HostProcess, Message } from './host-process'

export interface Answer {
  id: string
  source: 'cache' | 'queue'
  jobId?: string
  result: unknown
  at: number
}

export interface Batch {
  answers: Answer[]
  /** What the producer's `serve` returned. */
  done: Message
  /** Documents a second, over the whole batch. */
  perSecond: number
}

/** Starts serving `docs` on the producer; resolves when all are answered. */
export async function serveBatch(
  producer: HostProcess,
  docs: readonly SourceDocument[],
  tag: string,
  timeoutMs = 180_000,
): Promise<Batch> {
  const from = producer.messages.length
  const done = await producer.ask({ cmd: 'serve', docs, tag }, timeoutMs)
  const answers = producer.messages
    .slice(from)
    .filter((m) => m.type === 'result' && m.tag === tag) as unknown as Answer[]
  return { answers, done, perSecond: docs.length / (Number(done.ms) / 1000) }
}

/** Queue log lines of a worker host with this message (`job received`, `job done`). */
export function jobLines(worker: HostProcess, msg: string, from = 0): Message[] {
  return worker.messages.slice(from).filter((m) => m.type === 'log' && m.msg === msg)
}

/** How many times each job (its correlation id, the producer's job id) was done across `workers`. */
export function doneCounts(workers: readonly HostProcess[], jobIds: ReadonlySet<string>) {
  const counts = new Map<string, number>()
  for (const worker of workers) {
    for (const line of jobLines(worker, 'job done')) {
      const id = String(line.correlationId)
      if (jobIds.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1)
    }
  }
  return counts
}

/** Job ids of one batch's answers from the queue. */
export const jobIdsOf = (batch: Batch) =>
  new Set(batch.answers.flatMap((a) => (a.jobId === undefined ? [] : [a.jobId])))

/** The longest wait, in ms, between two answers of a batch (or before its first one). */
export function longestGap(batch: Batch): number {
  const times = batch.answers.map((a) => a.at).sort((a, b) => a - b)
  const start = (times.at(-1) ?? 0) - Number(batch.done.ms)
  return Math.max(0, ...times.map((at, i) => at - (i === 0 ? start : (times[i - 1] as number))))
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export const round = (value: number, digits = 1) => {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}
