/**
 * The placement engine: an in-memory inventory of hosts, server groups and allocations, and
 * the decision that claims from it (filters, weighers, gangs, "no valid host" explanations,
 * group compliance). Pure Java with no I/O.
 *
 * <p>This package must not import gRPC ({@code io.grpc}), protobuf ({@code com.google.protobuf},
 * the generated {@code io.herd.api}), JDBC ({@code java.sql}, {@code javax.sql}) or libvirt
 * ({@code org.libvirt}); {@code PackageImportsTest} enforces it. The RPC layer maps its
 * records to and from the wire types, and the store persists what it decides.
 *
 * <p>Performance: hosts are kept as primitive arrays indexed by slot, a free-memory index
 * lets SPREAD and PACK stop at the first host that passes every filter, and members per
 * failure domain are counted on every claim and release, so a decision touches a handful of
 * hosts in the common case and never more than every host once. A refusal pinned to one host
 * or one affinity domain counts the other plain hosts in one step ({@code RejectionTally}),
 * and claims by server id live in small striped maps, so that no single decision pays for
 * rehashing every claim.
 */
package io.herd.controller.placement;
