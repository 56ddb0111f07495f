import { defineConfig } from 'vitest/config'

// Under CI a JSON report is written next to the usual output: `.ci/run` computes its
// `tests: N passed, N failed` line from it.
const ci = Boolean(process.env.CI)

export default defineConfig({
  test: {
    reporters: ci ? ['default', 'json'] : ['default'],
    outputFile: ci ? { json: '.ci/out/vitest.json' } : undefined,
    projects: [
      'packages/*',
      'examples/*',
      'tooling/*',
      {
        test: {
          name: 'repo',
          include: ['test/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
})
