// The public API is documented with TSDoc: every export of lib/index.ts (namespaces walked), every
// public member of its classes and every field of its interfaces has a doc comment (TypeScript's own reading of them, as editors show).
import * as path from 'node:path';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');

function undocumented(): string[] {
  const index = path.join(ROOT, 'lib', 'index.ts');
  const program = ts.createProgram([index], { strict: true, target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, noEmit: true });
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  const seen = new Set<ts.Symbol>();
  const where = (d: ts.Declaration | undefined): string => (d ? path.relative(ROOT, d.getSourceFile().fileName) : '?');
  const visit = (symbol: ts.Symbol, name: string): void => {
    const sym = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (seen.has(sym)) return;
    seen.add(sym);
    if (sym.flags & ts.SymbolFlags.Module) {
      for (const e of checker.getExportsOfModule(sym)) visit(e, `${name}.${e.name}`);
      return;
    }
    if (!ts.displayPartsToString(sym.getDocumentationComment(checker))) missing.push(`${name} (${where(sym.declarations?.[0])})`);
    if (sym.flags & ts.SymbolFlags.Interface && !(sym.flags & ts.SymbolFlags.Class)) {
      // An options or result interface: each field is what an editor shows while one is typed.
      for (const member of checker.getDeclaredTypeOfSymbol(sym).getProperties()) {
        const d = member.declarations?.[0];
        if (d && !d.getSourceFile().fileName.includes('node_modules') && !ts.displayPartsToString(member.getDocumentationComment(checker))) missing.push(`${name}.${member.name} (${where(d)})`);
      }
      return;
    }
    if (!(sym.flags & ts.SymbolFlags.Class)) return;
    for (const member of checker.getDeclaredTypeOfSymbol(sym).getProperties()) {
      const d = member.declarations?.[0];
      if (!d || d.getSourceFile().fileName.includes('node_modules') || member.name.startsWith('__@')) continue;
      if (ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      if (/@internal/.test(d.getFullText())) continue;
      if (!ts.displayPartsToString(member.getDocumentationComment(checker))) missing.push(`${name}#${member.name} (${where(d)})`);
    }
  };
  const module = checker.getSymbolAtLocation(program.getSourceFile(index) as ts.SourceFile) as ts.Symbol;
  for (const e of checker.getExportsOfModule(module)) visit(e, e.name);
  return missing;
}

describe('TSDoc', () => {
  it('every public export, class member and interface field has a doc comment', () => {
    expect(undocumented()).toEqual([]);
  }, 60_000);
});
