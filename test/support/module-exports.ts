import * as ts from 'typescript';

/** Every name a TypeScript module exports (values and types), sorted: what a consumer can import from it. */
export function exportedNames(file: string): string[] {
  const program = ts.createProgram([file], { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: true, types: ['node', 'jest'], experimentalDecorators: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`no source file ${file}`);
  const symbol = checker.getSymbolAtLocation(source);
  if (!symbol) throw new Error(`${file} is not a module`);
  return checker.getExportsOfModule(symbol).map((s) => s.getName()).sort();
}
