// The page script: the design systems' components. Pages work without it.
import { initAll as initGovuk } from 'govuk-frontend'
import { initAll as initMoj } from '@ministryofjustice/frontend'
import './session-timeout.ts'

initGovuk()
initMoj()
