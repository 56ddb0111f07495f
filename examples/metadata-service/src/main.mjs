#!/usr/bin/env node
// mx-metadata-service: serve (ingesting the default corpus first if the database is empty),
// ingest (extract a folder, or load a metadata.jsonl), or migrate.
import { parseArgs } from 'node:util'
import { migrate } from './db/migrate.mjs'
import { createDatabase, isUnavailable } from './db/pool.mjs'
import { extractAndIngest, ingestFile } from './ingest.mjs'
import { clearSharedCache, createService } from './service.mjs'

const usage = `usage: mx-metadata-service serve [--port 3000] [--host 127.0.0.1] [--pg URL] [--redis URL | --no-redis]
                                   [--no-cache] [--rate-limit N] [--prefix P] [--dir DIR] [--drain MS]
       mx-metadata-service ingest [metadata.jsonl] [--dir DIR] [--pg URL] [--threads N] [--redis URL | --no-redis]
       mx-metadata-service migrate [--pg URL]

  serve        migrate, ingest the corpus if the database holds no document, then serve the API
               and the UI; SIGTERM or SIGINT finishes the requests in flight, then exits
  ingest       with a file: load a metadata.jsonl that \`mx-docs extract\` wrote over --dir;
               without: run \`mx-docs extract\` on --dir (default: the installed packages' docs)
               and load what it wrote (upserts; drops documents no longer there), then clear
               the running instances' caches through Redis
  --pg         PostgreSQL URL (default $DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test)
  --redis      Redis URL for the shared cache tier, the bus and the rate limits
               (default $REDIS_URL, else redis://127.0.0.1:6379); --no-redis for none
  --no-cache   no query cache and no response cache (the baseline of the load benchmark)
  --rate-limit requests a minute per client, shared by instances through Redis (default 1200; 0: none)
  --prefix     prefix of the Redis keys (default mx:service:)
  --drain      ms it keeps answering after SIGTERM, /health saying 503, before it closes (default 1000)`

function options() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string', default: process.env.PORT ?? '3000' },
      host: { type: 'string', default: '127.0.0.1' },
      pg: {
        type: 'string',
        default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
      },
      redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
      'no-redis': { type: 'boolean', default: false },
      'no-cache': { type: 'boolean', default: false },
      'rate-limit': { type: 'string', default: '1200' },
      prefix: { type: 'string', default: 'mx:service:' },
      dir: { type: 'string' },
      threads: { type: 'string', default: '2' },
      drain: { type: 'string', default: '1000' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  // every number is checked before anything starts
  /** @type {Record<string, number>} */
  const numbers = {}
  for (const name of ['port', 'rate-limit', 'threads', 'drain']) {
    const text = String(values[name])
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
      throw new Error(`--${name} must be a whole number ≥ 0, got "${text}"`)
    }
    numbers[name] = Number(text)
  }
  return { values, positionals, number: (/** @type {string} */ name) => numbers[name] }
}

async function main() {
  let parsed
  try {
    parsed = options()
  } catch (error) {
    console.error(`${/** @type {Error} */ (error).message}\n\n${usage}`)
    return 2
  }
  const { values, positionals, number } = parsed
  const [command = 'serve', file] = positionals
  if (values.help) {
    console.log(usage)
    return 0
  }
  if (command === 'migrate' || command === 'ingest') {
    const db = createDatabase({ url: values.pg })
    try {
      const applied = await migrate(db.pool)
      if (command === 'migrate')
        console.log(applied.length > 0 ? `applied ${applied.join(', ')}` : 'schema up to date')
      else {
        const dir = values.dir
        const done = file
          ? await ingestFile(db, file, dir)
          : await extractAndIngest(db, { dir, threads: number('threads') })
        // running instances must not answer from what they cached before
        if (!values['no-redis']) await clearSharedCache(values.redis, values.prefix)
        console.log(JSON.stringify(done))
      }
      return 0
    } finally {
      await db.close()
    }
  }
  if (command !== 'serve') {
    console.error(`unknown command "${command}"\n\n${usage}`)
    return 2
  }
  const service = await createService({
    pg: values.pg,
    ...(values['no-redis'] ? {} : { redis: values.redis }),
    cache: !values['no-cache'],
    rateLimit: number('rate-limit'),
    prefix: values.prefix,
  })
  const { rows } = await service.db.query('SELECT count(*)::int AS n FROM documents')
  if (rows[0].n === 0) {
    console.log(
      `the database holds no document: extracting ${values.dir ?? "the installed packages' docs"}…`,
    )
    const done = await extractAndIngest(service.db, { dir: values.dir, threads: number('threads') })
    console.log(
      `ingested ${done.documents} documents, ${done.elements} elements, ${done.links} links`,
    )
  }
  const url = await service.listen({ port: number('port'), host: values.host })
  console.log(
    `serving on ${url} (UI at ${url}/, API at ${url}/documents, metrics at ${url}/metrics)`,
  )
  const stop = () => {
    console.log('stopping: finishing the requests in flight')
    service.close({ drain: number('drain') }).then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  return undefined
}

main().then(
  (code) => {
    if (code !== undefined) process.exitCode = code
  },
  (error) => {
    // the first thing a new user meets when no PostgreSQL answers: say so, not a stack trace
    if (isUnavailable(error)) {
      console.error(
        `cannot reach PostgreSQL (${error.cause?.code ?? error.code ?? error.message}): start it, or pass --pg URL (or DATABASE_URL)`,
      )
    } else console.error(error)
    process.exitCode = 1
  },
)
