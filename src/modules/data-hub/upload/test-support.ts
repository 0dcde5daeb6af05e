import { randomBytes } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import type { TestClient } from '../../../../test/http-client.ts'

/** A multipart/form-data body as a browser sends it: the fields in order, then the file. */
export function multipartForm(
  fields: Record<string, string>,
  file?: { name: string; type: string; content: Buffer | string },
): { payload: Buffer; contentType: string } {
  const boundary = `----upstream${randomBytes(12).toString('hex')}`
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    )
  }
  if (file) {
    // filename* (RFC 5987) carries any name, even with quotes, NUL or line breaks in it.
    const disposition = `form-data; name="file"; filename*=UTF-8''${encodeURIComponent(file.name)}`
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: ${disposition}\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
    )
    parts.push(Buffer.from(file.content))
    parts.push(Buffer.from('\r\n'))
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` }
}

/** Posts the upload form with the client's CSRF token first, as the page's form does. */
export function postUpload(
  client: TestClient,
  file: { name: string; type?: string; content: Buffer | string } | undefined,
  fields: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const form = multipartForm(
    { _csrf: client.csrfToken, kind: 'auto', ...fields },
    file && { type: 'text/csv', ...file },
  )
  return client.request({
    method: 'POST',
    url: '/data/upload',
    payload: form.payload,
    headers: { 'content-type': form.contentType },
  })
}
