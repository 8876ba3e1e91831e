/**
 * A value (a user name, a label, an error from a provider) as inert markdown text: it can neither
 * format, link, mention, open raw HTML, start a heading, nor break out of a table cell.
 * Every character CommonMark or GitHub gives a meaning inline (emphasis, code, links, HTML,
 * entities, mentions, math, strikethrough, cell separators) is backslash-escaped; GFM autolinks (`https://`, `www.`) are broken up; line breaks
 * become spaces; other control characters become U+FFFD.
 */
export function markdownText(value: string): string {
  return (
    value
      .replace(/\r\n?|\n/g, ' ')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD')
      .replace(/[\\`*_[\]<>#!|~&@$]/g, '\\$&')
      .replace(/:\/\//g, '\\:\\/\\/')
      .replace(/\bwww\./gi, (www) => `${www.slice(0, 3)}\\.`)
  );
}
