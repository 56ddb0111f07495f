import { randomUUID } from 'node:crypto'
import type { Redis, RedisOptions } from 'ioredis'
import { InvalidOptionError, TierTimeoutError } from './errors'
import { checkKeys } from './option-keys'
import { asIoredis, clientOptions, connectRedis, quit, requireIoredis } from './redis-client'
import type { Bus, BusMessage, RedisClient } from './types'
import { checkNumber, withTimeout } from './util'

const NO_AUTO_RESUBSCRIBE: RedisOptions = { autoResubscribe: false }

export interface RedisBusOptions {
  /** Connection URL (ioredis is loaded lazily); or pass `client`. */
  url?: string
  /** An ioredis client you own: used to publish, and `duplicate()`d to subscribe. */
  client?: RedisClient
  /** Pub/sub channel. Default `mx:cache:bus`. */
  channel?: string
  /** Time limit of a publish in ms. Default 500. */
  timeout?: number
  /**
   * Ms between PINGs on the subscriber connection; one unanswered within `timeout` drops that
   * connection, which reconnects and resyncs. Default 5000; 0 turns it off. Why: a connection
   * cut off silently (a partition, a dead NAT entry) never errors on a side that only listens,
   * and without it an instance could miss every message from then on.
   */
  heartbeat?: number
}

const ops = new Set(['keys', 'tags', 'pattern', 'clear'])

/**
 * Redis pub/sub bus: every invalidation (and every `set`, which drops the key elsewhere) is
 * published, and every other instance applies it to its memory tiers. Use one bus per cache.
 * Messages sent while an instance is disconnected are not replayed (pub/sub is fire-and-forget):
 * once its subscriber connection is back and subscribed again, the bus hands the cache a local
 * `{ op: 'clear', prefix: '' }` marked `resync`, so it drops whatever its memory tiers may hold stale.
 */
export function redisBus(options: RedisBusOptions): Bus {
  checkKeys('redisBus', options)
  if (options?.url === undefined && options?.client === undefined) {
    throw new InvalidOptionError('url', 'redisBus needs a url or a client')
  }
  checkNumber('timeout', options.timeout, { exclusiveMin: true })
  checkNumber('heartbeat', options.heartbeat)
  if (options.client === undefined) requireIoredis('redisBus()')
  const given = options.client === undefined ? undefined : asIoredis(options.client)
  const channel = options.channel ?? 'mx:cache:bus'
  if (typeof channel !== 'string' || channel.length === 0) {
    throw new InvalidOptionError('channel', 'channel must be a non-empty string')
  }
  const timeout = options.timeout ?? 500
  const heartbeat = options.heartbeat ?? 5000
  const origin = randomUUID()
  const owned: Redis[] = []
  let publisher: Promise<Redis> | undefined
  let subscriber: Redis | undefined

  const connect = async (extra: RedisOptions = {}): Promise<Redis> => {
    const redis = await connectRedis(options.url as string, 'redisBus', {
      ...clientOptions(timeout),
      ...extra,
    })
    redis.on('error', () => {})
    owned.push(redis)
    return redis
  }
  const getPublisher = () => {
    publisher ??= given ? Promise.resolve(given) : connect()
    return publisher
  }

  return {
    async publish(message) {
      const redis = await getPublisher()
      await withTimeout(
        redis.publish(channel, JSON.stringify({ origin, message })),
        timeout,
        () => new TierTimeoutError('bus', 'publish', timeout),
      )
    },
    async subscribe(handler) {
      // We subscribe again ourselves on every reconnection (`resubscribe` below): ioredis's own
      // resubscription leaves its SUBSCRIBE's promise unhandled, an unhandled rejection when the
      // connection closes right after it reconnects.
      if (given) {
        subscriber = given.duplicate(NO_AUTO_RESUBSCRIBE)
        subscriber.on('error', () => {})
        owned.push(subscriber)
      } else {
        subscriber = await connect(NO_AUTO_RESUBSCRIBE)
      }
      const listener = (from: string, raw: string) => {
        if (from !== channel) return
        let parsed: { origin?: unknown; message?: BusMessage }
        try {
          parsed = JSON.parse(raw) as typeof parsed
        } catch {
          return
        }
        if (parsed.origin === origin || !parsed.message || !ops.has(parsed.message.op)) return
        handler(parsed.message)
      }
      const current = subscriber
      current.on('message', listener)
      // Whether the connection was lost since the last successful SUBSCRIBE: messages published
      // meanwhile never reach this instance.
      let missed = false
      let active = true
      const lost = () => {
        missed = true
      }
      // Subscribe again on every (re)connection: a SUBSCRIBE that failed while Redis was down
      // would otherwise never be retried. Once it holds, and only then (a message published
      // before it would be missed again), the memory tiers drop what they may hold stale.
      const resubscribe = () => {
        current.subscribe(channel).then(
          () => {
            if (!missed || !active) return
            missed = false
            handler({ op: 'clear', prefix: '' }, { resync: true })
          },
          () => {},
        )
      }
      current.on('close', lost)
      current.on('ready', resubscribe)
      const beat = heartbeat > 0 ? keepAlive(current, heartbeat, timeout) : undefined
      const unsubscribe = () => {
        active = false
        clearInterval(beat)
        current.off('message', listener)
        current.off('close', lost)
        current.off('ready', resubscribe)
      }
      // If this first SUBSCRIBE fails the cache counts the error; `resubscribe` still runs on
      // reconnection, and `close()` releases the connection.
      await withTimeout(
        current.subscribe(channel),
        timeout,
        () => new TierTimeoutError('bus', 'subscribe', timeout),
      )
      return unsubscribe
    },
    async close() {
      await Promise.all(owned.splice(0).map((redis) => quit(redis)))
    },
  }
}

/**
 * PINGs a subscriber connection every `every` ms; one that gets no answer within `timeout` is
 * dropped and reconnects (ioredis), so `close` then `ready` run as after any disconnection: the
 * bus subscribes again and resyncs. Returns the (unref'd) interval.
 */
function keepAlive(subscriber: Redis, every: number, timeout: number) {
  let pending = false
  const beat = setInterval(() => {
    if (pending || subscriber.status !== 'ready') return
    pending = true
    withTimeout(subscriber.ping(), timeout, () => new TierTimeoutError('bus', 'ping', timeout))
      .catch(() => {
        if (subscriber.status === 'ready') subscriber.disconnect(true)
      })
      .finally(() => {
        pending = false
      })
  }, every)
  beat.unref?.()
  return beat
}
