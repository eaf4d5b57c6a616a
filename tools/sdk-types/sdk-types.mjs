// The JavaScript SDK's type declarations, generated from its JSDoc by tsc.
//
//   node tools/sdk-types/sdk-types.mjs --write   write src/palaver/static/sdk/**/*.d.ts (make sdk-types)
//   node tools/sdk-types/sdk-types.mjs --check   fail if a committed .d.ts differs (make lint),
//                                                or if tests/js/sdk-usage.ts does not type-check
//
// tsc reads the SDK's modules (palaver-chat.js and src/*.js) with allowJs and emits
// one .d.ts per module, next to it. The committed .d.ts files are hidden from the
// compiler while it runs: TypeScript resolves `./src/chat.js` to `./src/chat.d.ts`
// when that exists, and the declarations must come from the JavaScript, not from
// their previous generation. Emit errors (a JSDoc type tsc cannot declare) fail both.

import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SDK = path.join(ROOT, 'src', 'palaver', 'static', 'sdk');
const ENTRY = path.join(SDK, 'palaver-chat.js');
const USAGE = path.join(ROOT, 'tests', 'js', 'sdk-usage.ts');

const OPTIONS = {
  allowJs: true,
  declaration: true,
  emitDeclarationOnly: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ES2022,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: [],
  rootDir: SDK,
  outDir: SDK,
  newLine: ts.NewLineKind.LineFeed,
  skipLibCheck: true,
};

/** Whether `file` is one of the SDK's own declaration files (hidden from tsc). */
function isSdkDeclaration(file) {
  const f = path.resolve(file);
  return f.startsWith(SDK + path.sep) && f.endsWith('.d.ts');
}

/** Print the errors among `diagnostics` and exit 1, if there are any. */
function failOn(diagnostics) {
  const problems = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (!problems.length) return;
  console.error(ts.formatDiagnostics(problems, {
    getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n',
  }));
  process.exit(1);
}

/** Type-check (strict) an app's use of the SDK against the committed declarations. */
function checkUsage() {
  const options = {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [],
  };
  failOn(ts.getPreEmitDiagnostics(ts.createProgram([USAGE], options)));
}

/** {path: text} of every .d.ts tsc generates from the SDK's modules. */
function generate() {
  const host = ts.createCompilerHost(OPTIONS);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => !isSdkDeclaration(f) && fileExists(f);
  const out = {};
  const program = ts.createProgram([ENTRY], OPTIONS, host);
  const result = program.emit(undefined, (file, text) => {
    out[path.resolve(file)] = text;
  });
  failOn([...ts.getPreEmitDiagnostics(program), ...result.diagnostics]);
  return out;
}

/** The SDK's committed .d.ts files. */
function committed() {
  const files = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, {withFileTypes: true})) {
      const f = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== 'node_modules') walk(f);
      else if (e.isFile() && isSdkDeclaration(f)) files.push(f);
    }
  };
  walk(SDK);
  return files;
}

const mode = process.argv[2];
if (mode !== '--check' && mode !== '--write') {
  console.error('usage: node tools/sdk-types/sdk-types.mjs --check | --write');
  process.exit(2);
}
const fresh = generate();
const rel = (f) => path.relative(ROOT, f);
if (mode === '--write') {
  for (const f of committed()) if (!(f in fresh)) fs.rmSync(f);
  for (const [f, text] of Object.entries(fresh)) fs.writeFileSync(f, text);
  console.log(`wrote ${Object.keys(fresh).length} declaration files in ${rel(SDK)}`);
} else {
  const stale = [];
  for (const [f, text] of Object.entries(fresh)) {
    if (!fs.existsSync(f) || fs.readFileSync(f, 'utf8') !== text) stale.push(rel(f));
  }
  for (const f of committed()) if (!(f in fresh)) stale.push(`${rel(f)} (not generated: remove it)`);
  if (stale.length) {
    console.error(`the SDK's .d.ts files are not what its JSDoc generates; run make sdk-types:\n  ${stale.join('\n  ')}`);
    process.exit(1);
  }
  checkUsage();
  console.log(`${Object.keys(fresh).length} SDK declaration files match their JSDoc; ${rel(USAGE)} type-checks`);
}
