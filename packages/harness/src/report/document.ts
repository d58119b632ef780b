/**
 * A report as a list of blocks, rendered to Markdown (summary.md) and to one self-contained
 * HTML page (report.html), so both say the same thing.
 */
export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; header: string[]; rows: string[][]; caption?: string }
  | { kind: 'figure'; file: string; svg: string; caption: string };

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** `**bold**` and `` `code` `` in block text, the only inline markup used. */
const inlineHtml = (text: string) => escapeHtml(text).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/`(.+?)`/g, '<code>$1</code>');
const cellMd = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function toMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'heading':
        out.push(`${'#'.repeat(b.level)} ${b.text}`, '');
        break;
      case 'paragraph':
        out.push(b.text, '');
        break;
      case 'list':
        out.push(...b.items.map((i) => `- ${i}`), '');
        break;
      case 'table':
        if (b.caption) out.push(b.caption, '');
        out.push(`| ${b.header.map(cellMd).join(' | ')} |`, `|${b.header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
        out.push(...b.rows.map((r) => `| ${r.map(cellMd).join(' | ')} |`), '');
        break;
      case 'figure':
        out.push(`![${b.caption}](${b.file})`, '', `*${b.caption}*`, '');
        break;
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

const STYLE =
  'body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:82rem;padding:0 1rem;color:#222}' +
  'table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .55rem;text-align:right}' +
  'td:first-child,th:first-child{text-align:left}caption{text-align:left;font-style:italic;padding:.3rem 0}' +
  'figure{margin:1.5rem 0}figcaption{font-style:italic;color:#555}code{background:#f4f4f4;padding:0 .2rem}' +
  'pre{white-space:pre-wrap;background:#f8f8f8;padding:.5rem}';

export function toHtml(title: string, blocks: readonly Block[]): string {
  const body = blocks.map((b) => {
    switch (b.kind) {
      case 'heading':
        return `<h${b.level}>${inlineHtml(b.text)}</h${b.level}>`;
      case 'paragraph':
        return `<p>${inlineHtml(b.text)}</p>`;
      case 'list':
        return `<ul>${b.items.map((i) => `<li>${inlineHtml(i)}</li>`).join('')}</ul>`;
      case 'table':
        return `<table>${b.caption ? `<caption>${inlineHtml(b.caption)}</caption>` : ''}<thead><tr>${b.header.map((h) => `<th>${inlineHtml(h)}</th>`).join('')}</tr></thead>` +
          `<tbody>${b.rows.map((r) => `<tr>${r.map((c) => `<td>${inlineHtml(c)}</td>`).join('')}</tr>`).join('\n')}</tbody></table>`;
      case 'figure':
        return `<figure>${b.svg.replace(/^<\?xml[^>]*>\s*/, '')}<figcaption>${inlineHtml(b.caption)}</figcaption></figure>`;
    }
  });
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>\n${body.join('\n')}\n</body></html>\n`;
}
