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
