import { loadBullMQ as loadWorkersBullMQ } from '@mx/workers/bullmq'
import { InvalidOptionError } from '../errors'
import { checkKnownKeys, describeValue } from '../kernel'

/** Where the queue lives: shared by `serveQueue` (consumers) and `extractViaQueue` (producers). */
export interface QueueConnectionOptions {
  /** Redis URL (`redis://` or `rediss://`). Give this or `connection`. */
  redis?: string
  /** ioredis options or an ioredis instance you already have (BullMQ's `connection`). */
  connection?: object
  /** BullMQ queue name (no `:`). Default `mx-documents`. */
  name?: string
  /** BullMQ key prefix. Default BullMQ's (`bull`). */
  prefix?: string
}

const DEFAULT_NAME = 'mx-documents'

/** Loads the optional `bullmq` peer; a missing one names the engine's queue functions. */
export function loadBullMQ(importer?: () => Promise<unknown>) {
  return loadWorkersBullMQ({
    neededBy: '@mx/engine serveQueue and extractViaQueue',
    ...(importer ? { importer } : {}),
  })
}

export { positiveInteger } from '../checks'

/** The keys of the connection options, which `serveQueue` and `extractViaQueue` options extend. */
export const CONNECTION_OPTIONS = {
  redis: true,
  connection: true,
  name: true,
  prefix: true,
} satisfies Record<keyof QueueConnectionOptions, true>

/**
 * Checks the connection options and returns BullMQ's `connection`, `name` and `prefix`; `known`
 * lists every key `fn` takes (`connection` is BullMQ's: its own keys go unchecked).
 */
export function checkConnection(
  fn: string,
  options: QueueConnectionOptions,
  known: readonly string[],
) {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(
      'options',
      `${fn} expects an options object, got ${describeValue(options)}`,
    )
  }
  checkKnownKeys(options, known, `${fn}()`)
  const { redis, connection, name = DEFAULT_NAME, prefix } = options
  if (redis !== undefined && connection !== undefined) {
    throw new InvalidOptionError('redis', 'give redis or connection, not both')
  }
  if (redis === undefined && connection === undefined) {
    throw new InvalidOptionError('redis', `${fn} needs redis (a redis:// URL) or connection`)
  }
  if (connection !== undefined && (typeof connection !== 'object' || connection === null)) {
    throw new InvalidOptionError(
      'connection',
      `connection must be ioredis options or an ioredis instance, got ${describeValue(connection)}`,
    )
  }
  if (typeof name !== 'string' || name === '' || name.includes(':')) {
    throw new InvalidOptionError(
      'name',
      `name must be a non-empty string without ":", got ${describeValue(name)}`,
    )
  }
  if (prefix !== undefined && (typeof prefix !== 'string' || prefix === '')) {
    throw new InvalidOptionError(
      'prefix',
      `prefix must be a non-empty string, got ${describeValue(prefix)}`,
    )
  }
  return {
    connection: (connection ?? connectionFromUrl(redis)) as import('bullmq').ConnectionOptions,
    name,
    ...(prefix === undefined ? {} : { prefix }),
  }
}

/** ioredis options from a Redis URL (BullMQ 5 has no `url` option). */
function connectionFromUrl(value: unknown): Record<string, unknown> {
  let url: URL | undefined
  try {
    url = typeof value === 'string' ? new URL(value) : undefined
  } catch {}
  if (!url || !['redis:', 'rediss:'].includes(url.protocol)) {
    throw new InvalidOptionError(
      'redis',
      `redis must be a redis:// or rediss:// URL, got ${describeValue(value)}`,
    )
  }
  const db = Number(url.pathname.slice(1) || 0)
  return {
    host: url.hostname || '127.0.0.1',
    port: Number(url.port || 6379),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  }
}
