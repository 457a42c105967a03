/**
 * Backend ids: `<library>-<version>-<variant>[-t<threads>]`, where variant is `<cpu>-<threading>` for
 * libraries with several threading builds or layers and just `<cpu>` otherwise; `-t1` is implied.
 * Examples: `openblas-0.3.21-haswell-pthread-t2`, `blis-0.9.0-generic-serial`, `netlib-3.11.0-generic`.
 */
export function backendVariant(cpu: string, threading: string): string {
  return threading ? `${cpu}-${threading}` : cpu;
}

/** The id of one backend (see the module comment). */
export function backendId(library: string, version: string, variant: string, threads: number): string {
  return `${library}-${version}-${variant}${threads > 1 ? `-t${threads}` : ""}`;
}
