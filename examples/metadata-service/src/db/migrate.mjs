// Schema migrations: the numbered .sql files of ./migrations, each applied once, in order, in
// one transaction, under an advisory lock (several instances may start at once).
import { readdirSync, readFileSync } from 'node:fs'

const folder = new URL('./migrations/', import.meta.url)
/** Any constant shared by every instance of the service: the advisory lock's key. */
const LOCK = 4_202_612

/**
 * Applies the migrations not applied yet; resolves the names applied now.
 * @param {import('pg').Pool} pool
 */
export async function migrate(pool) {
  const client = await pool.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK])
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    )
    const done = new Set(
      (await client.query('SELECT name FROM schema_migrations')).rows.map((row) => row.name),
    )
    const applied = []
    for (const name of readdirSync(folder)
      .filter((file) => file.endsWith('.sql'))
      .sort()) {
      if (done.has(name)) continue
      await client.query('BEGIN')
      try {
        await client.query(readFileSync(new URL(name, folder), 'utf8'))
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name])
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK')
        throw error
      }
      applied.push(name)
    }
    return applied
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK]).catch(() => {})
    client.release()
  }
}
