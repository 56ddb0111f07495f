import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: '@mx/engine',
    include: ['test/**/*.test.ts'],
  },
})
