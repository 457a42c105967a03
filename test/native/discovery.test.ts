import { expect } from "chai";
import { addonStatus, discoverNativeBackends } from "@chimera/native";
import { requireNative } from "./require-native.js";

describe("native discovery", () => {
  const all = discoverNativeBackends();

  it("lists every catalog backend once, with well-formed ids and reasons for the unavailable", () => {
    expect(new Set(all.map((b) => b.id)).size).to.equal(all.length);
    for (const b of all) {
      expect(b.id).to.match(/^[a-z0-9]+-[0-9a-z.]+-[a-z0-9]+(-[a-z]+)?(-t\d+)?$/);
      expect(b.id.startsWith(`${b.library}-${b.version}-${b.variant}`), b.id).to.equal(true);
      expect(b.kind).to.equal("native");
      if (!b.available) expect(b.reason, b.id).to.be.a("string").and.not.equal("");
    }
    expect(all.some((b) => b.library === "cublas")).to.equal(true);
    expect(all.some((b) => b.library === "accelerate")).to.equal(true);
  });

  it("finds at least 8 real library variants (required under CHIMERA_REQUIRE_NATIVE=1)", function () {
    const available = all.filter((b) => b.available);
    console.log(`      ${available.length} of ${all.length} native backends available${addonStatus().reason ? `; ${addonStatus().reason}` : ""}`);
    if (available.length === 0 && !requireNative) {
      console.log("      skipped: no native library is installed (scripts/install-debian-deps.sh installs them)");
      return this.skip();
    }
    expect(available.length).to.be.at.least(8);
  });

  it("CHIMERA_BLAS_<NAME> overrides a library path; a missing override is unavailable with the variable named", () => {
    const env = { ...process.env, CHIMERA_BLAS_NETLIB: "/nonexistent/libblas.so" };
    const netlib = discoverNativeBackends(env).find((b) => b.library === "netlib")!;
    expect(netlib.available).to.equal(false);
    expect(netlib.reason).to.contain("CHIMERA_BLAS_NETLIB");
    expect(() => netlib.create()).to.throw(/netlib-3\.11\.0-generic: unavailable/);
  });

  it("a file that is not a BLAS library fails to start with an error naming the backend", function () {
    const libm = "/lib/x86_64-linux-gnu/libm.so.6";
    const env = { ...process.env, CHIMERA_BLAS_NETLIB: libm, CHIMERA_BLAS_OPENBLAS_SERIAL: libm };
    const backends = discoverNativeBackends(env);
    const netlib = backends.find((b) => b.id === "netlib-3.11.0-generic")!;
    const openblas = backends.find((b) => b.id === "openblas-0.3.21-haswell-serial")!;
    if (!netlib.available) {
      // libm stands in for a library here, so only a missing addon (or libm) makes it unavailable
      if (requireNative) throw new Error(`CHIMERA_REQUIRE_NATIVE=1 but ${netlib.reason}`);
      console.log(`      skipped: ${netlib.reason}`);
      return this.skip();
    }
    expect(() => netlib.create()).to.throw(/netlib-3\.11\.0-generic.*exports neither cblas_sgemm/);
    expect(() => openblas.create()).to.throw(/openblas-0\.3\.21-haswell-serial: failed to load: .*exports neither cblas_sgemm/);
  });
});
