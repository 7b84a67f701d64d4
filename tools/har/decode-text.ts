import { isAscii } from 'node:buffer';

/** Turn raw HAR bytes into text: UTF-8 with or without BOM, UTF-16 LE/BE with BOM. */
export type TextEncodingName = 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be';

export function detectEncoding(buf: Buffer): TextEncodingName {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return 'utf8-bom';
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return 'utf16le';
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return 'utf16be';
  return 'utf8';
}

export function bytesToText(buf: Buffer, enc: TextEncodingName): string {
  switch (enc) {
    case 'utf8-bom':
      return buf.subarray(3).toString('utf8');
    case 'utf16le':
      return buf.subarray(2).toString('utf16le');
    case 'utf16be': {
      const body = Buffer.from(buf.subarray(2));
      body.swap16();
      return body.toString('utf16le');
    }
    default:
      // ASCII fast path is notably faster in V8 for the common all-ASCII capture.
      return buf.toString(isAsciiBuf(buf) ? 'latin1' : 'utf8');
  }
}

function isAsciiBuf(buf: Buffer): boolean {
  return isAscii(buf);
}
