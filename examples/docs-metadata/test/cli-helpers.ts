import { execFile } from 'node:child_process'
import {
  closeSync,
  cpSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
} from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { open } from 'lmdb'

const main = fileURLToPath(new URL('../src/main.mjs', import.meta.url))
const fixtures = fileURLToPath(new URL('./fixtures/corpus', import.meta.url))

/** Runs `mx-docs` in `cwd` and resolves its exit code and output (never rejects). */
export function runCli(args: string[], cwd: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [main, ...args],
      { cwd, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** The fixture corpus plus the failures made at test time: a dangling link and a 100 MB file. */
export function makeCorpus(root: string) {
  const docs = join(root, 'docs')
  cpSync(fixtures, docs, { recursive: true })
  symlinkSync('missing-target.md', join(docs, 'gone.md'))
  const fd = openSync(join(docs, 'huge.md'), 'w')
  ftruncateSync(fd, 100 * 1024 * 1024) // sparse: 100 MB long, nothing written
  closeSync(fd)
  return docs
}

export type Line = {
  kind: string
  id: string
  ok: boolean
  metadata?: unknown
  stats?: Record<string, unknown>
  error?: Record<string, string>
  stage?: string
}

export function readLines(path: string) {
  const lines = readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
  const documents = new Map<string, Line>(
    lines.filter((l) => l.kind === 'document').map((l) => [l.id, l]),
  )
  return { lines, documents, corpus: lines.at(-1) }
}

/**
 * What a run wrote to the cache folder: the disk tier's last LMDB transaction id, and the size
 * and modification time of every other file (version store, run state).
 */
export async function cacheWrites(dir: string) {
  const env = open({ path: join(dir, 'cache', 'cache.mdb'), maxDbs: 8, readOnly: true })
  const lastTxnId = (env.getStats() as { lastTxnId: number }).lastTxnId
  await env.close()
  const files: Record<string, string> = {}
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name)
    if (!entry.isFile() || path.includes(`${join(dir, 'cache')}/`)) continue
    const { size, mtimeMs } = statSync(path)
    files[path] = `${size} bytes, ${mtimeMs}`
  }
  return { lastTxnId, files }
}

/**
 * Sets the access and modification times of every file under `dir` (links aside) to `ms`: in the
 * past, so that a run keeps their lines (unchanged.mjs); in the future, so that it never does.
 */
export function setTimes(dir: string, ms: number) {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) utimesSync(join(entry.parentPath, entry.name), ms / 1000, ms / 1000)
}
