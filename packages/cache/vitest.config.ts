import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: '@mx/cache',
    include: ['test/**/*.test.ts'],
  },
})
