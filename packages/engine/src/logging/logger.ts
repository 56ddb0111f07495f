/**
 * The logger slot: any pino-compatible logger. The engine-built one is pino writing JSON lines to
 * stderr, loaded only when it is built (levels without logs never load pino).
 */
import { createRequire } from 'node:module'
import { InvalidOptionError } from '../errors'
import { describeValue } from '../kernel'

/** A log method: pino's `(fields, message)` form. */
export type LogFn = (fields: Record<string, unknown>, message?: string) => void

/**
 * The logger slot: pino's shape, which pino itself, its children and most structured loggers
 * satisfy. `isLevelEnabled` (when present) spares the engine building lines nobody writes;
 * `flush` (when present) is called when the engine closes.
 */
export interface LoggerSlot {
  debug: LogFn
  info: LogFn
  warn: LogFn
  error: LogFn
  child(bindings: Record<string, unknown>): LoggerSlot
  isLevelEnabled?(level: string): boolean
  flush?(callback?: (error?: Error) => void): void
}

/** The log levels the engine writes at. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

const METHODS = ['info', 'warn', 'error', 'debug', 'child'] as const

/** Checks a `logger` option (of `createEngine`, `extractViaQueue` or `serveQueue`). */
export function checkLogger(value: unknown, allowTrue = true): void {
  if (value === undefined || value === false || (allowTrue && value === true)) return
  const shape = `logger must be ${allowTrue ? 'true, false' : 'false'} or an object with info, warn, error, debug and child methods`
  if (typeof value !== 'object' || value === null) {
    throw new InvalidOptionError('logger', `${shape}, got ${describeValue(value)}`)
  }
  const missing = METHODS.filter((m) => typeof (value as Record<string, unknown>)[m] !== 'function')
  if (missing.length > 0) {
    const names =
      missing.length === 1
        ? missing[0]
        : `${missing.slice(0, -1).join(', ')} and ${missing.at(-1) as string}`
    throw new InvalidOptionError('logger', `${shape}; missing ${names}`)
  }
}

/** Whether `logger` writes lines of `level` (true when it cannot say). */
export function levelEnabled(logger: LoggerSlot, level: LogLevel): boolean {
  if (typeof logger.isLevelEnabled !== 'function') return true
  try {
    return logger.isLevelEnabled(level)
  } catch {
    return true
  }
}

/**
 * The engine-built logger: pino at level `info`, JSON lines to stderr through pino's
 * asynchronous destination (flushed when the engine closes and when the process exits).
 * pino is required here, on first use, so an engine without logs never loads it.
 */
export function enginePino(): LoggerSlot {
  const pino = createRequire(import.meta.url)('pino') as typeof import('pino')
  return pino({ level: 'info' }, pino.destination({ dest: 2, sync: false })) as LoggerSlot
}

/** Flushes a logger that can be flushed; never throws, never waits more than `ms`. */
export function flushLogger(logger: LoggerSlot | undefined, ms = 1000): Promise<void> {
  const flush = logger?.flush
  if (typeof flush !== 'function') return Promise.resolve()
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    timer.unref?.()
    const done = () => {
      clearTimeout(timer)
      resolve()
    }
    try {
      flush.call(logger, done)
    } catch {
      done()
    }
  })
}
