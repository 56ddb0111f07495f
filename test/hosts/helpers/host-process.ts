// A process running inside a test host's namespace, talking to the harness over its stdio: it
// prints one JSON object a line (`{ type, … }`), and reads commands the same way on stdin. The
// harness stays in the machine's own namespace; stdio is not network, so a partitioned host can
// still be told what to do and still report what it saw.
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { ipPath } from '../../reliability/helpers/netns'
import type { Host } from './fabric'

export type Message = { type: string } & Record<string, unknown>

export interface HostProcess {
  readonly host: Host
  readonly child: ChildProcess
  /** Every message it printed, in order. */
  readonly messages: readonly Message[]
  send(command: Record<string, unknown>): void
  /** The first message of `type` (matching `test`) printed after message number `from`. */
  waitFor(type: string, options?: WaitOptions): Promise<Message>
  /** Sends a command and waits for its answer (`<cmd>-done`); rejects with the host's error. */
  ask(command: { cmd: string } & Record<string, unknown>, timeoutMs?: number): Promise<Message>
  /** Closes its stdin (it ends on that) and waits for its exit; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>
}

export interface WaitOptions {
  test?: (message: Message) => boolean
  from?: number
  timeoutMs?: number
}

/** Starts `node <script> <args>` inside the host's namespace. */
export function startHostProcess(
  host: Host,
  script: URL,
  args: string[],
  env: Record<string, string> = {},
): HostProcess {
  const child = spawn(
    ipPath ?? 'ip',
    ['netns', 'exec', host.ns, process.execPath, script.pathname, ...args],
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  )
  const messages: Message[] = []
  const waiters = new Set<() => void>()
  let stderr = ''
  let requests = 0
  let exited: string | undefined
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8000)
  })
  createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }).on(
    'line',
    (line) => {
      if (!line.startsWith('{')) return
      messages.push(JSON.parse(line) as Message)
      for (const wake of waiters) wake()
    },
  )
  const exit = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = `${host.role} exited (${signal ?? code}); stderr: ${stderr.trim() || '(none)'}`
      for (const wake of waiters) wake()
      resolve()
    })
  })
  const waitFor: HostProcess['waitFor'] = (type, options = {}) => {
    const { test = () => true, from = 0, timeoutMs = 60_000 } = options
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined
      const check = () => {
        const found = messages.slice(from).find((m) => m.type === type && test(m))
        if (found !== undefined || exited !== undefined) {
          waiters.delete(check)
          clearTimeout(timer)
          if (found !== undefined) resolve(found)
          else reject(new Error(`waiting for ${type} from ${host.role}: ${exited}`))
        }
      }
      timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`no ${type} from ${host.role} in ${timeoutMs} ms; stderr: ${stderr}`))
      }, timeoutMs)
      waiters.add(check)
      check()
    })
  }
  const send = (command: Record<string, unknown>) => {
    child.stdin?.write(`${JSON.stringify(command)}\n`)
  }
  return {
    host,
    child,
    messages,
    send,
    waitFor,
    async ask(command, timeoutMs) {
      // The answer is matched by request id: commands of the same kind may run at once.
      const rid = ++requests
      send({ ...command, rid })
      const answer = await waitFor(`${command.cmd}-done`, {
        test: (m) => m.rid === rid,
        ...(timeoutMs ? { timeoutMs } : {}),
      })
      if (answer.error !== undefined)
        throw new Error(`${host.role} ${command.cmd}: ${answer.error}`)
      return answer
    },
    async stop(graceMs = 10_000) {
      if (exited !== undefined) return
      child.stdin?.end()
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exit
      clearTimeout(timer)
    },
  }
}
