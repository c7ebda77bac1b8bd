// The public API is documented with TSDoc: every export of lib/index.ts (namespaces walked), every
// public member of its classes and every field of its interfaces has a doc comment (TypeScript's own
// reading of them, as editors show).
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
  const hasDoc = (s: ts.Symbol): boolean => ts.displayPartsToString(s.getDocumentationComment(checker)) !== '';
  // A class's public members, or an interface's fields (what an editor shows while options are typed).
  const members = (sym: ts.Symbol, name: string): void => {
    for (const member of checker.getDeclaredTypeOfSymbol(sym).getProperties()) {
      const d = member.declarations?.[0];
      if (!d || d.getSourceFile().fileName.includes('node_modules') || member.name.startsWith('__@')) continue;
      // Private by keyword, or by a #name (JavaScript's own private fields).
      if (ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected) || member.name.startsWith('#')) continue;
      if (/@internal/.test(d.getFullText())) continue;
      if (!hasDoc(member)) missing.push(`${name}#${member.name} (${where(d)})`);
    }
  };
  const visit = (symbol: ts.Symbol, name: string): void => {
    const sym = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (seen.has(sym)) return;
    seen.add(sym);
    if (sym.flags & ts.SymbolFlags.Module) {
      for (const e of checker.getExportsOfModule(sym)) visit(e, `${name}.${e.name}`);
      return;
    }
    if (!hasDoc(sym)) missing.push(`${name} (${where(sym.declarations?.[0])})`);
    if (sym.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) members(sym, name);
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
