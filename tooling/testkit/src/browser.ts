import { existsSync } from 'node:fs'
import { describe, it } from 'vitest'

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']

/** Path of a local headless-capable Chromium (`CHROMIUM_PATH` first), or undefined. */
export function chromiumPath(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv && existsSync(fromEnv)) return fromEnv
  return candidates.find((path) => existsSync(path))
}

/**
 * Flags for a headless Chromium in tests: no sandbox (root in CI), no GPU, and none of the
 * background connections a machine without internet refuses by the dozen (QUIC, component
 * updates, sync, the rest of background networking). Launch with a new empty profile directory.
 */
export const chromiumArgs: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/**
 * `describe` for tests that drive a real Chromium. Skipped when none is installed, unless
 * `MX_REQUIRE_BROWSER=1` (CI sets it): then the suite fails instead of silently skipping.
 */
export function describeBrowser(name: string, body: () => void): void {
  if (chromiumPath()) {
    describe(name, body)
  } else if (process.env.MX_REQUIRE_BROWSER === '1') {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error('MX_REQUIRE_BROWSER=1 but no Chromium found (apt-get install chromium)')
      })
    })
  } else {
    describe.skip(name, body)
  }
}
