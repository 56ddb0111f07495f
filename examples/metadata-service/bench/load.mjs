#!/usr/bin/env node
// Load benchmark: the same mixed workload (search, document, elements) against the running
// service with its query and response caches on, then off, each in its own process on the same
// database, driven by autocannon from this process. Prints requests/s, p50, p99 and PostgreSQL
// queries per request, and the ratios cached ÷ uncached.
//
//   node bench/load.mjs [--dir DIR] [--seconds 10] [--connections 32] [--rounds 3]
//
// The database is `mx_service_bench` on the server of $DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test), made afresh and filled from --dir (default: the
// installed packages' docs). Both services get the same warm-up pass first.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import pg from 'pg'

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '3' },
  },
})
const seconds = Number(values.seconds)
const connections = Number(values.connections)
const rounds = Number(values.rounds)
const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
const database = 'mx_service_bench'
const main = new URL('../src/main.mjs', import.meta.url).pathname

async function freshDatabase() {
  const admin = new pg.Client({ connectionString: server.href })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  await admin.query(`CREATE DATABASE ${database}`)
  await admin.end()
  const url = new URL(server.href)
  url.pathname = `/${database}`
  return url.href
}

/** Runs the CLI; resolves its stdout. */
async function cli(args) {
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (chunk) => {
    out += chunk
  })
  const [code] = await once(child, 'exit')
  if (code !== 0) throw new Error(`mx-metadata-service ${args.join(' ')} exited with ${code}`)
  return out
}

/** Starts `serve` in its own process; resolves its URL and a stop function. */
async function startService(url, cached) {
  const args = [
    'serve',
    '--pg',
    url,
    '--port',
    '0',
    '--rate-limit',
    '0',
    '--prefix',
    `mx:bench:${process.pid}:`,
  ]
  if (!cached) args.push('--no-cache')
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  const address = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk
      const found = /serving on (http:\/\/\S+)/.exec(out)
      if (found) resolve(found[1])
    })
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)))
  })
  return {
    url: address,
    async stop() {
      child.kill('SIGTERM')
      await once(child, 'exit')
    },
  }
}

/** The workload: searches for the corpus' own keywords, documents and their elements. */
async function workload(url) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const docs = (await client.query('SELECT id, keywords FROM documents ORDER BY md5(id) LIMIT 60'))
    .rows
  await client.end()
  const words = [...new Set(docs.flatMap((doc) => doc.keywords.slice(0, 2)))].slice(0, 40)
  const requests = []
  for (let i = 0; i < 60; i++) {
    const doc = docs[i % docs.length]
    const path = `/documents/${encodeURIComponent(doc.id)}`
    requests.push({
      method: 'GET',
      path: `/documents?q=${encodeURIComponent(words[i % words.length])}`,
    })
    requests.push({ method: 'GET', path })
    requests.push({ method: 'GET', path: `${path}/elements` })
  }
  return requests
}

async function queriesSoFar(url) {
  const text = await (await fetch(`${url}/metrics`)).text()
  return Number(/^pg_queries_total (\d+)/m.exec(text)?.[1] ?? 0)
}

async function load(url, requests, duration) {
  const before = await queriesSoFar(url)
  const result = await autocannon({ url, connections, duration, requests })
  const queries = (await queriesSoFar(url)) - before
  const ok = result['2xx']
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${result.non2xx} non-2xx answers and ${result.errors} errors: every request must succeed`,
    )
  }
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    queriesPerRequest: queries / Math.max(1, ok),
    requests: ok,
  }
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]

const url = await freshDatabase()
await cli(['migrate', '--pg', url])
const ingested = JSON.parse(
  await cli(['ingest', '--pg', url, ...(values.dir ? ['--dir', values.dir] : [])]),
)
console.log(
  `corpus: ${ingested.documents} documents, ${ingested.elements} elements, ${ingested.links} links (${values.dir ?? "the installed packages' docs"})`,
)
const requests = await workload(url)
console.log(
  `workload: ${requests.length} requests in turn (search, document, elements), ${connections} connections, ${seconds} s a run, ${rounds} rounds, median`,
)

/** @type {Record<'cached' | 'uncached', Array<{ rps: number, p50: number, p99: number, queriesPerRequest: number }>>} */
const rows = { cached: [], uncached: [] }
for (let round = 0; round < rounds; round++) {
  // alternate which goes first, so neither always gets the warmer machine
  const order = round % 2 === 0 ? ['uncached', 'cached'] : ['cached', 'uncached']
  for (const name of order) {
    const service = await startService(url, name === 'cached')
    try {
      // the same warm-up for both: every request of the workload once, then a short run
      for (const request of requests) {
        const answer = await fetch(`${service.url}${request.path}`)
        if (!answer.ok) throw new Error(`${request.path}: ${answer.status}`)
        await answer.arrayBuffer()
      }
      await load(service.url, requests, 2)
      rows[name].push(await load(service.url, requests, seconds))
    } finally {
      await service.stop()
    }
  }
}

const summary = Object.fromEntries(
  Object.entries(rows).map(([name, runs]) => [
    name,
    {
      rps: median(runs.map((run) => run.rps)),
      p50: median(runs.map((run) => run.p50)),
      p99: median(runs.map((run) => run.p99)),
      queriesPerRequest: median(runs.map((run) => run.queriesPerRequest)),
    },
  ]),
)
const line = (name, s) =>
  `${name.padEnd(26)} ${s.rps.toFixed(0).padStart(9)} ${`${s.p50.toFixed(1)} ms`.padStart(9)} ${`${s.p99.toFixed(1)} ms`.padStart(9)} ${s.queriesPerRequest.toFixed(3).padStart(17)}`
console.log(
  `\n${'service'.padEnd(26)} ${'req/s'.padStart(9)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'PG queries / req'.padStart(17)}`,
)
console.log(line('caches on', summary.cached))
console.log(line('caches off', summary.uncached))
const throughput = summary.cached.rps / summary.uncached.rps
const tail = summary.cached.p99 / summary.uncached.p99
console.log(`\nthroughput, caches on ÷ off: ${throughput.toFixed(1)}× (target ≥ 10×)`)
console.log(`p99, caches on ÷ off: ${tail.toFixed(3)}× (target ≤ 0.2×)`)
