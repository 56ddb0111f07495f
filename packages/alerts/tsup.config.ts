import { packageConfig } from '../../tsup.base'

export default packageConfig({
  index: 'src/index.ts',
  testing: 'src/testing.ts',
  'test-suite': 'src/test-suite.ts',
})
