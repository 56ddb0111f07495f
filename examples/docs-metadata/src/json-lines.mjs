// The run's JSON Lines output (metadata.jsonl).
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'

const NEWLINE = Buffer.from('\n')

/**
 * A JSON Lines file, written as a stream (folders made first): `write(value)` encodes one value,
 * `writeJson(json)` writes one already encoded (text, or UTF-8 bytes as they are).
 * @param {string} path
 */
export async function openLines(path) {
  await mkdir(dirname(resolve(path)), { recursive: true })
  // A 1 MiB buffer instead of the default 16 KiB: lines come from cache far faster than the disk
  // takes them, and with 16 KiB a warm run spent ~70 ms waiting on 'drain' between small writes.
  const stream = createWriteStream(path, { highWaterMark: 1 << 20 })
  await once(stream, 'open')
  return {
    async write(value) {
      if (!stream.write(`${JSON.stringify(value)}\n`)) await once(stream, 'drain')
    },
    /** @param {string | Buffer} json one value already encoded (UTF-8 bytes as they are) */
    async writeJson(json) {
      // Both writes, whatever the first returns: backpressure only says to wait after them.
      const wrote = stream.write(json)
      const more = stream.write(typeof json === 'string' ? '\n' : NEWLINE) && wrote
      if (!more) await once(stream, 'drain')
    },
    close: () =>
      new Promise((/** @type {(value?: unknown) => void} */ done) =>
        stream.closed ? done() : stream.end(done),
      ),
  }
}
