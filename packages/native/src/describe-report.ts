import type { LibraryReport } from "./addon.js";
import type { LoadExpectation } from "./library-catalog.js";

/** The MKL code path a report shows: the `<path>` of the libmkl_<path>.so that got loaded. */
export function mklPathOf(report: LibraryReport): string | undefined {
  for (const o of report.loadedObjects) {
    const m = /\/libmkl_(def|mc|mc3|avx|avx2|avx512|avx512_mic)\.so[.\d]*$/.exec(o);
    if (m) return m[1];
  }
  return undefined;
}

/** One phrase naming the code path that runs, e.g. "OpenBLAS core Haswell" or "MKL libmkl_avx2". */
export function runningPath(report: LibraryReport): string {
  if (report.openblasCorename) return `OpenBLAS core ${report.openblasCorename}`;
  if (report.blisArch) return `BLIS ${report.blisVersion ?? ""} config ${report.blisArch}`.replace("  ", " ");
  if (report.mklVersion) return `MKL ${report.mklVersion.replace(/ Product Build.*/, "")}, libmkl_${mklPathOf(report) ?? "?"}`;
  if (report.eigenBuild) return report.eigenBuild;
  if (report.cublasVersion) return `cuBLAS ${report.cublasVersion}, pedantic math (no TF32)`;
  return `${report.abi} symbols of ${report.path}`;
}

/** Why a loaded library is not the variant that was asked for, or undefined when it is. */
export function expectationMismatch(expect: LoadExpectation | undefined, report: LibraryReport): string | undefined {
  if (!expect) return undefined;
  const core = report.openblasCorename;
  if (expect.openblasCorename && core?.toLowerCase() !== expect.openblasCorename.toLowerCase()) {
    return `asked OpenBLAS for core ${expect.openblasCorename} but it runs ${core ?? "an unknown core"} (unsupported on this CPU?)`;
  }
  if (expect.blisArch && report.blisArch !== expect.blisArch) {
    return `asked BLIS for configuration ${expect.blisArch} but it runs ${report.blisArch ?? "an unknown one"}`;
  }
  const mkl = mklPathOf(report);
  if (expect.mklPath && mkl !== expect.mklPath) {
    return `asked MKL for libmkl_${expect.mklPath} but it loaded libmkl_${mkl ?? "?"}`;
  }
  return undefined;
}
