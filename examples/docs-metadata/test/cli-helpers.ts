import { execFile } from 'node:child_process'
import { closeSync, cpSync, ftruncateSync, openSync, readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

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
