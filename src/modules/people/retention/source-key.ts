import { createHash } from 'node:crypto'

/**
 * What a tombstone keeps of an erased record so that the same record in a later extract is not
 * brought back: a SHA-256 of its source system and person ID, joined by the unit separator (which
 * neither may contain). write-involvements.ts computes the same in SQL.
 */
export const SOURCE_KEY_SEPARATOR = '\u001f'

export function sourceKeySha256(sourceSystem: string, sourcePersonId: string): string {
  return createHash('sha256')
    .update(`${sourceSystem}${SOURCE_KEY_SEPARATOR}${sourcePersonId}`, 'utf8')
    .digest('hex')
}
