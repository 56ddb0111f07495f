import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: '@mx/example-dashboard',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
  },
})
