// The command line as a user runs it: `serve` on an empty database ingests the corpus first;
// `ingest` again after the documents changed updates the database and the running instance's
// caches; SIGTERM lets the requests in flight finish, then exits 0.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { cpSync, rmSync, writeFileSync } from 'node:fs'
import { get } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import {
  describePostgres,
  describeRedis,
  keyPrefix,
  type PostgresServer,
  redisUrl,
  startPostgres,
  tempDir,
} from '@mx/testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { corpus, docPath, json } from './helpers'

/** A GET on a connection of its own: `written` once sent whole, `status` once answered whole. */
function answerOf(url: string): { written: Promise<void>; status: Promise<number> } {
  let written!: () => void
  const sentWhole = new Promise<void>((resolve) => {
    written = resolve
  })
  const status = new Promise<number>((resolve, reject) => {
    const request = get(url, { agent: false }, (response) => {
      response.resume()
      response.on('end', () =>
        response.complete ? resolve(response.statusCode ?? 0) : reject(new Error('cut off')),
      )
      response.on('error', reject)
    })
    request.on('finish', written)
    request.on('error', reject)
  })
  return { written: sentWhole, status }
}

const main = fileURLToPath(new URL('../src/main.mjs', import.meta.url))
const run = promisify(execFile)
const prefix = `${keyPrefix(import.meta.url)}cli:`
/** Where `serve` and `ingest` find PostgreSQL and Redis (set once the server is up). */
let connection: string[] = []

let pg: PostgresServer
let serving: ChildProcess | undefined
const work = tempDir('mx-service-cli-')

describePostgres('mx-metadata-service', () => {
  describeRedis('from the command line', () => {
    beforeAll(async () => {
      pg = await startPostgres()
      connection = ['--pg', pg.url, '--redis', redisUrl(), '--prefix', prefix]
      cpSync(corpus, join(work.path, 'corpus'), { recursive: true })
    })
    afterAll(async () => {
      serving?.kill('SIGKILL')
      await pg?.stop()
      work.remove()
    })

    it('serves after ingesting an empty database, picks up a new ingest, and stops cleanly on SIGTERM', async () => {
      const dir = join(work.path, 'corpus')
      const args = ['serve', ...connection, '--port', '0', '--dir', dir]
      const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
      serving = child
      let out = ''
      child.stdout?.on('data', (chunk) => {
        out += chunk
      })
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout?.on('data', () => {
          const found = /serving on (http:\/\/\S+)/.exec(out)
          if (found) resolve(found[1] as string)
        })
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)))
      })
      expect(out).toMatch(/ingested 37 documents, \d+ elements, \d+ links/)
      expect((await json(`${url}${docPath('notes.txt')}`)).body.title).toBe('Operator notes')
      expect((await json(`${url}${docPath('notes.txt')}`)).headers.get('x-cache')).toBe('HIT')

      // the documents change; a new ingest updates the database and drops the instance's caches
      writeFileSync(join(dir, 'notes.txt'), 'Operator handbook\n\nWhat operators do, day to day.\n')
      rmSync(join(dir, 'guides/topic-30.md'))
      const { stdout } = await run(process.execPath, [main, 'ingest', ...connection, '--dir', dir])
      expect(JSON.parse(stdout)).toMatchObject({ documents: 36, removed: 1 })
      expect((await json(`${url}${docPath('notes.txt')}`)).body.title).toBe('Operator handbook')
      expect((await json(`${url}${docPath('guides/topic-30.md')}`)).status).toBe(404)

      // requests sent before SIGTERM (each on its own connection, fully written) are all answered
      // during the drain, and /health says 503 meanwhile; then the process exits 0
      const sent = Array.from({ length: 30 }, (_, i) =>
        answerOf(`${url}/documents?q=topic&limit=${i + 1}`),
      )
      await Promise.all(sent.map((request) => request.written))
      child.kill('SIGTERM')
      const statuses = await Promise.all(sent.map((request) => request.status))
      expect(statuses).toEqual(Array(30).fill(200))
      expect((await json(`${url}/health`)).body).toMatchObject({ stopping: true })
      const [code] = await once(child, 'exit')
      expect(code).toBe(0)
      expect(out).toContain('stopping: finishing the requests in flight')
      serving = undefined
    }, 120_000)

    it('exits 2 with the usage on a bad command line', async () => {
      const failure = await run(process.execPath, [main, 'serve', '--port', 'abc']).catch(
        (error) => error,
      )
      expect(failure.code).toBe(2)
      expect(failure.stderr).toContain('--port must be a whole number ≥ 0, got "abc"')
      expect(failure.stderr).toContain('usage: mx-metadata-service serve')
      const unknown = await run(process.execPath, [main, 'frobnicate']).catch((error) => error)
      expect(unknown.code).toBe(2)
      expect(unknown.stderr).toContain('unknown command "frobnicate"')
    })
  })
})
