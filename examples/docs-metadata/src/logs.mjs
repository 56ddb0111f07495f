// The run's structured logs: pino JSON lines to --log-file, or to stderr when only --log-level is
// given. Off by default (--log-level silent): the engine then writes none either, even at level
// enterprise, whose default logger would write to stderr under the progress bar.
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

/**
 * pino is loaded only when there are logs to write: a run without them does not pay for it.
 * @param {{ logLevel: string, logFile?: string }} options
 * @returns {Promise<{ logger: import('pino').Logger | undefined, close(): Promise<void> }>}
 */
export async function openLogs({ logLevel, logFile }) {
  if (logLevel === 'silent') return { logger: undefined, close: async () => {} }
  const { default: pino } = await import('pino')
  if (logFile) mkdirSync(dirname(resolve(logFile)), { recursive: true })
  // Synchronous writes: a few lines per document, and none lost when the run ends.
  const destination = pino.destination({ dest: logFile ? resolve(logFile) : 2, sync: true })
  const logger = pino({ level: logLevel }, destination)
  return {
    logger,
    async close() {
      destination.flushSync()
      if (logFile) destination.end()
    },
  }
}
