/** Renders `${NAME}` placeholders of a config template; an unknown placeholder is an error. */
import { readFileSync, writeFileSync } from "node:fs";

/**
 * @param text template text
 * @param vars values by placeholder name
 */
export function renderTemplate(text: string, vars: Readonly<Record<string, string | number>>): string {
  return text.replace(/\$\{([A-Z0-9_]+)\}/g, (_m, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`template placeholder \${${name}} has no value`);
    return String(v);
  });
}

/** Renders a template file into `target`. */
export function renderFile(
  template: string,
  target: string,
  vars: Readonly<Record<string, string | number>>,
): void {
  writeFileSync(target, renderTemplate(readFileSync(template, "utf8"), vars));
}
