import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * Time-based one-time passwords: HOTP (RFC 4226) over 30-second steps (RFC 6238), as every
 * authenticator app reads them from an otpauth:// key. Written here rather than taken from a
 * package because it is 60 lines and the RFC's test vectors check it.
 */
export const TOTP_STEP_SECONDS = 30
export const TOTP_DIGITS = 6
/** Codes from one step either side are accepted, for clocks that drift and people who type slowly. */
const ACCEPTED_DRIFT_STEPS = 1

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512'

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31]
  return out
}

export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s=-]/g, '')
  const bytes: number[] = []
  let bits = 0
  let value = 0
  for (const char of clean) {
    const index = BASE32.indexOf(char)
    if (index < 0) throw new Error(`'${char}' is not a base32 character`)
    value = (value << 5) | index
    bits += 5
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255)
      bits -= 8
    }
  }
  return Buffer.from(bytes)
}

/** A new shared secret: 160 bits, the length RFC 4226 recommends, in base32. */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(20))
}

export function hotp(key: Uint8Array, counter: number, digits = TOTP_DIGITS, algorithm: TotpAlgorithm = 'sha1'): string {
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac(algorithm, key).update(message).digest()
  const offset = mac[mac.length - 1]! & 0x0f
  const binary = mac.readUInt32BE(offset) & 0x7fffffff
  return String(binary % 10 ** digits).padStart(digits, '0')
}

export const totpStepAt = (time: Date) => Math.floor(time.getTime() / 1000 / TOTP_STEP_SECONDS)

export function totpAt(key: Uint8Array, time: Date, digits = TOTP_DIGITS, algorithm: TotpAlgorithm = 'sha1'): string {
  return hotp(key, totpStepAt(time), digits, algorithm)
}

/**
 * The step a code belongs to, or null when it is wrong. A step at or before lastUsedStep is
 * refused, so a code cannot be used twice (ASVS 6.5.1) nor an older one after a newer.
 */
export function verifyTotp(secret: string, code: string, time: Date, lastUsedStep: number | null): number | null {
  const digits = code.replace(/\s/g, '')
  if (!/^\d{6}$/.test(digits)) return null
  const key = base32Decode(secret)
  const now = totpStepAt(time)
  for (let step = now - ACCEPTED_DRIFT_STEPS; step <= now + ACCEPTED_DRIFT_STEPS; step++) {
    if (lastUsedStep !== null && step <= lastUsedStep) continue
    if (timingSafeEqual(Buffer.from(hotp(key, step)), Buffer.from(digits))) return step
  }
  return null
}

/** The key an authenticator app reads (Google's Key URI format), usually from a QR code or typed in. */
export function otpauthUri(secret: string, issuer: string, account: string): string {
  const label = encodeURIComponent(`${issuer}:${account}`)
  const query = new URLSearchParams({ secret, issuer, algorithm: 'SHA1', digits: String(TOTP_DIGITS), period: String(TOTP_STEP_SECONDS) })
  return `otpauth://totp/${label}?${query.toString()}`
}
