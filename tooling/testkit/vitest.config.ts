import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: '@mx/testkit',
    include: ['test/**/*.test.ts'],
  },
})
