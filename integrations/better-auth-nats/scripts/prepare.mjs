// Builds dist/ with tsc. Runs on `npm install`/`npm ci` in this folder, and in this folder when
// another project installs it from a relative path (`npm install ../integrations/better-auth-nats`),
// where npm does not install this package's devDependencies: then they are installed here first,
// from package-lock.json, without scripts.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const npmCli = process.env.npm_execpath; // the npm running this script, when there is one

if (!existsSync(tsc)) {
  console.log("[better-auth-nats] installing build tools (devDependencies) to build dist/");
  const args = ["ci", "--include=dev", "--ignore-scripts", "--no-audit", "--no-fund"];
  // settings of the outer install that must not leak into this one (registry and auth settings stay)
  const env = { ...process.env };
  for (const key of [
    "NODE_ENV",
    "npm_config_global",
    "npm_config_location",
    "npm_config_prefix",
    "npm_config_local_prefix",
    "npm_config_omit",
    "npm_config_include",
    "npm_config_production",
    "npm_config_only",
    "npm_config_dry_run",
    "npm_config_install_links",
    "npm_config_ignore_scripts",
    "npm_config_package_lock",
    "npm_config_package_lock_only",
    "npm_config_workspace",
    "npm_config_workspaces",
    "npm_config_include_workspace_root",
  ]) delete env[key];
  if (npmCli && npmCli.endsWith(".js")) execFileSync(process.execPath, [npmCli, ...args], { cwd: root, stdio: "inherit", env });
  else execFileSync(process.platform === "win32" ? "npm.cmd" : "npm", args, { cwd: root, stdio: "inherit", env, shell: process.platform === "win32" });
}
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.json")], { cwd: root, stdio: "inherit" });
