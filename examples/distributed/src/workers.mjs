// Starts worker processes (src/worker.mjs) and stops them, over the IPC channel of fork().
import { fork } from 'node:child_process'

const script = new URL('./worker.mjs', import.meta.url)

/** Forks one worker; resolves once it serves the queue. */
export function startWorker(env) {
  const child = fork(script, [], { env: { ...process.env, ...env }, stdio: 'inherit' })
  return new Promise((resolve, reject) => {
    const early = (code) =>
      reject(new Error(`worker ${child.pid} exited with ${code} before it was ready`))
    child.once('exit', early)
    child.once('message', (message) => {
      if (/** @type {{ type?: string } | null} */ (message)?.type !== 'ready') return
      child.off('exit', early)
      resolve(child)
    })
  })
}

/** Asks a worker to finish its jobs and stop; resolves its counts (`crashed` if it died). */
export function stopWorker(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ pid: child.pid, crashed: true, signal: child.signalCode })
  }
  return new Promise((resolve, reject) => {
    const early = (code) =>
      reject(new Error(`worker ${child.pid} exited with ${code} before its stats`))
    child.once('exit', early)
    child.on('message', (message) => {
      if (message?.type !== 'stats') return
      child.off('exit', early)
      resolve(message)
    })
    child.send({ type: 'stop' })
  })
}
