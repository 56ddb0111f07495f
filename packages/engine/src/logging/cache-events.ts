import type { CacheSlot } from '../types'
import { type LoggerSlot, levelEnabled } from './logger'

type Listen = (event: string, listener: (payload: never) => void) => (() => void) | unknown

/**
 * `warn` lines for a cache that emits `error` and `circuit` events (a `@mx/cache` cache does):
 * a tier that fails is degraded, not fatal, and the engine goes on without it. Errors of one
 * tier and operation are written at their 1st, 10th, 100th, ... occurrence, with the count, so
 * a tier that is down does not write a line per lookup. Returns the unsubscribe.
 */
export function watchCache(cache: CacheSlot | undefined, logger: LoggerSlot): () => void {
  const on = (cache as { on?: Listen } | undefined)?.on
  if (typeof on !== 'function' || !levelEnabled(logger, 'warn')) return () => {}
  const counts = new Map<string, number>()
  const offs = [
    on.call(cache, 'error', ((event: { error: unknown; tier?: string; operation: string }) => {
      const key = `${event.tier ?? ''}\u0000${event.operation}`
      const count = (counts.get(key) ?? 0) + 1
      counts.set(key, count)
      if (10 ** Math.floor(Math.log10(count)) !== count) return
      const code = (event.error as { code?: unknown } | null)?.code
      logger.warn(
        {
          stage: 'cache',
          outcome: 'degraded',
          ...(event.tier === undefined ? {} : { tier: event.tier }),
          operation: event.operation,
          count,
          ...(typeof code === 'string' ? { code } : {}),
          error: event.error instanceof Error ? event.error.message : String(event.error),
        },
        'cache degraded',
      )
    }) as (payload: never) => void),
    on.call(cache, 'circuit', ((event: { tier: string; state: string }) => {
      const fields = { stage: 'cache', tier: event.tier, circuit: event.state }
      if (event.state === 'closed') logger.info({ ...fields, outcome: 'ok' }, 'cache tier back')
      else logger.warn({ ...fields, outcome: 'degraded' }, `cache tier circuit ${event.state}`)
    }) as (payload: never) => void),
  ]
  return () => {
    for (const off of offs) if (typeof off === 'function') off()
  }
}
