import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { base32Decode, base32Encode, hotp, newTotpSecret, totpAt, verifyTotp, type TotpAlgorithm } from './totp.ts'

/** RFC 6238 Appendix B: the seeds are the ASCII digits repeated to the hash's length. */
const SEEDS: Record<TotpAlgorithm, Buffer> = {
  sha1: Buffer.from('12345678901234567890'),
  sha256: Buffer.from('12345678901234567890123456789012'),
  sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234'),
}
const VECTORS: [number, Record<TotpAlgorithm, string>][] = [
  [59, { sha1: '94287082', sha256: '46119246', sha512: '90693936' }],
  [1111111109, { sha1: '07081804', sha256: '68084774', sha512: '25091201' }],
  [1111111111, { sha1: '14050471', sha256: '67062674', sha512: '99943326' }],
  [1234567890, { sha1: '89005924', sha256: '91819424', sha512: '93441116' }],
  [2000000000, { sha1: '69279037', sha256: '90698825', sha512: '38618901' }],
  [20000000000, { sha1: '65353130', sha256: '77737706', sha512: '47863826' }],
]

describe('time-based one-time passwords', () => {
  test('every RFC 6238 test vector is reproduced', () => {
    for (const [seconds, expected] of VECTORS) {
      for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
        assert.equal(totpAt(SEEDS[algorithm], new Date(seconds * 1000), 8, algorithm), expected[algorithm], `${algorithm} at ${seconds}`)
      }
    }
  })

  test('the RFC 4226 HOTP values for counters 0 to 9 are reproduced', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489']
    expected.forEach((code, counter) => assert.equal(hotp(SEEDS.sha1, counter), code))
  })

  test('base32 round-trips, and decodes the RFC 4648 examples', () => {
    const secret = newTotpSecret()
    assert.equal(secret.length, 32)
    assert.equal(base32Encode(base32Decode(secret)), secret)
    assert.equal(base32Decode('MZXW6YTBOI======').toString(), 'foobar')
    assert.equal(base32Encode(Buffer.from('fooba')), 'MZXW6YTB')
  })

  test('a code from now, or one step either side, is accepted', () => {
    const secret = newTotpSecret()
    const now = new Date('2026-01-15T09:00:10Z')
    for (const offset of [-30_000, 0, 30_000]) {
      const code = totpAt(base32Decode(secret), new Date(now.getTime() + offset))
      assert.notEqual(verifyTotp(secret, code, now, null), null, `offset ${offset}`)
    }
    const old = totpAt(base32Decode(secret), new Date(now.getTime() - 90_000))
    assert.equal(verifyTotp(secret, old, now, null), null)
  })

  test('a code cannot be used twice', () => {
    const secret = newTotpSecret()
    const now = new Date('2026-01-15T09:00:10Z')
    const code = totpAt(base32Decode(secret), now)
    const step = verifyTotp(secret, code, now, null)
    assert.notEqual(step, null)
    assert.equal(verifyTotp(secret, code, now, step), null)
    assert.equal(verifyTotp(secret, code, new Date(now.getTime() + 20_000), step), null)
  })

  test('codes that are not six digits are refused without error', () => {
    const secret = newTotpSecret()
    for (const code of ['', '12345', '1234567', 'abcdef', '12 34 5x']) assert.equal(verifyTotp(secret, code, new Date(), null), null)
  })
})
