import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * URL of the engine's worker task module, for `createPool({ task: workerTaskUrl() })` when you
 * bring your own pool as the workers slot. Built packages find `worker.js` next to this code;
 * running from the sources (tests), the built `dist/worker.js` of the package is used.
 */
export function workerTaskUrl(): URL {
  const candidates = [
    new URL('./worker.js', import.meta.url),
    new URL('../dist/worker.js', import.meta.url),
  ]
  for (const url of candidates) if (existsSync(fileURLToPath(url))) return url
  return candidates[0] as URL
}
