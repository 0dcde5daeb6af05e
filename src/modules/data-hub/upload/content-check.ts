import { open } from 'node:fs/promises'
import { fileTypeFromBuffer } from 'file-type'

/**
 * The bytes of an upload must look like text CSV (SECURITY-CHECKLIST D5), whatever its name
 * and declared type say. file-type knows the binary formats by their magic bytes; it has no
 * rule for HTML, so markup is looked for too, which also catches PDF/HTML polyglots whichever
 * part comes first.
 */
const HEAD_BYTES = 8192
const MARKUP = /<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|meta|\?xml)\b/i

export async function csvContentProblem(file: string): Promise<string | null> {
  const handle = await open(file, 'r')
  let head: Buffer
  try {
    const buffer = Buffer.alloc(HEAD_BYTES)
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0)
    head = buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
  if (head.length === 0) return 'The file is empty'
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    return 'The file is UTF-16 text: save it as CSV UTF-8 and upload it again'
  }
  const type = await fileTypeFromBuffer(head)
  if (type) return `The file is not a CSV file: its content is ${type.mime} (.${type.ext})`
  if (head.includes(0)) return 'The file is not a CSV file: it contains binary data'
  const text = head.toString('latin1')
  if (text.includes('%PDF-')) return 'The file is not a CSV file: it contains a PDF document'
  if (MARKUP.test(text)) return 'The file is not a CSV file: it contains HTML or XML markup'
  return null
}
