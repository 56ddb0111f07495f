import { spawnSync } from 'node:child_process'
import { chownSync, existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'vitest'
import { freePort } from './ports'
import { tempDir } from './temp'

/** A private PostgreSQL server for tests that stop and start it (outages). */
export interface PostgresServer {
  readonly port: number
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust authentication). */
  readonly url: string
  /** Stops it at once (`immediate` shutdown: clients see their connections drop). */
  pause(): Promise<void>
  /** Starts it again on the same port, with the data written before. */
  resume(): Promise<void>
  /** Stops it for good and deletes its data directory. */
  stop(): Promise<void>
}

/** The folder of PostgreSQL's server binaries (`initdb`, `postgres`), newest version first. */
export function postgresBinaries(): string | undefined {
  const fromEnv = process.env.PG_BINDIR
  if (fromEnv && existsSync(join(fromEnv, 'initdb'))) return fromEnv
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a))
  return versions
    .map((version) => join(root, version, 'bin'))
    .find((dir) => existsSync(join(dir, 'initdb')))
}

/**
 * `describe` for tests that start a private PostgreSQL. Skipped when its binaries are missing,
 * unless `MX_REQUIRE_POSTGRES=1` (CI sets it): then the suite fails instead of silently skipping.
 */
export function describePostgres(name: string, body: () => void): void {
  if (postgresBinaries()) describe(name, body)
  else if (process.env.MX_REQUIRE_POSTGRES === '1') {
    describe(name, () => {
      it('needs PostgreSQL', () => {
        throw new Error(
          'MX_REQUIRE_POSTGRES=1 but no PostgreSQL binaries (apt-get install postgresql)',
        )
      })
    })
  } else describe.skip(name, body)
}

/** As root, PostgreSQL refuses to run: its commands then run as the `postgres` user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args]
  return ['runuser', ['-u', 'postgres', '--', command, ...args]]
}

function serverUserIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim())
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim())
  return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined
}

async function waitReady(bin: string, port: number, socketDir: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const ready = spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)], {
      stdio: 'ignore',
    })
    if (ready.status === 0) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`PostgreSQL on port ${port} (sockets in ${socketDir}) did not become ready`)
}

/**
 * Starts a private PostgreSQL (`initdb` in a temporary directory, trust authentication, fsync
 * off) on a free port, for tests that stop it mid-run without touching a shared server.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinaries()
  if (bin === undefined) throw new Error('no PostgreSQL binaries (apt-get install postgresql)')
  const data = tempDir('mx-postgres-')
  const ids = serverUserIds()
  if (ids) chownSync(data.path, ids.uid, ids.gid)
  const pgdata = join(data.path, 'data')
  const [initdb, initArgs] = asServerUser(join(bin, 'initdb'), [
    '-D',
    pgdata,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
  ])
  const init = spawnSync(initdb, initArgs, { encoding: 'utf8' })
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`)
  const port = await freePort()
  const options = [
    `-p ${port}`,
    `-k ${data.path}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ')
  const pgCtl = (args: string[]) => {
    const [command, full] = asServerUser(join(bin, 'pg_ctl'), ['-D', pgdata, ...args])
    const result = spawnSync(command, full, { encoding: 'utf8', timeout: 60_000 })
    if (result.status !== 0)
      throw new Error(`pg_ctl ${args[0]} failed: ${result.stderr}${result.stdout}`)
  }
  let running = false
  const start = async () => {
    pgCtl(['start', '-w', '-l', join(data.path, 'log'), '-o', options])
    running = true
    await waitReady(bin, port, data.path)
  }
  // immediate shutdown: to clients it looks like a crash (connections drop at once)
  const halt = async () => {
    if (!running) return
    running = false
    pgCtl(['stop', '-m', 'immediate', '-w'])
  }
  await start()
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pause: halt,
    resume: start,
    stop: async () => {
      await halt()
      data.remove()
    },
  }
}
