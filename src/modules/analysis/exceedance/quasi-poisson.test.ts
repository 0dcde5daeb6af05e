import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { fitQuasiPoisson } from './quasi-poisson.ts'

interface GlmReference {
  name: string
  columns: number
  design: number[]
  weights: number[] | null
  coefficients: number[]
  fitted: number[]
  dispersion: number
  hat: number[]
  covarianceUnscaled: number[]
  iterations: number
  converged: boolean
}
const fixture = JSON.parse(
  readFileSync(new URL('../../../../test/fixtures/analysis/farrington-glm.json', import.meta.url), 'utf8'),
) as { response: number[]; fits: GlmReference[] }

const close = (ours: ArrayLike<number>, theirs: number[], tolerance: number) => {
  assert.equal(ours.length, theirs.length)
  for (let i = 0; i < theirs.length; i++) {
    assert.ok(
      Math.abs(ours[i]! - theirs[i]!) <= tolerance * Math.max(1, Math.abs(theirs[i]!)),
      `entry ${i}: ${ours[i]} vs ${theirs[i]}`,
    )
  }
}

for (const reference of fixture.fits) {
  test(`quasi-Poisson fit '${reference.name}' equals R's glm to 1e-10`, () => {
    const fit = fitQuasiPoisson(
      Float64Array.from(reference.design),
      reference.columns,
      Float64Array.from(fixture.response),
      reference.weights ? Float64Array.from(reference.weights) : undefined,
    )
    assert.ok(fit)
    assert.equal(fit.converged, reference.converged)
    assert.equal(fit.iterations, reference.iterations)
    close(fit.coefficients, reference.coefficients, 1e-10)
    close(fit.fitted, reference.fitted, 1e-10)
    close([fit.dispersion], [reference.dispersion], 1e-10)
    close(fit.hat, reference.hat, 1e-10)
    // R's cov.unscaled is column-major, ours row-major: it is symmetric, so they coincide.
    close(fit.covarianceUnscaled, reference.covarianceUnscaled, 1e-10)
  })
}

test('a design with a repeated column is refused rather than fitted', () => {
  const n = 10
  const design = new Float64Array(2 * n).fill(1)
  assert.equal(
    fitQuasiPoisson(
      design,
      2,
      Float64Array.from({ length: n }, (_, i) => i),
    ),
    undefined,
  )
})
