import { canonicalJson, type JsonValue } from './canonical-json';

/**
 * One line of an exported ledger, accepted only when it is exactly the canonical encoding of what
 * it holds. JSON alone lets one line be read two ways (a duplicate key is "the first" to one
 * reader and "the last" to another, as SQLite's json_extract and JSON.parse disagree), and lets
 * the hashed body differ from the bytes on the line; a canonical line has one reading only.
 */
export type CanonicalLine = { readonly ok: true; readonly value: JsonValue } | { readonly ok: false; readonly problem: string };

export function parseCanonicalLine(line: string): CanonicalLine {
  let value: JsonValue;
  try {
    value = JSON.parse(line) as JsonValue;
  } catch (error) {
    return { ok: false, problem: `not JSON (${(error as Error).message})` };
  }
  const duplicate = firstDuplicateKey(line);
  if (duplicate) return { ok: false, problem: `duplicate key ${JSON.stringify(duplicate.key)} in ${duplicate.path}` };
  let canonical: string;
  try {
    canonical = canonicalJson(value);
  } catch (error) {
    return { ok: false, problem: (error as Error).message };
  }
  if (canonical !== line) return { ok: false, problem: `not in canonical form ${whereTheyDiffer(line, canonical)}` };
  return { ok: true, value };
}

function whereTheyDiffer(line: string, canonical: string): string {
  let i = 0;
  while (i < line.length && line[i] === canonical[i]) i += 1;
  const from = Math.max(0, i - 8);
  const excerpt = (text: string) => JSON.stringify(`${from > 0 ? '…' : ''}${text.slice(from, i + 12)}${text.length > i + 12 ? '…' : ''}`);
  return `at column ${i + 1}: written ${excerpt(line)}, canonically ${excerpt(canonical)}`;
}

type Frame = { readonly keys: Set<string>; readonly path: string; key: string; expectKey: boolean } | { readonly keys?: undefined; readonly path: string; index: number };

/** The first key that appears twice in one object of `text`, which must be valid JSON. */
function firstDuplicateKey(text: string): { key: string; path: string } | undefined {
  const stack: Frame[] = [];
  const pathOfNextValue = (): string => {
    const top = stack.at(-1);
    if (!top) return '$';
    return top.keys ? `${top.path}.${top.key}` : `${top.path}[${top.index}]`;
  };
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    const top = stack.at(-1);
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return { key, path: top.path };
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = end;
    } else if (c === '{') stack.push({ keys: new Set(), path: pathOfNextValue(), key: '', expectKey: true });
    else if (c === '[') stack.push({ path: pathOfNextValue(), index: 0 });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',' && top) {
      if (top.keys) top.expectKey = true;
      else top.index += 1;
    }
  }
  return undefined;
}
