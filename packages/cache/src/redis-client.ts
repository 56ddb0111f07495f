import { createRequire } from 'node:module'
import type { Redis, RedisOptions } from 'ioredis'
import { MissingPeerError } from './errors'
import type { RedisClient } from './types'

/**
 * Throws `MissingPeerError` (with the install command) now, at construction, when `ioredis` is not
 * installed: found only at the first command, it would be a tier failure the cache counts and
 * survives, and a program without an `'error'` listener would run on with no Redis and no word.
 */
export function requireIoredis(feature: string): void {
  try {
    createRequire(import.meta.url).resolve('ioredis')
  } catch (error) {
    throw new MissingPeerError('ioredis', feature, error)
  }
}

/** A client passed as `RedisClient` is an ioredis `Redis`: the structural type is for users' types only. */
export function asIoredis(client: RedisClient): Redis {
  return client as unknown as Redis
}

/** Connects with ioredis, loaded lazily so installs without Redis never need it. */
export async function connectRedis(
  url: string,
  feature: string,
  options: RedisOptions,
): Promise<Redis> {
  let module: typeof import('ioredis')
  try {
    module = await import('ioredis')
  } catch (error) {
    throw new MissingPeerError('ioredis', feature, error)
  }
  const RedisClass = module.Redis ?? module.default
  return new RedisClass(url, options)
}

/** Options for clients we create: fail fast rather than queue forever when Redis is away. */
export function clientOptions(timeout: number): RedisOptions {
  return {
    maxRetriesPerRequest: 1,
    commandTimeout: timeout,
    connectTimeout: Math.max(timeout, 1000),
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(50 * times, 1000),
  }
}

/** Quits a client we own; disconnects if QUIT does not answer. */
export async function quit(client: Redis): Promise<void> {
  if (client.status === 'end') return
  try {
    await Promise.race([
      client.quit(),
      new Promise((_, reject) => setTimeout(reject, 500).unref?.()),
    ])
  } catch {
    client.disconnect()
  }
}

/** Escapes a literal for a Redis glob (SCAN MATCH): no user text is ever read as a pattern. */
export function escapeRedisGlob(text: string): string {
  return text.replace(/[*?[\]\\^]/g, '\\$&')
}

/** Translates our glob (`*`, `?`, the rest literal) into a Redis glob. */
export function toRedisGlob(glob: string): string {
  let out = ''
  for (const char of glob) out += char === '*' || char === '?' ? char : escapeRedisGlob(char)
  return out
}
