// The PostgreSQL connection pool (pg.Pool), measured: query latency, queries run, and the pool's
// total, idle and waiting counts go to the profiler. A connection that breaks while idle is
// dropped by the pool (its `error` event is handled), so an outage never crashes the process and
// the pool reconnects on its own once the server is back.
import pg from 'pg'

/** A database failure the API reports as 503: the server is down, refusing, or timed out. */
export class DatabaseUnavailableError extends Error {
  code = 'MX_SERVICE_DB_UNAVAILABLE'
  constructor(cause) {
    super(
      `the database is unavailable (${cause?.code ?? cause?.message ?? 'no answer'}); retry shortly`,
      { cause },
    )
  }
}

// Connection-level failures, not SQL errors: ECONNREFUSED and friends, PostgreSQL's class 08
// (connection exception) and 57P0x (shutdown), and pg's own timeouts.
const unavailable =
  /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|08\w{3}|57P0\d)$/
const unavailableMessage =
  /timeout|Connection terminated|connection is not open|Client has encountered a connection error/i

/** Whether `error` means the database could not be reached (rather than a bad query). */
export function isUnavailable(error) {
  return (
    error instanceof DatabaseUnavailableError ||
    unavailable.test(error?.code ?? '') ||
    unavailableMessage.test(error?.message ?? '')
  )
}

/**
 * @param {{ url: string, max?: number, profiler?: import('@mx/profiler').Profiler }} options
 */
export function createDatabase({ url, max = 10, profiler }) {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    // fail fast while the server is down instead of queueing requests behind dead connects
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: 30_000,
    query_timeout: 10_000,
  })
  let errors = 0
  pool.on('error', () => {
    // an idle client lost its connection: the pool has already removed it
    errors++
  })
  const latency = profiler?.histogram('pg.query.duration', {
    unit: 'milliseconds',
    help: 'Time of one PostgreSQL query, connection wait included',
  })
  const counted = profiler?.counter('pg.queries', { help: 'Queries sent to PostgreSQL' })
  const failed = profiler?.counter('pg.query.errors', { help: 'Queries that failed' })
  const stats = { queries: 0 }
  return {
    pool,
    stats,
    /**
     * One query through the pool; connection failures become `DatabaseUnavailableError`.
     * @param {string} text
     * @param {unknown[]} [values]
     */
    async query(text, values) {
      const started = performance.now()
      stats.queries++
      counted?.inc()
      try {
        return await pool.query(text, values)
      } catch (error) {
        failed?.inc()
        throw isUnavailable(error) ? new DatabaseUnavailableError(error) : error
      } finally {
        latency?.record(performance.now() - started)
      }
    },
    /** Runs `work` in a transaction on one client. */
    async transaction(work) {
      let client
      try {
        client = await pool.connect()
      } catch (error) {
        throw isUnavailable(error) ? new DatabaseUnavailableError(error) : error
      }
      try {
        await client.query('BEGIN')
        const result = await work(client)
        await client.query('COMMIT')
        return result
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {})
        throw isUnavailable(error) ? new DatabaseUnavailableError(error) : error
      } finally {
        client.release()
      }
    },
    /** Copies the pool's counts into the profiler's gauges (before each scrape). */
    syncGauges() {
      if (!profiler) return
      profiler.gauge('pg.pool.total', { help: 'Connections open' }).set(pool.totalCount)
      profiler.gauge('pg.pool.idle', { help: 'Connections open and idle' }).set(pool.idleCount)
      profiler
        .gauge('pg.pool.active', { help: 'Connections running a query' })
        .set(pool.totalCount - pool.idleCount)
      profiler
        .gauge('pg.pool.waiting', { help: 'Queries waiting for a connection' })
        .set(pool.waitingCount)
      profiler.gauge('pg.pool.errors', { help: 'Idle connections lost' }).set(errors)
    },
    /** Waits for checked-out clients to come back, then closes every connection. */
    close: () => pool.end(),
  }
}
