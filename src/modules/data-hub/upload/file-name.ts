/**
 * The name a user's file had, made safe to record and show. It never names anything on disk:
 * uploads are stored under generated names (see receive-upload.ts).
 */
const MAX_NAME_LENGTH = 200
// C0 and C1 controls (NUL among them) and the bidirectional controls that can make
// 'invoice‮vsc.exe' read as 'invoiceexe.csv' (Trojan Source, CVE-2021-42574).
const UNSAFE_CHARACTERS = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/gu

export function cleanFileName(given: string | undefined): string {
  const lastSegment = (given ?? '').split(/[/\\]/).pop() ?? ''
  const cleaned = lastSegment.normalize('NFC').replace(UNSAFE_CHARACTERS, '').replace(/\s+/g, ' ').trim()
  const name = cleaned.replace(/^\.+/, '')
  if (!name) return 'upload.csv'
  const characters = [...name]
  if (characters.length <= MAX_NAME_LENGTH) return name
  // Keep the extension, so a shortened name still says what the file was.
  const extension = /\.[A-Za-z0-9]{1,10}$/.exec(name)?.[0] ?? ''
  return characters.slice(0, MAX_NAME_LENGTH - extension.length - 1).join('') + '…' + extension
}

/** The one extension the upload page takes (data.police.uk zips must be unpacked first). */
export const hasCsvExtension = (name: string) => /\.csv$/i.test(name)
