/**
 * The worker-thread side of the logs: a thread holds no logger, so it returns its stages as
 * records in its reply and the main thread writes them with the document's correlation id.
 */
import { threadId } from 'node:worker_threads'
import type { WorkerLogRecord } from './trace'

const round = (ms: number) => Math.round(ms * 1000) / 1000

/** Records of one task; `undefined` when the task did not ask for them (no cost then). */
export type WorkerRecords = WorkerLogRecord[] | undefined

/** Adds a stage's `debug` record, `ok`, or `failed` with the engine's code. */
export function record(
  records: WorkerRecords,
  stage: string,
  durationMs: number,
  fields: { code?: string; elements?: number } = {},
): void {
  if (!records) return
  const failed = fields.code !== undefined
  records.push({
    level: 'debug',
    msg: `${stage} in worker`,
    stage,
    outcome: failed ? 'failed' : 'ok',
    durationMs: round(durationMs),
    threadId,
    ...fields,
  })
}
