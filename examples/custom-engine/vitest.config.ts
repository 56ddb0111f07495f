import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: '@mx/example-custom-engine',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
})
