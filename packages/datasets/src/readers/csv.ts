import { DatasetError } from '@prunebench/core';

/**
 * Rows of a CSV text (RFC 4180): fields split on `delimiter`, double-quoted fields may hold the
 * delimiter, newlines and doubled quotes (""); CRLF or LF line ends; blank lines are skipped.
 */
export function parseCsv(text: string, delimiter = ',', file?: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let openedOn = 0;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    if (row.length > 1 || row[0].trim() !== '') rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      openedOn = line;
      field = '';
    } else if (c === delimiter) endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
    } else field += c;
  }
  if (quoted) throw new DatasetError(`${file ?? 'CSV'}: a quoted field opened on line ${openedOn} is never closed`, file);
  if (field !== '' || row.length) endRow();
  return rows;
}
