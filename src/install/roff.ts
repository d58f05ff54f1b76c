/**
 * The little of roff (man(7) macros) the man pages need: escaping text so that groff prints it
 * as written, and the macros for titles, sections, tagged paragraphs and literal blocks. Pure.
 */

/**
 * Text as roff prints it literally: backslashes escaped, a dash that starts a word (`-b`,
 * `--root`, `-1`) as `\-` so it stays a minus sign (copy-pasteable) rather than a hyphen, and a
 * line that would start with a control character (`.`, `'`) guarded with `\&`.
 */
export function roffText(s: string): string {
  const escaped = s.replace(/\\/g, '\\e').replace(/(?<![A-Za-z0-9])-/g, '\\-');
  return escaped
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

export const bold = (s: string): string => `\\fB${roffText(s)}\\fR`;
export const italic = (s: string): string => `\\fI${roffText(s)}\\fR`;

/** `.TH`: the page's title line. */
export function title(name: string, section: number, date: string, source: string, manual: string): string {
  const q = (s: string) => `"${s.replace(/"/g, '')}"`;
  return `.TH ${q(name.toUpperCase())} ${section} ${q(date)} ${q(source)} ${q(manual)}`;
}

export const section = (name: string): string => `.SH ${name.toUpperCase()}`;
export const subsection = (name: string): string => `.SS ${roffText(name)}`;
export const paragraph = (text: string): string => `.PP\n${roffText(text)}`;

/** A tagged paragraph: `tag` (already formatted) on its line, `body` indented below it. */
export const tagged = (tag: string, body: string): string => `.TP\n${tag}\n${roffText(body)}`;

/** A block printed as it is (code, config snippets), no filling, in a fixed-width font. */
export function literal(text: string): string {
  return `.PP\n.RS 4\n.nf\n${roffText(text.replace(/\n+$/, ''))}\n.fi\n.RE`;
}

/** References to other pages, `berth-create(8)`, as man's SEE ALSO lists them. */
export const seeAlso = (pages: string[]): string => pages.map((p, i) => `${bold(p.replace(/\(\d\)$/, ''))}${p.match(/\(\d\)$/)?.[0] ?? ''}${i < pages.length - 1 ? ',' : ''}`).join('\n');
