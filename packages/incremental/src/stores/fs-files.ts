// The file format of `fsStore`: every file starts with a header line holding a checksum of its
// body, written to a temp file and fsynced before it is linked or renamed into place.
import { randomBytes } from 'node:crypto'
import { open, readdir, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { StoreCorruptError } from '../errors'
import { canonicalJson, digest } from '../hash'

const MAGIC = 'mx-incremental/1'

/** fsyncs a directory, so entries created or removed in it survive a crash (when `durable`). */
export async function syncDir(dir: string, durable: boolean): Promise<void> {
  if (!durable) return
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Writes `body` with its checksum header to a new temp file in `dir`; returns its path. */
export async function writeTemp(dir: string, body: unknown, durable: boolean): Promise<string> {
  const text = canonicalJson(body)
  const temp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`)
  const handle = await open(temp, 'wx')
  try {
    await handle.writeFile(`${MAGIC} ${digest(text)} ${text.length}\n${text}`)
    if (durable) await handle.sync()
  } finally {
    await handle.close()
  }
  return temp
}

/** The body of a file checked against its header; undefined when the file does not exist. */
export async function readChecked(file: string): Promise<unknown> {
  let raw: string
  try {
    raw = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  const newline = raw.indexOf('\n')
  const [magic, checksum, length] = raw.slice(0, Math.max(newline, 0)).split(' ')
  const text = raw.slice(newline + 1)
  if (newline < 0 || magic !== MAGIC) throw new StoreCorruptError(file, 'missing header')
  if (String(text.length) !== length || digest(text) !== checksum) {
    throw new StoreCorruptError(file, 'checksum mismatch')
  }
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new StoreCorruptError(file, 'body is not JSON', { cause })
  }
}

/** Deletes temp files left by writers of this machine that died mid-commit (SIGKILL, crash). */
export async function removeDeadTemps(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[])
  for (const name of names) {
    const pid = /^\.tmp-(\d+)-/.exec(name)?.[1]
    if (pid === undefined || Number(pid) === process.pid || isAlive(Number(pid))) continue
    await unlink(join(dir, name)).catch(() => undefined)
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
