import * as ts from 'typescript';

const OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: true, types: ['node', 'jest'], experimentalDecorators: true,
};

/** A compiler host that parses each file once for all the programs of a test file (lib/ and the declarations it reads). */
const host = ts.createCompilerHost(OPTIONS);
const parsed = new Map<string, ts.SourceFile | undefined>();
const parse = host.getSourceFile.bind(host);
host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
  if (!parsed.has(fileName)) parsed.set(fileName, parse(fileName, languageVersion, onError, shouldCreate));
  return parsed.get(fileName);
};

const exported = new Map<string, string[]>();

/** Every name a TypeScript module exports (values and types), sorted: what a consumer can import from it. */
export function exportedNames(file: string): string[] {
  let names = exported.get(file);
  if (!names) {
    const program = ts.createProgram([file], OPTIONS, host);
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`no source file ${file}`);
    const symbol = checker.getSymbolAtLocation(source);
    if (!symbol) throw new Error(`${file} is not a module`);
    names = checker.getExportsOfModule(symbol).map((s) => s.getName()).sort();
    exported.set(file, names);
  }
  return [...names];
}
