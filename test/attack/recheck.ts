import { expect } from "chai";
import { isChimera, uint8ImageDomain, verdicts, type AttackModel, type ChimeraResult } from "@chimera/attack";

/** Every reported verdict is reproduced by each backend's own forward on the returned bytes. */
export function expectRechecks(model: AttackModel, r: ChimeraResult, backends: Parameters<typeof verdicts>[2]): void {
  const v = verdicts(model, uint8ImageDomain.decode(r.image), backends);
  expect(v.labels).to.deep.equal(r.labels);
  expect(v.logits.map((z) => Array.from(z))).to.deep.equal(r.logits);
  expect(r.found).to.equal(isChimera(v.labels));
}
