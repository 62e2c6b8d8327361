// The Python client's event methods (clients/python/sidetone/_events.py), written from the event
// JSON Schemas (docs/schemas): one method per event type, snake_case arguments for the wire's
// camelCase fields, required fields positional, optional ones keyword-only.
import { camelWords, describe, fieldsOf, isOptional, TS_TYPES } from './schema-walk.mjs';

const KEYWORDS = new Set(['from', 'import', 'global', 'lambda', 'class', 'def', 'pass', 'in', 'is', 'not']);

/** `callId` -> `call_id`, `from` -> `from_`. */
export function pyName(wire) {
  const name = camelWords(wire).join('_');
  return KEYWORDS.has(name) ? `${name}_` : name;
}

/** `call.started` -> `call_started`. */
export const pyMethod = (type) => type.replace(/[^A-Za-z0-9]+/g, '_');

const pyClass = (parts) =>
  parts
    .flatMap((p) => camelWords(p.replace(/[^A-Za-z0-9]+/g, ' ')))
    .map(cap)
    .join('');
const cap = (w) => w.charAt(0).toUpperCase() + w.slice(1);
const lit = (v) => JSON.stringify(v);

/** The annotation for a JSON Schema; nested objects become TypedDicts appended to `dicts`. */
function annotation(schema, path, dicts) {
  if (schema.const !== undefined) return `Literal[${lit(schema.const)}]`;
  if (schema.enum !== undefined) return `Literal[${schema.enum.map(lit).join(', ')}]`;
  if (schema.anyOf !== undefined) {
    const members = [...new Set(schema.anyOf.map((s) => annotation(s, path, dicts)))];
    return members.length === 1 ? members[0] : `Union[${members.join(', ')}]`;
  }
  switch (schema.type) {
    case 'string':
      return 'str';
    case 'integer':
      return 'int';
    case 'number':
      return 'float';
    case 'boolean':
      return 'bool';
    case 'array':
      return `List[${annotation(schema.items ?? {}, path, dicts)}]`;
    case 'object': {
      const name = pyClass(path);
      const fields = Object.entries(schema.properties ?? {});
      const required = new Set(schema.required ?? []);
      const total = fields.every(([k]) => required.has(k));
      const typed = fields.map(([k, v]) => [k, annotation(v, [...path, k], dicts)]);
      // A key that is a Python keyword (sip.flow's `from`) cannot be a class attribute: such a dict
      // takes TypedDict's functional form (PEP 589), the same type to mypy.
      const lines = typed.some(([k]) => KEYWORDS.has(k))
        ? [
            '',
            '',
            `#: ${doc(describe(schema) || name)}`,
            `${name} = TypedDict(`,
            `    ${lit(name)},`,
            '    {',
            ...typed.map(([k, t]) => `        ${lit(k)}: ${t},`),
            '    },',
            ...(total ? [] : ['    total=False,']),
            ')',
          ]
        : [
            '',
            '',
            `class ${name}(TypedDict${total ? '' : ', total=False'}):`,
            `    """${doc(describe(schema) || name)}"""`,
            '',
            ...typed.map(([k, t]) => `    ${k}: ${t}`),
          ];
      dicts.push(lines.join('\n'));
      return name;
    }
    default:
      return 'Any';
  }
}

const doc = (text) => text.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"');

/** `text` wrapped at 96 columns, the first line indented by `first`, the others by `rest`. */
function wrap(text, first, rest = first) {
  const out = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const indent = out.length === 0 ? first : rest;
    if (line !== '' && indent.length + line.length + word.length + 1 > 96) {
      out.push(indent + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') out.push((out.length === 0 ? first : rest) + line);
  return out;
}

function method(type, schema, dicts) {
  const fields = fieldsOf(schema);
  const required = fields.filter((f) => !isOptional(schema, f.wire));
  const optional = fields.filter((f) => isOptional(schema, f.wire));
  const params = ['self'];
  for (const f of required) params.push(`${pyName(f.wire)}: ${annotation(f.schema, [type, f.wire], dicts)}`);
  params.push('*');
  for (const f of optional)
    params.push(`${pyName(f.wire)}: Optional[${annotation(f.schema, [type, f.wire], dicts)}] = None`);
  params.push(
    `ts: Optional[${TS_TYPES.python}] = None`,
    'source: Optional[str] = None',
    'event_id: Optional[str] = None',
  );
  const argDocs = fields.flatMap((f) =>
    wrap(
      doc(`${pyName(f.wire)}: ${describe(f.schema)}${f.schema['x-pii'] ? ' (may identify a person)' : ''}`),
      '            ',
      '                ',
    ),
  );
  const anyOf = schema.anyOf?.map((a) => a.required?.map(pyName).join(' and ')).join(', or ');
  return [
    '',
    `    def ${pyMethod(type)}(`,
    ...params.map((p) => `        ${p},`),
    '    ) -> Optional[str]:',
    `        """${doc(`${describe(schema)} (\`${type}\`).`)}`,
    ...(anyOf ? ['', ...wrap(doc(`Give at least one of: ${anyOf}.`), '        ')] : []),
    '',
    ...(argDocs.length > 0 ? ['        Args:', ...argDocs, ''] : []),
    '        Returns the event id, or None when the buffer is full (counted in stats.overflow).',
    '        """',
    '        return self.emit(',
    `            _event(${lit(type)}, ts, source, event_id, (`,
    ...fields.map((f) => `                (${lit(f.wire)}, ${pyName(f.wire)}),`),
    '            ))',
    '        )',
  ].join('\n');
}

/**
 * The text of `_events.py` for the given schemas (`eventJsonSchemas()`).
 * @param {Array<{ type: string, schema: object }>} events
 */
export function renderPython(events) {
  const dicts = [];
  const methods = events.map(({ type, schema }) => method(type, schema, dicts));
  return `${[
    '# Generated by scripts/clients/python.mjs from docs/schemas (the zod schemas); do not edit.',
    '# Regenerate: npm run gen-docs',
    '"""One method per sidetone event type, mixed into Client and AsyncClient."""',
    '',
    'from __future__ import annotations',
    '',
    'from typing import Any, Dict, Iterable, List, Literal, Optional, Tuple, TypedDict, Union',
    '',
    `#: Every event type, in the server's documentation order (${events.length}).`,
    'EVENT_TYPES: Tuple[str, ...] = (',
    ...events.map((e) => `    ${lit(e.type)},`),
    ')',
    '',
    '',
    'def _event(',
    '    type_: str,',
    `    ts: Optional[${TS_TYPES.python}],`,
    '    source: Optional[str],',
    '    event_id: Optional[str],',
    '    fields: Iterable[Tuple[str, Any]],',
    ') -> Dict[str, Any]:',
    '    event: Dict[str, Any] = {"type": type_}',
    '    for key, value in fields:',
    '        if value is not None:',
    '            event[key] = value',
    '    if ts is not None:',
    '        event["ts"] = ts',
    '    if source is not None:',
    '        event["source"] = source',
    '    if event_id is not None:',
    '        event["id"] = event_id',
    '    return event',
    ...dicts,
    '',
    '',
    'class Events:',
    '    """The event methods; `emit` is the client\'s.',
    '',
    '    Every method also takes `ts` (when it happened: epoch ms or ISO 8601; default now, stamped',
    '    when emitted, not when sent), `source` (the emitting system, for logs) and `event_id` (the',
    '    id the sidecar dedupes retries on; default a new UUID).',
    '    """',
    '',
    '    def emit(self, event: Dict[str, Any]) -> Optional[str]:  # pragma: no cover - overridden',
    '        raise NotImplementedError',
    ...methods,
  ].join('\n')}\n`;
}
