/**
 * Type checking of struct literals `Name{f: v}` (parsed as `Name.__kcg_new__({f: v})`, see
 * syntaxRewrite.ts), like cel-go checkCreateStruct: the name must denote an object type, each field
 * must exist on it and accept its value; the literal has the object type.
 */
import type { CelType } from './api.js';
import type { Checker } from './checker.js';
import { CEL_CODES } from './issues.js';
import { nodeSpan } from './locate.js';
import { type AstNode, OPTIONAL_ENTRY_OP, unalias } from './parse.js';
import { ERROR, formatType } from './types.js';

export function checkStructLiteral(checker: Checker, node: AstNode): CelType {
  const [, target, args] = node.args as [string, AstNode, AstNode[]];
  const fields = args[0];
  const nameSpan = { start: target.start, end: target.end };
  const typeName = checker.qualifiedName(target);
  if (typeName === undefined || fields?.op !== 'map' || args.length !== 1) {
    checker.report(CEL_CODES.syntax, nameSpan, 'Syntax error: invalid struct literal');
    return ERROR;
  }
  const objectType = resolveStructType(checker, typeName, nameSpan);
  for (const [entryKey, value] of fields.args as Array<[AstNode, AstNode]>) {
    // `Obj{?f: v}`: an optional field, set only when the optional v has a value.
    const optional = entryKey.op === OPTIONAL_ENTRY_OP;
    const key = optional ? (entryKey.args as AstNode) : entryKey;
    const checked = checker.check(value);
    const valueType = optional ? checker.optionalEntryValue(entryKey, value, checked) : checked;
    if (key.op !== 'id') {
      checker.report(CEL_CODES.syntax, nodeSpan(checker.src, key), 'Syntax error: struct field names must be identifiers');
      continue;
    }
    if (objectType.kind !== 'object') continue;
    const fieldName = unalias(key.args as string);
    const fieldType = checker.lookupField(objectType, fieldName);
    const span = { start: key.start, end: key.end };
    if (!fieldType) {
      checker.report(CEL_CODES.undefinedField, span, `undefined field '${fieldName}'`, checker.fieldSuggestions(objectType, fieldName));
    } else if (!checker.assignable(fieldType, valueType)) {
      checker.report(CEL_CODES.noMatchingOverload, span,
        `expected type of field '${fieldName}' is '${formatType(checker.resolved(fieldType))}' but provided type is '${formatType(checker.resolved(valueType))}'`);
    }
  }
  return objectType;
}

/** The object type a struct literal names, or ERROR after reporting why it is not one. */
function resolveStructType(checker: Checker, typeName: string, nameSpan: { start: number; end: number }): CelType {
  const typeValue = checker.lookupIdent(typeName);
  if (!typeValue) {
    checker.report(CEL_CODES.undeclaredReference, nameSpan, `undeclared reference to '${typeName}' (in container '')`);
  } else if (typeValue.kind !== 'type') {
    checker.report(CEL_CODES.otherTypeError, nameSpan, `'${typeName}' is not a type`);
  } else if (typeValue.of.kind !== 'object') {
    checker.report(CEL_CODES.otherTypeError, nameSpan, `'${formatType(typeValue.of)}' is not a message type`);
  } else {
    return typeValue.of;
  }
  return ERROR;
}
