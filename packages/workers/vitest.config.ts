import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: '@mx/workers',
    include: ['test/**/*.test.ts'],
  },
})
