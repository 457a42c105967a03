import { expect } from "chai";
import { commands, parseArgs, type Command } from "@chimera/lab/cli";
import { Rng } from "@chimera/tensor";
import { runCli } from "./run-cli.js";

type Spec = Command["flags"][string];

/** Positionals each command needs to get past its argument count. */
const positional: Record<string, string[]> = { eval: ["fmnist-mlp"], train: ["fmnist-mlp"], experiment: ["fig5"], merge: ["shard-folder"] };

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.nextUint32() % xs.length]!;

/** A value `spec` must refuse (with the reason the parser gives), or undefined when the type has none to try. */
function badValue(rng: Rng, spec: Spec): string | undefined {
  switch (spec.type) {
    case "int": return pick(rng, ["", " ", "1.5", "abc", "1e3", "0x10", "NaN", "Infinity", String(spec.max + 1), String(spec.min - 1), "--5"].filter((v) => v !== "--5"));
    case "number": return pick(rng, ["", "abc", "NaN", "Infinity", "-Infinity", "1,5", String(spec.max * 10 + 1), String(spec.min - 1 - Math.abs(spec.min))]);
    case "enum": return pick(rng, ["", "bogus", spec.values[0]!.toUpperCase() + "x", ` ${spec.values[0]}x`]);
    case "list": return pick(rng, ["", "a,,b", ",", "x,x"]);
    case "string": case "path": return "";
    case "boolean": return undefined;
  }
}

/** A value `spec` accepts, and the value the parser must give back for it. */
function goodValue(rng: Rng, spec: Spec): [string, unknown] | undefined {
  switch (spec.type) {
    case "int": {
      const hi = Math.min(spec.max, spec.min + 1000), v = spec.min + (rng.nextUint32() % (hi - spec.min + 1));
      return [String(v), v];
    }
    case "number": {
      const v = Math.fround(spec.min + (Math.min(spec.max, spec.min + 4) - spec.min) * ((rng.nextUint32() % 1024) / 1024));
      return [String(v), v];
    }
    case "enum": { const v = pick(rng, spec.values); return [v, v]; }
    case "string": case "path": return spec.type === "string" && spec.check ? undefined : ["some-value", "some-value"];
    case "list": return spec.check ? undefined : ["a,b", ["a", "b"]];
    case "boolean": return undefined;
  }
}

/** Flag fuzz over every command: random bad flags and values never run, never default, never print a stack. */
describe("flags: fuzz over every command", () => {
  it("each bad flag or value exits 2 with one line naming the flag; nothing runs", async () => {
    const rng = new Rng(1616);
    let tried = 0;
    for (const command of commands) {
      const names = Object.keys(command.flags);
      for (let t = 0; t < 30; t++) {
        const argv = [command.name, ...(positional[command.name] ?? [])];
        const kind = rng.nextUint32() % 6;
        let flag: string;
        if (kind === 0 || names.length === 0) {
          flag = `${pick(rng, [...names, "json", "x"])}${pick(rng, ["z", "-x", "s"])}`;
          if (names.includes(flag)) continue;
          argv.push(`--${flag}`, "1");
        } else {
          flag = pick(rng, names);
          const spec = command.flags[flag]!;
          const bad = badValue(rng, spec);
          if (kind === 1 && spec.type !== "boolean") argv.push(`--${flag}`); // no value at the end
          else if (kind === 2) argv.push(...(spec.type === "boolean" ? [`--${flag}`, `--${flag}`] : [`--${flag}`, goodValue(rng, spec)?.[0] ?? "v", `--${flag}`, "v"]));
          else if (kind === 3 && command.exclusive?.length) {
            const group = pick(rng, command.exclusive);
            flag = group[0]!;
            for (const f of group) argv.push(...(command.flags[f]!.type === "boolean" ? [`--${f}`] : [`--${f}`, goodValue(rng, command.flags[f]!)?.[0] ?? "0"]));
          } else if (spec.type === "boolean") argv.push(`--${flag}=${pick(rng, ["yes", "", "1"])}`);
          else if (bad !== undefined) argv.push(rng.nextUint32() % 2 ? `--${flag}=${bad}` : `--${flag}`, ...(argv.at(-1)!.includes("=") ? [] : [bad]));
          else continue;
        }
        const r = await runCli(...argv);
        tried++;
        const what = JSON.stringify(argv);
        expect(r.code, `${what}: ${r.err}`).to.equal(2);
        expect(r.out, what).to.equal("");
        const lines = r.err.trim().split("\n");
        expect(lines, `${what}: ${r.err}`).to.have.length(1);
        expect(lines[0], what).to.match(new RegExp(`^chimera ${command.name}: .*--${flag}`));
        expect(r.err, what).to.not.match(/\n\s+at |Error:/);
      }
    }
    expect(tried).to.be.greaterThan(commands.length * 20);
  });

  it("help and parser agree: each declared flag is in the help, each flag the help names is declared", () => {
    // flags of other commands the help text points to
    const elsewhere: Record<string, string[]> = { attack: ["backend"], derive: ["backends"], merge: ["shard", "workers"] };
    for (const command of commands) {
      for (const flag of Object.keys(command.flags)) expect(command.help, `${command.name} --help`).to.contain(`--${flag}`);
      const named = new Set([...command.help.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!));
      const undeclared = [...named].filter((f) => !(f in command.flags) && f !== "json" && f !== "help" && !(elsewhere[command.name] ?? []).includes(f));
      expect(undeclared, `${command.name} --help names flags it does not take`).to.deep.equal([]);
    }
  });

  it("each good value parses to exactly itself (never a default)", () => {
    const rng = new Rng(61);
    for (const command of commands) {
      for (const [flag, spec] of Object.entries(command.flags)) {
        for (let t = 0; t < 5; t++) {
          const good = goodValue(rng, spec);
          if (!good) continue;
          const needs = command.requires?.[flag];
          const need = needs === undefined ? [] : [`--${needs}`, ...(command.flags[needs]!.type === "boolean" ? [] : [goodValue(rng, command.flags[needs]!)![0]])];
          const args = parseArgs(command, [...(positional[command.name] ?? []), `--${flag}`, good[0], ...need]);
          expect(args.flags.get(flag), `${command.name} --${flag} ${good[0]}`).to.deep.equal(good[1]);
        }
      }
    }
  });
});
