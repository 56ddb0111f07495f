import { type ChildProcess, spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDir } from '@mx/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { createTracker, fsStore, memoryStore } from '../src/index'
import { crashSpec, elementsFor } from './fixtures/crash-content'

const writer = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url))
const dir = tempDir('mx-incremental-crash-')
afterAll(() => dir.remove())

/** Starts the writer and resolves once it has acknowledged `acks` commits, with the last ones. */
function startWriter(acks: number): Promise<{ child: ChildProcess; acked: Map<string, number> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, dir.path], {
    // tsx resolves from the working directory: the package's, whoever runs the tests
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const acked = new Map<string, number>()
  let seen = 0
  let buffer = ''
  let stderr = ''
  child.stderr?.on('data', (chunk) => {
    stderr += chunk
  })
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString()
      const lines = buffer.split('\n')
      buffer = lines.pop() ?? ''
      for (const line of lines) {
        const [docId, version] = line.split(' ')
        acked.set(docId as string, Number(version))
        if (++seen === acks) resolve({ child, acked })
      }
    })
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited (${code}): ${stderr}`))
    })
  })
}

/** A seeded generator so the kill points differ between rounds but the run is repeatable. */
function seeded(seed: number) {
  let state = seed
  return (max: number) => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state % max
  }
}

describe('fsStore crash safety', () => {
  it('serves the last committed version after a SIGKILL at random points, 20 times', async () => {
    const random = seeded(20261123)
    const lastAcked = new Map<string, number>()
    for (let round = 0; round < 20; round++) {
      const { child, acked } = await startWriter(1 + random(4))
      const exited = new Promise((resolve) => child.on('exit', resolve))
      await new Promise((resolve) => setTimeout(resolve, random(25)))
      child.kill('SIGKILL')
      await exited
      for (const [docId, version] of acked) lastAcked.set(docId, version)

      const store = fsStore({ dir: dir.path })
      const tracker = createTracker({ store })
      for (const docId of ['doc', 'other']) {
        const head = (await store.head(docId)) ?? 0
        const acknowledged = lastAcked.get(docId) ?? 0
        expect(head).toBeGreaterThanOrEqual(acknowledged)
        expect(head).toBeLessThanOrEqual(acknowledged + 1)
        if (head === 0) continue
        const stored = await tracker.get<number>(docId)
        const expected = await createTracker({ store: memoryStore() }).update(
          docId,
          elementsFor(docId, head),
          crashSpec,
        )
        expect(stored.value).toEqual(expected.value)
        const files = readdirSync(
          join(dir.path, 'docs', `d${Buffer.from(docId).toString('base64url')}`),
        )
        const versions = files.filter((name) => /^v\d+\.json$/.test(name))
        expect((await store.list(docId)).length).toBe(versions.length)
        lastAcked.set(docId, head)
      }
    }
    expect(lastAcked.get('doc')).toBeGreaterThanOrEqual(20)
    // temp files of killed writers are garbage: pruning removes them with the old versions
    const tracker = createTracker({ store: fsStore({ dir: dir.path }) })
    await tracker.prune({ keepLast: 3 })
    for (const docId of ['doc', 'other']) {
      const files = readdirSync(
        join(dir.path, 'docs', `d${Buffer.from(docId).toString('base64url')}`),
      )
      expect(files.filter((name) => name.startsWith('.tmp-'))).toEqual([])
      expect(files.filter((name) => name.startsWith('v'))).toHaveLength(3)
      const stored = await tracker.get<number>(docId)
      const head = (await tracker.history(docId)).at(-1)?.version as number
      const expected = await createTracker({ store: memoryStore() }).update(
        docId,
        elementsFor(docId, head),
        crashSpec,
      )
      expect(stored.value).toEqual(expected.value)
    }
  }, 120_000)
})
