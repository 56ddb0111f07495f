import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { TaskModuleError } from './errors'

// Runs in a throw-away thread: imports the module and reports through shared memory, so the
// main thread can wait for the verdict synchronously (createPool is synchronous).
const probeSource = `
const { workerData } = require('node:worker_threads')
const head = new Int32Array(workerData.shared, 0, 2)
const text = new Uint8Array(workerData.shared, 8)
const mark = Symbol.for('mx.workers.task')
const ok = (v) => v != null && v[mark] === true && typeof v.run === 'function'
function done(status, message) {
  const bytes = new TextEncoder().encode(message).subarray(0, text.length)
  text.set(bytes)
  head[1] = bytes.length
  Atomics.store(head, 0, status)
  Atomics.notify(head, 0)
}
// A module that ends its thread while loading (process.exit) would leave the main thread waiting.
process.on('exit', (code) => {
  if (Atomics.load(head, 0) === 0) done(4, 'ended its thread while loading (exit code ' + code + ')')
})
import(workerData.url).then(
  (m) => ok(m.default) || ok(m.default && m.default.default)
    ? done(1, '')
    : done(2, 'does not export default defineTask(...)'),
  (e) => done(3, 'failed to load: ' + (e && e.message ? e.message : String(e))),
)
`

/** Normalises a task module reference to a file URL string. */
export function taskUrl(task: string): string {
  return task.startsWith('file:') ? task : pathToFileURL(task).href
}

/**
 * Fails fast when the task module is missing or (with `load`) has no `defineTask` default export. Waits at
 * most `waitMs` for the module to load; a module slower than that is checked by the workers.
 */
export function probeTaskModule(url: string, load = true, waitMs = 10_000): void {
  const path = fileURLToPath(url)
  if (!existsSync(path)) throw new TaskModuleError(`task module not found: ${path}`)
  if (!load) return
  const shared = new SharedArrayBuffer(8 + 1024)
  const head = new Int32Array(shared, 0, 2)
  const worker = new Worker(probeSource, { eval: true, workerData: { shared, url } })
  worker.unref()
  Atomics.wait(head, 0, 0, waitMs)
  void worker.terminate()
  const status = Atomics.load(head, 0)
  if (status >= 2) {
    const message = new TextDecoder().decode(new Uint8Array(shared, 8, head[1]))
    throw new TaskModuleError(`task module ${path} ${message}`)
  }
}
