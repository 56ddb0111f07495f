/**
 * Correlation ids and the log lines of one document. Every document gets an id; with a logger,
 * each of its lines goes through `logger.child({ correlationId, docId })`: one `info` line at the
 * end (`error` when it failed), `debug` lines per stage, `warn` when an optimisation degraded.
 * Worker threads cannot hold a logger: they return their records in their replies and
 * `records()` writes them here, with the document's id.
 */
import { randomBytes } from 'node:crypto'
import type { ExtractResult } from '../api'
import { messageOf } from '../errors'
import { type LoggerSlot, type LogLevel, levelEnabled } from './logger'

/** A log line a worker thread made, written by the main thread through the document's logger. */
export interface WorkerLogRecord {
  level: LogLevel
  msg: string
  stage: string
  outcome: 'ok' | 'failed' | 'degraded'
  durationMs?: number
  code?: string
  /** `threadId` of the worker thread that made it (never 0, the main thread's). */
  threadId: number
  /** Elements the stage went through. */
  elements?: number
}

const round = (ms: number) => Math.round(ms * 1000) / 1000

function errorFields(error: unknown): Record<string, unknown> {
  const code = (error as { code?: unknown } | null)?.code
  return {
    ...(typeof code === 'string' ? { code } : {}),
    error: messageOf(error),
  }
}

/** The log context of one document, from its start to its result. */
export class DocumentTrace {
  private child: LoggerSlot | undefined

  constructor(
    readonly correlationId: string,
    private readonly docId: string,
    private readonly logger: LoggerSlot | undefined,
    /** Whether debug lines are written (and worker threads asked for their records). */
    readonly debug: boolean,
  ) {}

  /** Attributes of the document's profiler span (made only when a profiler asks). */
  get attributes(): { correlationId: string } {
    return { correlationId: this.correlationId }
  }

  private log(): LoggerSlot {
    this.child ??= (this.logger as LoggerSlot).child({
      correlationId: this.correlationId,
      docId: this.docId,
    })
    return this.child
  }

  /** A stage done: one `debug` line. */
  stage(stage: string, durationMs: number, fields?: Record<string, unknown>): void {
    if (!this.debug) return
    this.log().debug({ stage, durationMs: round(durationMs), outcome: 'ok', ...fields }, stage)
  }

  /** An optimisation that failed (a cache read or write): one `warn` line; the work goes on. */
  degraded(stage: string, error: unknown, fields?: Record<string, unknown>): void {
    if (!this.logger || !levelEnabled(this.logger, 'warn')) return
    this.log().warn(
      { stage, outcome: 'degraded', ...errorFields(error), ...fields },
      `${stage} degraded`,
    )
  }

  /** Writes the records a worker thread returned. */
  records(records: readonly WorkerLogRecord[] | undefined): void {
    if (!records || !this.logger) return
    for (const { level, msg, ...fields } of records) {
      if (level === 'debug' && !this.debug) continue
      const write = this.log()[level]
      if (typeof write === 'function') write.call(this.child, fields, msg)
    }
  }

  /** The document's last line: `info` when it is ok, `error` when it failed. */
  end(result: ExtractResult, durationMs: number): void {
    const { logger } = this
    if (!logger) return
    if (result.ok) {
      if (!levelEnabled(logger, 'info')) return
      const { source, ranIn, elements, extracted, reused } = result.stats
      this.log().info(
        {
          stage: 'extract',
          durationMs: round(durationMs),
          outcome: 'ok',
          source,
          ranIn,
          elements,
          extracted,
          reused,
        },
        'document extracted',
      )
      return
    }
    if (!levelEnabled(logger, 'error')) return
    const { code, message, causeCode } = result.error
    this.log().error(
      {
        stage: 'extract',
        durationMs: round(durationMs),
        outcome: 'failed',
        code,
        ...(causeCode === undefined ? {} : { causeCode }),
        error: message,
      },
      'document failed',
    )
  }
}

// The trace of each document in flight, for the functions below extractDocument (element chunks,
// the worker round trip) that get the document but not the trace. `null`: the same document
// object is in flight twice, so its deeper lines cannot be told apart and are left out.
const traces = new WeakMap<object, { trace: DocumentTrace | null; inFlight: number }>()

/** The trace of a document in flight, when the engine logs. */
export function traceOf(doc: unknown): DocumentTrace | undefined {
  if (typeof doc !== 'object' || doc === null) return undefined
  return traces.get(doc)?.trace ?? undefined
}

/** Correlation ids and traces of one engine. */
export class EngineLogs {
  /** Random per engine, so ids of two engines (or processes) do not collide. */
  private readonly run = randomBytes(4).toString('hex')
  private next = 0

  constructor(readonly logger: LoggerSlot | undefined) {}

  /** A new correlation id: `<8 hex of this engine>.<n>`. */
  correlationId(): string {
    return `${this.run}.${(++this.next).toString(36)}`
  }

  /** Starts a document's trace, with the caller's correlation id (a queue job's) or a new one. */
  begin(doc: unknown, correlationId?: string): DocumentTrace {
    const id = correlationId ?? this.correlationId()
    const { logger } = this
    if (!logger) return new DocumentTrace(id, '', undefined, false)
    const docId = (doc as { id?: unknown } | null)?.id
    const trace = new DocumentTrace(
      id,
      typeof docId === 'string' ? docId : '',
      logger,
      levelEnabled(logger, 'debug'),
    )
    if (typeof doc === 'object' && doc !== null) {
      const entry = traces.get(doc)
      if (entry) {
        entry.trace = null
        entry.inFlight++
      } else traces.set(doc, { trace, inFlight: 1 })
    }
    return trace
  }

  /** Ends a document's trace (its later lines, such as a timed-out chunk's, are left out). */
  done(doc: unknown): void {
    if (!this.logger || typeof doc !== 'object' || doc === null) return
    const entry = traces.get(doc)
    if (entry && --entry.inFlight === 0) traces.delete(doc)
  }
}
