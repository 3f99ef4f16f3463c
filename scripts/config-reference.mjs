#!/usr/bin/env node
// Writes docs/configuration.md, the reference of every tenantgate.* property, from what the build knows:
//
//   ./mvnw -q -pl gateway compile && node scripts/config-reference.mjs
//
// - gateway/target/classes/META-INF/spring-configuration-metadata.json, written at compile time by
//   spring-boot-configuration-processor from the @ConfigurationProperties records (names, types, the @DefaultValue
//   defaults and the @param Javadoc of each record component);
// - gateway/src/main/resources/application.yml, for the values the shipped configuration sets and the short
//   environment variable names of its ${NAME:default} placeholders;
// - the Javadoc of each properties class, for the section titles.
//
// `--check` writes nothing and exits 1 when docs/configuration.md differs from what would be written.
// ConfigurationReferenceTests (gateway tests) fails when a property is missing from the document or the document
// names one that no longer exists. Node 18+, no dependencies.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const metadataFile = join(root, "gateway/target/classes/META-INF/spring-configuration-metadata.json");
const applicationYml = join(root, "gateway/src/main/resources/application.yml");
const javaRoot = join(root, "gateway/src/main/java");
const output = join(root, "docs/configuration.md");
const check = process.argv.includes("--check");

if (!existsSync(metadataFile)) {
  console.error(`config-reference: ${metadataFile.slice(root.length + 1)} is missing; run ./mvnw -q -pl gateway compile first`);
  process.exit(2);
}
const metadata = JSON.parse(readFileSync(metadataFile, "utf8"));
const properties = metadata.properties.filter((p) => p.name.startsWith("tenantgate."));
const groups = metadata.groups.filter((g) => g.name === "tenantgate" || g.name.startsWith("tenantgate."));
if (properties.length === 0) {
  console.error("config-reference: the metadata has no tenantgate.* property");
  process.exit(2);
}

// ---- application.yml: a flat map of dotted keys to scalar values (the file holds maps and scalars only) ----

function flattenYaml(text) {
  const flat = new Map();
  const stack = []; // [{ indent, key }]
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "").replace(/^\s*#.*$/, "");
    if (!line.trim()) continue;
    const match = /^(\s*)([^:\s][^:]*):(?:\s+(.*))?$/.exec(line);
    if (!match) continue; // list items and anything else this reference does not need
    const indent = match[1].length;
    while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
    stack.push({ indent, key: match[2].trim() });
    if (match[3] !== undefined && match[3] !== "") {
      flat.set(stack.map((s) => s.key).join("."), unquote(match[3].trim()));
    }
  }
  return flat;
}

function unquote(value) {
  return /^(['"]).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/** `${NAME:default}` → { env: NAME, value: default }; anything else → { value }. */
function shipped(value) {
  const match = /^\$\{([A-Z0-9_]+)(?::(.*))?\}$/.exec(value);
  return match ? { env: match[1], value: match[2] ?? "" } : { value };
}

const yaml = flattenYaml(readFileSync(applicationYml, "utf8"));

// ---- formatting ----

/** Spring's canonical environment variable for a property: `.` → `_`, `-` removed, upper case. */
const envName = (name) => name.replace(/-/g, "").replace(/\./g, "_").toUpperCase();

const javadoc = (text) =>
  (text ?? "")
    .replace(/\{@(?:code|literal) ((?:[^{}]|\{[^{}]*\})*)\}/g, (_, code) => "`" + code + "`")
    .replace(/\{@link(?:plain)? ([^}\s]+)(?: ([^}]*))?\}/g, (_, target, label) => label ?? "`" + target.replace(/^#/, "") + "`")
    .replace(/\s+/g, " ")
    .trim();

const cell = (text) => String(text).replace(/\|/g, "\\|");

const simpleTypes = {
  "java.lang.String": "string",
  "java.lang.Boolean": "boolean",
  "java.lang.Integer": "int",
  "java.lang.Long": "long",
  "java.lang.Float": "number",
  "java.lang.Double": "number",
  "java.time.Duration": "duration",
  "java.net.URI": "URI",
  "java.util.List<java.lang.String>": "list of strings",
  "java.util.Set<java.lang.String>": "set of strings",
};
const typeName = (type) => simpleTypes[type] ?? (type ? type.replace(/^.*[.$]/, "") : "");

function formatDefault(value) {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.join(", ");
  if (value === "") return '`""` (empty)';
  return "`" + String(value).replace(/^\[(.*)\]$/, "$1") + "`";
}

/** First sentence of the Javadoc of a class, read from its source file. */
function classSummary(sourceType) {
  const file = join(javaRoot, sourceType.replace(/\$.*$/, "").replace(/\./g, "/") + ".java");
  if (!existsSync(file)) return "";
  const match = /\/\*\*([\s\S]*?)\*\/\s*(?:@[\w.]+(?:\([^)]*\))?\s*)*public\s+(?:final\s+)?(?:record|class)/.exec(
    readFileSync(file, "utf8"),
  );
  if (!match) return "";
  const text = match[1]
    .split("\n")
    .map((l) => l.replace(/^\s*\*\s?/, ""))
    .join(" ")
    .split(/\s@\w+/)[0];
  const first = javadoc(text).match(/^.*?\.(?=\s|$)/);
  return first ? first[0] : javadoc(text);
}

// ---- sections: one per @ConfigurationProperties class (its nested records included) ----

// A property belongs to the longest top-level group (a class, not a nested record) whose name prefixes it.
const topGroups = groups.filter((g) => !g.sourceMethod).sort((a, b) => b.name.length - a.name.length);
const sections = new Map(
  topGroups
    .slice()
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((g) => [g.name, { group: g, rows: [] }]),
);
for (const property of properties.slice().sort((a, b) => a.name.localeCompare(b.name))) {
  const group = topGroups.find((g) => property.name.startsWith(g.name + "."));
  if (!group) {
    console.error(`config-reference: ${property.name} is in no @ConfigurationProperties group`);
    process.exit(2);
  }
  sections.get(group.name).rows.push(property);
}

function row(property) {
  const fromYaml = yaml.has(property.name) ? shipped(yaml.get(property.name)) : null;
  let defaultText = formatDefault(property.defaultValue);
  if (fromYaml) {
    const value = fromYaml.value === "" ? '`""` (empty)' : "`" + fromYaml.value + "`";
    if (!defaultText) defaultText = value;
    else if (value !== defaultText) defaultText = `${value} (application.yml; without it ${defaultText})`;
  }
  if (!defaultText) defaultText = "none";
  const env = fromYaml?.env ? `\`${fromYaml.env}\`` : `\`${envName(property.name)}\``;
  let description = javadoc(property.description) || "**(no description: add an `@param` to the record)**";
  if (property.deprecation) description = `**Deprecated.** ${description}`;
  return `| \`${property.name}\` | ${typeName(property.type)} | ${cell(defaultText)} | ${env} | ${cell(description)} |`;
}

const example = properties.find((p) => /-/.test(p.name.split(".").pop())) ?? properties[0];
const alias = (p) => (yaml.has(p.name) ? shipped(yaml.get(p.name)).env : undefined);
const aliased = properties.find((p) => alias(p) && alias(p).length < envName(p.name).length - 1);
const lines = [
  "# Configuration reference",
  "",
  "<!-- Generated by scripts/config-reference.mjs; do not edit by hand. -->",
  "",
  "Every `tenantgate.*` property of the gateway, generated by `scripts/config-reference.mjs` from the configuration",
  "metadata that `spring-boot-configuration-processor` writes at compile time (names and types of the",
  "`@ConfigurationProperties` records in `gateway/src/main/java/dev/tenantgate/config`, their `@DefaultValue`s and the",
  "`@param` Javadoc of each component) and from `gateway/src/main/resources/application.yml` (the values the shipped",
  "configuration sets, and their short environment variable names). To update it after changing a record or",
  "`application.yml`:",
  "",
  "```sh",
  "./mvnw -q -pl gateway compile && node scripts/config-reference.mjs",
  "```",
  "",
  "`ConfigurationReferenceTests` fails when a property is missing here, or when this page names one that no longer",
  "exists.",
  "",
  "## Setting a property",
  "",
  "- **Environment variable**: upper case, `.` → `_`, `-` dropped (Spring Boot's relaxed binding), e.g.",
  `  \`${example.name}\` → \`${envName(example.name)}\`. The **env** column shows the short name where`,
  aliased
    ? `  \`application.yml\` defines one (\`${shipped(yaml.get(aliased.name)).env}\` for \`${aliased.name}\`); the long form works too.`
    : "  `application.yml` defines one; the long form works too.",
  "- **Command line**: `java -jar tenantgate-gateway.jar --" + example.name + "=...`.",
  "- **A file**: an `application.yml` in the working directory or in `config/` beside it, or",
  "  `SPRING_CONFIG_ADDITIONAL_LOCATION=file:/etc/tenantgate/`.",
  "",
  "Durations are written `250ms`, `10s`, `5m`, `24h` (a bare number is milliseconds); lists are comma-separated in",
  "environment variables and on the command line. A value that fails validation (a blank URL, an algorithm outside",
  "the allowlist, a clock skew above 5 minutes...) stops the gateway at start-up with the property's name.",
  "",
  "**default** is what a gateway started with the shipped `application.yml` uses; where that file overrides the",
  "record's own default, both are shown.",
];

for (const { group, rows } of sections.values()) {
  if (rows.length === 0) continue;
  const title = classSummary(group.sourceType);
  lines.push("", `## \`${group.name}\``, "");
  if (title) lines.push(title, "");
  lines.push("| property | type | default | env | description |", "|---|---|---|---|---|");
  for (const property of rows) lines.push(row(property));
}

// Spring Boot's own properties that application.yml maps to TENANTGATE_* variables.
const others = [...yaml.entries()]
  .filter(([key, value]) => !key.startsWith("tenantgate.") && shipped(value).env)
  .map(([key, value]) => ({ key, ...shipped(value) }));
lines.push(
  "",
  "## Spring Boot properties with a `TENANTGATE_*` variable",
  "",
  "`application.yml` also maps these standard Spring Boot properties (the connection to PostgreSQL, Redis, the",
  "listening ports and the idle timeout) to short variables. `/actuator` (health probes, Prometheus) is served on",
  "the management port only, never on the traffic port. Every other Spring Boot property can be set the usual way.",
  "",
  "| property | env | default |",
  "|---|---|---|",
  ...others.map((o) => `| \`${o.key}\` | \`${o.env}\` | ${o.value === "" ? '`""` (empty)' : "`" + cell(o.value) + "`"} |`),
  "",
);

const text = lines.join("\n");
if (check) {
  const current = existsSync(output) ? readFileSync(output, "utf8") : "";
  if (current !== text) {
    console.error("config-reference: docs/configuration.md is out of date; run node scripts/config-reference.mjs");
    process.exit(1);
  }
  console.log("config-reference: docs/configuration.md is up to date");
} else {
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, text);
  console.log(`config-reference: wrote docs/configuration.md (${properties.length} properties)`);
}
