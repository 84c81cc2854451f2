#!/usr/bin/env node
// Offline schema check of capkit's Kubernetes manifests, standing in for
// `kubectl apply --dry-run=client --validate=strict` where no cluster (and so no OpenAPI
// document) is at hand.
//
//   npm ci --prefix k8s/schema-check && node k8s/schema-check/check.mjs [FILE|-]...
//
// Every k8s/*.yaml template is rendered as `envsubst` would render it with sample values of the
// documented variables (a `$VAR`/`${VAR}` that is not one of them fails the check: envsubst would
// silently put the caller's value there, usually an empty string). Each FILE given (`-` is standard input) is checked as
// it is, as an already rendered manifest (`envsubst < k8s/injectors-job.yaml > job.yaml`): any
// `${VAR}` still in it fails. Every YAML document is then
//   1. validated by the kubernetes-models class of its apiVersion/kind (the official Kubernetes
//      OpenAPI schema compiled to a validator: types, required fields, enums, int32/int64 and
//      quantity formats), and
//   2. checked for unknown fields, as kubectl's default --validate=strict does. The generated
//      validators read every property their schema declares (`data.<name> !== undefined`) and
//      enumerate the keys only of maps (labels, resources.requests, ...). The document is handed
//      to the validator behind a Proxy that records those reads, so a key of an object that the
//      validator neither read nor enumerated is unknown to the schema. Not checked for unknown
//      keys (printed as `note` lines when a document has such an object): free-form objects whose
//      schema declares no properties (the validator reads none of its keys), and the keys of
//      maps, which are arbitrary by definition (their values are still validated).
//
// Output: `ok <file> (<kind>[, <kind>...])` per file on stdout; `<file>[#doc]: <path>: <problem>`
// per error on stderr. Exit 0 when every file passes, 1 when any fails, 2 on a usage error (also:
// packages not installed), 3 on an internal error of the check itself.

import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let parseAllDocuments; // from the yaml package, imported in main() so that its absence is reported plainly

const HERE = path.dirname(fileURLToPath(import.meta.url));
const K8S = path.resolve(HERE, "..");

/** Sample values of the variables k8s/README.md documents, as a user would export them. */
const SAMPLE_VARS = {
  RUN: "r1767225600",
  INJECTORS: "3",
  START_AT: "1767225600000",
  TARGET: "http://vllm.default.svc:8000",
  SCENARIO: "quickstart",
  IMAGE: "registry.example.com/capkit:dev",
  CAPKIT_ARGS: "-Dcapkit.qps=30 -Dcapkit.duration=2m",
  TARGET_QPS: "30",
};

const USAGE = `usage: node k8s/schema-check/check.mjs [FILE|-]...
  Renders and checks every k8s/*.yaml template, then checks each FILE (already rendered;
  '-' reads standard input) against the Kubernetes OpenAPI schemas of kubernetes-models.
  Prints 'ok <file> (<kind>)' per valid file, '<file>: <field>: <problem>' per error.
  Exit 0: all valid; 1: a manifest is invalid; 2: usage error; 3: internal error.`;

async function main(argv) {
  try {
    ({ parseAllDocuments } = await import("yaml"));
    await import("kubernetes-models/batch/v1/Job");
  } catch (e) {
    return usageError(`the check's packages are not installed (${e.code ?? e.message}): run npm ci --prefix k8s/schema-check`);
  }
  if (argv.includes("-h") || argv.includes("--help")) {
    console.log(USAGE);
    return 0;
  }
  const bad = argv.find((a) => a.startsWith("-") && a !== "-");
  if (bad !== undefined) {
    return usageError(`unknown option '${bad}'`);
  }
  const inputs = [];
  for (const name of readdirSync(K8S).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const file = path.join(K8S, name);
    inputs.push({ label: path.relative(process.cwd(), file) || file, text: readFileSync(file, "utf8"), template: true });
  }
  for (const arg of argv) {
    try {
      inputs.push({ label: arg === "-" ? "<stdin>" : arg, text: readFileSync(arg === "-" ? 0 : arg, "utf8"), template: false });
    } catch (e) {
      return usageError(`cannot read '${arg}': ${e.code ?? e.message}`);
    }
  }
  return checkAll(inputs);
}

function usageError(message) {
  console.error(`check.mjs: ${message}\n${USAGE}`);
  return 2;
}

async function checkAll(inputs) {
  let failed = 0;
  for (const input of inputs) {
    const result = await checkFile(input);
    for (const note of result.notes) {
      console.log(`note ${input.label}${note}`);
    }
    if (result.errors.length === 0) {
      console.log(`ok ${input.label} (${result.kinds.join(", ")})`);
    } else {
      failed++;
      for (const error of result.errors) {
        console.error(`${input.label}${error}`);
      }
    }
  }
  return failed === 0 ? 0 : 1;
}

async function checkFile({ text, template }) {
  const errors = [];
  const notes = [];
  const kinds = [];
  const rendered = template ? renderTemplate(text, errors) : text;
  if (!template) {
    forEachMatch(rendered, /\$\{[^}\n]*\}?/g, (m, line) =>
      errors.push(`:${line}: ${m} left unrendered (render the template with envsubst first)`));
  }
  const docs = parseAllDocuments(rendered, { version: "1.1", uniqueKeys: true, prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const numbered = list.filter((d) => d.contents !== null || d.errors.length > 0).length > 1;
  let index = 0;
  for (const doc of list) {
    if (doc.contents === null && doc.errors.length === 0) {
      continue; // an empty document (a trailing `---`): kubectl skips it too
    }
    index++;
    const where = numbered ? `#${index}` : "";
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        errors.push(`${where}:${e.linePos?.[0]?.line ?? "?"}: YAML: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`);
      }
      continue;
    }
    let data;
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      errors.push(`${where}: YAML: ${e.message}`); // e.g. an alias to an anchor of another document
      continue;
    }
    if (data === null) {
      continue; // `---` with nothing after it: an empty document, skipped by kubectl too
    }
    const kind = await checkDocument(data, (p, problem) => errors.push(`${where}: ${p}: ${problem}`),
      (p, note) => notes.push(`${where}: ${p}: ${note}`));
    if (kind) {
      kinds.push(kind);
    }
  }
  if (kinds.length === 0 && errors.length === 0) {
    errors.push(": no Kubernetes object in the file");
  }
  return { errors, notes, kinds };
}

/** envsubst's substitution, limited to the documented variables; anything else is an error. */
function renderTemplate(text, errors) {
  const known = Object.keys(SAMPLE_VARS).join(", ");
  return text.split("\n").map((line, i) => {
    const rendered = line.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (m, braced, bare) => {
      const name = braced ?? bare;
      if (Object.hasOwn(SAMPLE_VARS, name)) {
        return SAMPLE_VARS[name];
      }
      errors.push(`:${i + 1}: ${m} is not one of the documented variables (${known}); envsubst would replace it with its value in the caller's environment, usually empty`);
      return "";
    });
    // `${VAR:-default}` and other shell forms: envsubst leaves them as they are
    for (const m of rendered.matchAll(/\$\{[^}]*\}?/g)) {
      errors.push(`:${i + 1}: ${m[0]} left unrendered: envsubst substitutes only $VAR and \${VAR}`);
    }
    return rendered;
  }).join("\n");
}

function forEachMatch(text, regex, fn) {
  text.split("\n").forEach((line, i) => {
    for (const m of line.matchAll(regex)) {
      fn(m[0], i + 1);
    }
  });
}

/** Validates one object; returns its kind when it could be resolved to a model class. */
async function checkDocument(data, error, note) {
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    error("(document)", `expected a mapping with apiVersion and kind, found ${describe(data)}`);
    return null;
  }
  const { apiVersion, kind } = data;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    error(typeof apiVersion !== "string" ? "apiVersion" : "kind",
      `required string, found ${describe(typeof apiVersion !== "string" ? apiVersion : kind)}`);
    return null;
  }
  const Model = await modelClass(apiVersion, kind);
  if (Model === null) {
    error("apiVersion/kind", `no Kubernetes schema for apiVersion ${JSON.stringify(apiVersion)} kind ${JSON.stringify(kind)} in kubernetes-models (built-in Kubernetes APIs only; custom resources are not known)`);
    return null;
  }
  const json = new Model(data).toJSON();
  const tracer = new ReadTracer();
  try {
    // The class's own validate(), run on a traced copy of the model's data (it validates `this`).
    Model.prototype.validate.call(tracer.wrap(json));
  } catch (e) {
    if (!Array.isArray(e.errors)) {
      throw e;
    }
    for (const [where, problem] of schemaProblems(json, e.errors)) {
      error(where, problem);
    }
  }
  tracer.unknownFields(json, error, note);
  return kind;
}

async function modelClass(apiVersion, kind) {
  if (!/^([a-z0-9-]+(\.[a-z0-9-]+)*\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    return null;
  }
  let mod;
  try {
    mod = await import(`kubernetes-models/${apiVersion}/${kind}`);
  } catch (e) {
    if (e.code === "ERR_MODULE_NOT_FOUND" || e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED") {
      return null;
    }
    throw e;
  }
  const Model = mod[kind];
  // e.g. kubernetes-models/batch/v1/JobSpec exists but is no top-level object
  return typeof Model === "function" && Model.apiVersion === apiVersion && Model.kind === kind ? Model : null;
}

/**
 * ajv's errors as [path, problem] pairs naming the value found. The alternatives of a oneOf/anyOf
 * (IntOrString, Quantity) become one problem: "must be number or must match format ...".
 */
function schemaProblems(root, errors) {
  const byPath = new Map();
  for (const err of errors) {
    const pointer = err.keyword === "required" ? `${err.instancePath}/${err.params.missingProperty}` : err.instancePath;
    if (!byPath.has(pointer)) {
      byPath.set(pointer, []);
    }
    byPath.get(pointer).push(err);
  }
  const problems = [];
  for (const [pointer, errs] of byPath) {
    const found = `found ${describe(valueAt(root, pointer))}`;
    const messages = [...new Set(errs.filter((e) => e.keyword !== "oneOf" && e.keyword !== "anyOf").map(message))];
    if (errs.some((e) => e.keyword === "required")) {
      problems.push([dotted(pointer), "required field is missing"]);
    } else if (errs.some((e) => e.keyword === "oneOf" || e.keyword === "anyOf")) {
      problems.push([dotted(pointer), `${messages.join(" or ")}, ${found}`]);
    } else {
      messages.forEach((m) => problems.push([dotted(pointer), `${m}, ${found}`]));
    }
  }
  return problems;
}

function message(err) {
  return err.keyword === "enum"
    ? `must be one of ${err.params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`
    : err.message;
}

/**
 * Records which properties the generated validator reads on each object of a document, and which
 * objects it enumerates (maps). Objects are identified by identity (a YAML alias shares one).
 */
class ReadTracer {
  constructor() {
    this.records = new Map();
    this.proxies = new WeakMap();
  }

  wrap(value) {
    if (value === null || typeof value !== "object") {
      return value;
    }
    const cached = this.proxies.get(value);
    if (cached) {
      return cached;
    }
    const record = { read: new Set(), enumerated: false };
    this.records.set(value, record);
    const tracer = this;
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver);
        if (typeof key !== "string") {
          return v;
        }
        record.read.add(key);
        return Object.hasOwn(target, key) ? tracer.wrap(v) : v;
      },
      has(target, key) {
        if (typeof key === "string") {
          record.read.add(key);
        }
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        record.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
    this.proxies.set(value, proxy);
    return proxy;
  }

  /** Reports every key the validator did not know, walking only where it walked. */
  unknownFields(root, error, note) {
    const walk = (value, pointer) => {
      if (value === null || typeof value !== "object") {
        return;
      }
      const record = this.records.get(value);
      if (record === undefined) {
        // never handed to a validator: only below a value that already failed its type check
        return;
      }
      if (Array.isArray(value)) {
        value.forEach((v, i) => walk(v, `${pointer}/${i}`));
        return;
      }
      const keys = Object.keys(value);
      if (record.enumerated) {
        keys.forEach((k) => walk(value[k], `${pointer}/${k}`)); // a map: any key, values checked
        return;
      }
      if (record.read.size === 0) {
        if (keys.length > 0) {
          note(dotted(pointer) || "(document)", `free-form object in the schema: its keys (${keys.join(", ")}) are not checked`);
        }
        return;
      }
      for (const k of keys) {
        if (record.read.has(k)) {
          walk(value[k], `${pointer}/${k}`);
        } else {
          const hint = closest(k, [...record.read]);
          error(dotted(`${pointer}/${k}`), `unknown field ${JSON.stringify(k)} (kubectl --validate=strict rejects it)${hint ? `; did you mean ${JSON.stringify(hint)}?` : ""}`);
        }
      }
    };
    walk(root, "");
  }
}

function closest(word, candidates) {
  let best = null;
  let bestDistance = 3; // suggest only near misses
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** JSON pointer `/spec/template/spec/containers/0/name` as `spec.template.spec.containers[0].name`. */
function dotted(pointer) {
  return pointer.split("/").slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((out, s) => (/^\d+$/.test(s) ? `${out}[${s}]` : out ? `${out}.${s}` : s), "");
}

function valueAt(root, pointer) {
  return pointer.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((v, s) => (v !== null && typeof v === "object" ? v[s] : undefined), root);
}

function describe(value) {
  if (value === null) {
    return "null";
  }
  if (Array.isArray(value)) {
    return "a list";
  }
  if (typeof value === "object") {
    return "a mapping";
  }
  if (typeof value === "string") {
    return `string ${JSON.stringify(value.length > 60 ? value.slice(0, 57) + "..." : value)}`;
  }
  return `${typeof value} ${String(value)}`;
}

Promise.resolve(main(process.argv.slice(2))).then((code) => {
  process.exitCode = code;
}, (e) => {
  console.error(`check.mjs: internal error: ${e.stack ?? e}`);
  process.exitCode = 3;
});
