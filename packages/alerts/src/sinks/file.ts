import { appendFile, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { InvalidOptionError } from '../errors'
import { checkKnownKeys } from '../kernel'
import type { Notification, Sink } from '../types'

export interface FileSinkOptions {
  /** JSONL file notifications are appended to, one JSON object per line. */
  path: string
  name?: string
}

// The keys the options take: `satisfies` makes the compiler keep the list complete.
const FILE_SINK_OPTIONS = Object.keys({ path: true, name: true } satisfies Record<
  keyof FileSinkOptions,
  true
>)

/** A sink that appends each notification as one JSON line. */
export function fileSink(options: FileSinkOptions): Sink {
  if (typeof options === 'object' && options !== null) {
    checkKnownKeys(options, FILE_SINK_OPTIONS, 'fileSink()')
  }
  if (typeof options?.path !== 'string' || options.path === '') {
    throw new InvalidOptionError('path', 'fileSink path must be a non-empty string')
  }
  const path = options.path
  let ready: Promise<unknown> | undefined
  return {
    name: options.name ?? 'file',
    async send(notification: Notification) {
      ready ??= mkdir(dirname(path), { recursive: true })
      await ready
      await appendFile(path, `${JSON.stringify(notification)}\n`)
    },
  }
}
