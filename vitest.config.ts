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
          exclude: ['test/reliability/**', 'test/hosts/**'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      // Chaos, crash, fuzz and load suite: long runs, real processes, one file at a time so the
      // load figures (peak RSS, throughput) are not skewed by its own other files.
      {
        test: {
          name: 'reliability',
          include: ['test/reliability/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      // Several machines simulated in network namespaces (test/hosts): needs root, iproute2 and
      // nftables; one file at a time, as every file makes its own namespaces and private Redis.
      {
        test: {
          name: 'hosts',
          include: ['test/hosts/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
