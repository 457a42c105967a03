export { probe, type ProbeProfile, type OrderGroup } from "./probe.js";
export { ProbeOracle, type ProbeOp, type ProbeShape } from "./oracle.js";
export { ProbeError, MASK } from "./reveal.js";
export { treeKernel, profileSetKernel } from "./tree-kernel.js";
export { formatTree, canonicalTree, sameTree, leavesOf, treeSize, isLeaf, chainRange, collapsible, encodeTree, decodeTree, postOrder, type SumTree, type SumNode, type SumLeaf, type LeafRun } from "./tree.js";
export { treeSvg } from "./tree-svg.js";
export { deriveOrder, derivedDeclaration, derivedKernel, deriveShapes, describeRule, className, classOf, sameClass, accumulationVocabulary, DERIVE_K, type DerivedOrder, type DerivedRule, type ShapeClass, type Unexplained } from "./derive.js";
